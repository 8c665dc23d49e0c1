#include "cli/cli_common.h"

#include "tlm/report.h"
#include "tlm/safe_file.h"

#include <fmt/format.h>


namespace satlm {

std::vector<std::pair<std::string, std::string>> parse_set_options(const std::vector<std::string>& sets) {
    std::vector<std::pair<std::string, std::string>> out;
    std::string problems;
    accel_config scratch;
    for (const auto& s : sets) {
        const auto eq = s.find('=');
        try {
            if (eq == std::string::npos || eq == 0)
                throw config_error(fmt::format("--set `{}`: expected KEY=VALUE, e.g. --set array.rows=16", s));
            scratch.set(s.substr(0, eq), s.substr(eq + 1), key_source::command_line);
            out.emplace_back(s.substr(0, eq), s.substr(eq + 1));
        } catch (const config_error& e) {
            problems += (problems.empty() ? "" : "\n") + std::string(e.what());
        }
    }
    if (!problems.empty()) throw config_error(problems);
    return out;
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
