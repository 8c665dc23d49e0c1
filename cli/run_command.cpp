#include "cli/run_command.h"

#include "cli/cli_common.h"

#include "engine/engine.h"
#include "testbench/checker.h"
#include "testbench/run_report.h"
#include "testbench/simulation.h"
#include "testbench/vcd_output.h"
#include "tlm/report.h"
#include "tlm/safe_file.h"
#include "vectors/vector_set.h"
#include "vectors/vector_writer.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>

namespace satlm {

std::string default_vector_set() { return SATLM_DEFAULT_SET; }
std::string satlm_version() { return SATLM_VERSION; }

namespace {

/// What one set's run leaves for the report and the JUnit file.
struct set_outcome {
    std::string path;
    int code = 0;                 ///< 0 signed off, 1 failed
    double wall_seconds = 0;
    std::string failure;          ///< one line: why the set failed
    std::string details;          ///< mismatch lines and warnings
    nlohmann::json report;
};

std::string xml_escape(const std::string& s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            default:
                // XML 1.0 allows no control characters but tab and line ends.
                if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') out += '?';
                else out += c;
        }
    }
    return out;
}

std::string junit_xml(const std::vector<set_outcome>& sets) {
    double total = 0;
    std::size_t failures = 0;
    for (const auto& s : sets) {
        total += s.wall_seconds;
        failures += s.code != 0;
    }
    std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    x += fmt::format("<testsuites name=\"satlm\" tests=\"{}\" failures=\"{}\" errors=\"0\" time=\"{:.3f}\">\n",
                     sets.size(), failures, total);
    x += fmt::format("  <testsuite name=\"satlm run\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"0\" time=\"{:.3f}\">\n",
                     sets.size(), failures, total);
    for (const auto& s : sets) {
        x += fmt::format("    <testcase classname=\"satlm.signoff\" name=\"{}\" time=\"{:.3f}\"",
                         xml_escape(absolute_path(s.path)), s.wall_seconds);
        if (s.code == 0 && s.details.empty()) {
            x += "/>\n";
            continue;
        }
        x += ">\n";
        if (s.code != 0)
            x += fmt::format("      <failure type=\"{}\" message=\"{}\">{}</failure>\n",
                             s.report.value("mismatches", 0) ? "mismatch" : "warning",
                             xml_escape(s.failure), xml_escape(s.details));
        else
            x += fmt::format("      <system-out>{}</system-out>\n", xml_escape(s.details));
        x += "    </testcase>\n";
    }
    x += "  </testsuite>\n</testsuites>\n";
    return x;
}

/// The first mismatch lines and every warning, for the JUnit failure text.
std::string outcome_details(const vector_set& vs, const run_result& result, const check_report& check) {
    std::string d;
    for (const auto& m : list_mismatches(vs, result, check, quiet_mismatch_lines))
        d += "MISMATCH " + format_mismatch(m) + "\n";
    if (check.mismatches > quiet_mismatch_lines)
        d += fmt::format("... {} mismatches in all\n", check.mismatches);
    for (const auto& w : check.warnings) d += "warning: " + w + "\n";
    return d;
}

/// An output that could not be written after the run: its one line, exit 2. Returned, not
/// thrown: exceptions after the SystemC kernel ran confuse AddressSanitizer's stack view.
int output_error(const std::string& message) {
    std::fflush(stdout);
    fmt::print(stderr, "satlm: error: {}\n", message);
    return 2;
}

}  // namespace

