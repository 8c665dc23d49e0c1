#include "cli/cli_common.h"

#include "tlm/report.h"

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <unistd.h>

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
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::file_status st = fs::status(path, ec);
    if (fs::exists(st) && !fs::is_regular_file(st))
        throw input_error(fmt::format("{} {}: exists and is not a regular file, expected a file name", option, path));
    const fs::path parent = fs::path(path).parent_path();
    if (!parent.empty() && !fs::is_directory(parent, ec))
        throw input_error(fmt::format("{} {}: folder {} does not exist", option, path, parent.string()));
}

void write_output_file_atomically(const std::string& path, const std::string& text) {
    namespace fs = std::filesystem;
    const fs::path target(path);
    const fs::path folder = target.parent_path().empty() ? fs::path(".") : target.parent_path();
    std::string tmpl = (folder / ("." + target.filename().string() + ".XXXXXX")).string();
    const int fd = ::mkstemp(tmpl.data());
    if (fd < 0) throw input_error(fmt::format("{}: cannot create a file in {}", path, folder.string()));
    std::FILE* f = ::fdopen(fd, "wb");
    const bool written = f && std::fwrite(text.data(), 1, text.size(), f) == text.size();
    const bool closed = f ? std::fclose(f) == 0 : (::close(fd), false);
    std::error_code ec;
    if (!written || !closed) {
        fs::remove(tmpl, ec);
        throw input_error(fmt::format("{}: write failed (disk full?)", path));
    }
    fs::permissions(tmpl, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                              fs::perms::others_read, ec);
    fs::rename(tmpl, target, ec);
    if (ec) {
        fs::remove(tmpl, ec);
        throw input_error(fmt::format("{}: cannot rename the finished file into place", path));
    }
}

}  // namespace satlm
