#include "cli/cli_common.h"

#include "tlm/report.h"
#include "tlm/safe_file.h"
#include "tlm/set_pairs.h"

#include <fmt/format.h>


namespace satlm {

std::vector<std::pair<std::string, std::string>> parse_set_options(const std::vector<std::string>& sets) {
    return parse_set_pairs(sets, "array.rows=16");
}

void apply_set_options(accel_config& cfg, const std::vector<std::string>& sets) {
    for (const auto& [key, value] : parse_set_options(sets)) cfg.set(key, value, key_source::command_line);
}

void check_output_path(const char* option, const std::string& path) {
    if (path.empty()) return;
    resolve_output_path(path, option);
}

void write_output_file_atomically(const std::string& path, const std::string& text) {
    write_file_atomically(path, text, "");
}

}  // namespace satlm