int run_command(const run_options& opt) {
    const std::vector<std::string> paths = opt.paths.empty() ? std::vector<std::string>{default_vector_set()} : opt.paths;
    const bool several = paths.size() > 1;
    if (several && (!opt.dump_out.empty() || !opt.vcd.empty()))
        throw input_error(fmt::format("{} writes one set's results: give one vector set, not {}",
                                      opt.dump_out.empty() ? "--vcd" : "--dump-out", paths.size()));
    vcd_window window;
    if (!opt.vcd_window.empty()) {
        window = parse_vcd_window(opt.vcd_window);
        if (opt.vcd.empty())
            throw input_error(
                fmt::format("--vcd-window `{}`: limits a waveform: give --vcd FILE too", opt.vcd_window));
    }
    // Outputs first: a typo or an output aimed at another output costs nothing.
    file_plan plan;
    // The waveform file always ends in .vcd (as the SystemC kernel names it).
    const std::string vcd_path =
        opt.vcd.empty() || (opt.vcd.size() > 4 && opt.vcd.compare(opt.vcd.size() - 4, 4, ".vcd") == 0)
            ? opt.vcd
            : opt.vcd + ".vcd";
    for (const auto& [option, path] : {std::pair<const char*, const std::string&>{"--dump-out", opt.dump_out},
                                       {"--report", opt.report}, {"--vcd", vcd_path}, {"--junit", opt.junit}})
        if (!path.empty()) plan.add_output(option, path);
    accel_config base;
    if (!opt.config_file.empty()) {
        check_input_file(opt.config_file, "--config");
        plan.add_input("--config", opt.config_file);
        plan.check_overlaps();
        load_architecture_file(base, opt.config_file);
    }
    plan.check_overlaps();
    const auto overrides = parse_set_options(opt.sets);

    std::vector<set_outcome> outcomes;
    std::string dump_text;
    for (const auto& path : paths) {
        const auto t0 = std::chrono::steady_clock::now();
        vector_set vs = load_vector_set(path, base, overrides, !opt.no_check);
        vs.config.validate();
        for (const auto& f : vs.files) plan.add_input("vector-set file", f);
        plan.check_overlaps();
        if (!opt.vcd.empty() && vs.config.arch.model != fidelity::cycle)
            throw config_error(fmt::format("--vcd {}: a waveform needs model.fidelity = \"cycle\" (the "
                                           "loosely-timed model has no cycles to trace)", opt.vcd));

        // The waveform's file exists (as a temporary file) before elaboration.
        std::unique_ptr<vcd_output> vcd;
        if (!opt.vcd.empty()) {
            // VCD time units (the kernel's 1 ps) per cycle, for the window's times.
            const double ps = sc_core::sc_time(vs.config.arch.clock_period_ns, sc_core::SC_NS) /
                              sc_core::sc_time(1, sc_core::SC_PS);
            vcd = std::make_unique<vcd_output>(plan.output("--vcd"), window, static_cast<std::uint64_t>(ps + 0.5));
        }
        // SystemC elaborates once per process: with several sets each runs on the same model
        // code without the kernel (identical outputs and statistics).
        const run_result result = several ? run_layer(vs.config, vs.layer)
                                          : simulate(vs.config, vs.layer, vcd ? vcd->kernel_path() : "", window);
        if (vcd && window.from >= result.stats.cycles.total())
            return output_error(fmt::format("--vcd-window `{}`: FROM must be a cycle of the run (0 to {})",
                                            opt.vcd_window, result.stats.cycles.total() - 1));
        if (vcd)
            if (const std::string error = vcd->finish(); !error.empty()) return output_error(error);
        const check_report check = check_run(vs, result);
        const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

        if (several) fmt::print(stdout, "{}== {}\n", outcomes.empty() ? "" : "\n", path);
        print_pixel_lines(stdout, vs, result, check, opt.quiet);
        print_summary(stdout, vs, result, check, wall);
        set_outcome o;
        o.path = path;
        o.wall_seconds = wall;
        if (check.mismatches) {
            o.code = 1;
            o.failure = fmt::format("{} of {} output values differ", check.mismatches, check.outputs);
        } else if (opt.strict && check.warning_count()) {
            o.code = 1;
            o.failure = fmt::format("--strict: {} warning(s) (psum or acc file differences, wrap-around)",
                                    check.warning_count());
            fmt::print(stdout, "--strict: {} warning(s) fail the run\n", check.warning_count());
        }
        o.details = outcome_details(vs, result, check);
        o.report = make_report(vs, result, check, wall);
        if (!opt.dump_out.empty()) dump_text = output_file_text(result.output, vs.config.layer.psum_bits);
        outcomes.push_back(std::move(o));
    }

    int code = 0;
    for (const auto& o : outcomes) code = std::max(code, o.code);
    if (several) {
        std::size_t failed = 0;
        for (const auto& o : outcomes) failed += o.code != 0;
        fmt::print(stdout, "\n{} sets: {} signed off, {} failed\n", outcomes.size(), outcomes.size() - failed, failed);
    }
    std::fflush(stdout);
    if (!opt.dump_out.empty())
        if (const auto error = try_write_file_atomically(plan.output("--dump-out"), dump_text, "--dump-out"); !error.empty())
            return output_error(error);
    if (!opt.report.empty()) {
        nlohmann::json j;
        if (several) {
            std::uint64_t mismatches = 0;
            for (const auto& o : outcomes) mismatches += o.report.value("mismatches", std::uint64_t{0});
            j["schema_version"] = report_schema_version;
            j["match"] = code == 0;
            j["mismatches"] = mismatches;
            j["sets"] = nlohmann::json::array();
            for (const auto& o : outcomes) j["sets"].push_back(o.report);
        } else {
            j = outcomes.front().report;
        }
        if (const auto error = try_write_file_atomically(plan.output("--report"), j.dump(2) + "\n", "--report");
            !error.empty())
            return output_error(error);
    }
    if (!opt.junit.empty())
        if (const auto error = try_write_file_atomically(plan.output("--junit"), junit_xml(outcomes), "--junit");
            !error.empty())
            return output_error(error);
    return code;
}

}  // namespace satlm
