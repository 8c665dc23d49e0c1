#include "testbench/run_command.h"

#include "testbench/checker.h"
#include "testbench/run_report.h"
#include "testbench/simulation.h"
#include "tlm/report.h"
#include "vectors/vector_set.h"
#include "vectors/vector_writer.h"

#include <fmt/format.h>

#include <chrono>
#include <fstream>

namespace satlm {

std::string default_vector_set() { return SATLM_DEFAULT_SET; }

namespace {

std::vector<std::pair<std::string, std::string>> parse_sets(const std::vector<std::string>& sets) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& s : sets) {
        const auto eq = s.find('=');
        if (eq == std::string::npos || eq == 0)
            throw config_error(fmt::format("--set `{}`: expected KEY=VALUE, e.g. --set array.rows=16", s));
        const std::string key = s.substr(0, eq);
        if (!find_key(key)) throw config_error(fmt::format("--set: unknown key `{}`", key));
        out.emplace_back(key, s.substr(eq + 1));
    }
    return out;
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
    accel_config cfg;
    if (!opt.config_file.empty()) load_architecture_file(cfg, opt.config_file);
    const auto overrides = parse_sets(opt.sets);
    const std::string path = opt.path.empty() ? default_vector_set() : opt.path;
    vector_set vs = load_vector_set(path, cfg, overrides, !opt.no_check);
    vs.config.validate();

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
