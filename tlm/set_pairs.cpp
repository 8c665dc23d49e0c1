#include "tlm/set_pairs.h"

#include "tlm/config.h"
#include "tlm/report.h"

#include <fmt/format.h>

namespace satlm {

std::vector<set_pair> parse_set_pairs(const std::vector<std::string>& sets, const std::string& example,
                                      const std::function<bool(const std::string& key)>& admit) {
    std::vector<set_pair> out;
    std::string problems;
    accel_config scratch;
    for (const auto& s : sets) {
        const auto eq = s.find('=');
        try {
            if (eq == std::string::npos || eq == 0)
                throw config_error(fmt::format("--set `{}`: expected KEY=VALUE, e.g. --set {}", s, example));
            const std::string key = s.substr(0, eq), value = s.substr(eq + 1);
            if (admit && !admit(key)) continue;
            scratch.set(key, value, key_source::command_line);
            out.emplace_back(key, value);
        } catch (const config_error& e) {
            problems += (problems.empty() ? "" : "\n") + std::string(e.what());
        }
    }
    if (!problems.empty()) throw config_error(problems);
    return out;
}

}  // namespace satlm
