#pragma once
/// `--set KEY=VALUE` options, split and checked the same way by every command.
///
/// \code
///   auto pairs = satlm::parse_set_pairs(sets, "array.rows=16");  // throws config_error
/// \endcode

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace satlm {

using set_pair = std::pair<std::string, std::string>;

/// Splits each `KEY=VALUE` and checks key and value on a scratch configuration. `admit(key)`
/// may drop a pair (false) or refuse it (throw config_error). Every problem is collected and
/// thrown at the end as one config_error, one line each; `example` completes the hint of a
/// malformed pair ("expected KEY=VALUE, e.g. --set EXAMPLE").
std::vector<set_pair> parse_set_pairs(const std::vector<std::string>& sets, const std::string& example,
                                      const std::function<bool(const std::string& key)>& admit = {});

}  // namespace satlm
