#include "cli/run_command.h"

#include "testbench/checker.h"
#include "testbench/run_report.h"
#include "testbench/simulation.h"
#include "tlm/report.h"
#include "vectors/vector_set.h"
#include "vectors/vector_writer.h"

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <fstream>

namespace satlm {

std::string default_vector_set() { return SATLM_DEFAULT_SET; }

namespace {

/// Splits the --set pairs and checks each key and value (every problem, one line each).
std::vector<std::pair<std::string, std::string>> parse_sets(const std::vector<std::string>& sets) {
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

/// Output files are checked before the run, so a typo costs nothing: the folder must exist and
/// the path must not be a folder.
void check_writable(const char* option, const std::string& path) {
    if (path.empty()) return;
    namespace fs = std::filesystem;
    std::error_code ec;
    if (fs::is_directory(path, ec))
        throw input_error(fmt::format("{} {}: is a folder, expected a file name", option, path));
    const fs::path parent = fs::path(path).parent_path();
    if (!parent.empty() && !fs::is_directory(parent, ec))
        throw input_error(fmt::format("{} {}: folder {} does not exist", option, path, parent.string()));
    const bool existed = fs::exists(path, ec);
    if (!std::ofstream(path, std::ios::app))
        throw input_error(fmt::format("{} {}: cannot open for writing", option, path));
    if (!existed) fs::remove(path, ec);
}

void write_text(const std::string& path, const std::string& text) {
    std::ofstream f(path, std::ios::binary);
    if (!f) throw input_error(fmt::format("{}: cannot open for writing", path));
    f << text;
    if (!f) throw input_error(fmt::format("{}: write failed", path));
}

}  // namespace

int run_command(const run_options& opt) {
    const auto t0 = std::chrono::steady_clock::now();
    check_writable("--dump-out", opt.dump_out);
    check_writable("--report", opt.report);
    check_writable("--vcd", opt.vcd);
    accel_config cfg;
    if (!opt.config_file.empty()) load_architecture_file(cfg, opt.config_file);
    const auto overrides = parse_sets(opt.sets);
    const std::string path = opt.path.empty() ? default_vector_set() : opt.path;
    vector_set vs = load_vector_set(path, cfg, overrides, !opt.no_check);
    vs.config.validate();
    if (!opt.vcd.empty() && vs.config.arch.model != fidelity::cycle)
        throw config_error(fmt::format("--vcd {}: a waveform needs model.fidelity = \"cycle\" (the "
                                       "loosely-timed model has no cycles to trace)", opt.vcd));

    const run_result result = simulate(vs.config, vs.layer, opt.vcd);
    const check_report check = check_run(vs, result);
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    if (!opt.quiet) print_pixel_lines(stdout, vs, result, check);
    print_summary(stdout, vs, result, check, wall);
    if (!opt.dump_out.empty()) write_output_file(opt.dump_out, result.output, vs.config.layer.psum_bits);
    if (!opt.report.empty()) write_text(opt.report, make_report(vs, result, check, wall).dump(2) + "\n");
    std::fflush(stdout);
    return check.mismatches ? 1 : 0;
}

}  // namespace satlm
