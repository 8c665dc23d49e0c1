// satlm: a SystemC/TLM-2.0 model of a weight-stationary quantized-CNN accelerator.
// Exit codes: 0 success, 1 output mismatch, 2 bad input/configuration/usage, 3 internal error.

#include "cli/net_command.h"
#include "cli/run_command.h"
#include "cli/sweep_command.h"
#include "gen/generator.h"
#include "tlm/config.h"
#include "tlm/report.h"
#include "tlm/safe_file.h"

#include <systemc>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdlib>
#include <new>
#include <system_error>
#include <string>

namespace {

int print_error_lines(const std::string& text) {
    std::size_t pos = 0;
    while (pos <= text.size()) {
        const auto nl = text.find('\n', pos);
        const std::string line = text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
        if (!line.empty()) fmt::print(stderr, "satlm: error: {}\n", line);
        if (nl == std::string::npos) break;
        pos = nl + 1;
    }
    return 2;
}

/// A broken invariant (a bug, never a user's fault): one line, exit 3.
int print_internal_error(std::string text) {
    for (auto& ch : text)
        if (ch == '\n') ch = ' ';
    fmt::print(stderr, "satlm: internal error (please report): {}\n", text);
    return 3;
}

/// Memory ran out despite the budget check (another process took it, or the estimate fell
/// short): the environment's limit, reported as such.
int print_out_of_memory() {
    fmt::print(stderr, "satlm: error: out of memory: the configuration needs more memory than this process "
                       "can allocate; lower the SRAM, FIFO or array sizes (or limits.memory_mb, docs/safety.md)\n");
    return 2;
}

std::string key_list(const char* heading = "Keys for --set KEY=VALUE, the manifest and the --config file "
                                           "(docs/blocks/config.md):") {
    const satlm::accel_config defaults;
    std::string s = fmt::format("\n{}\n", heading);
    s += fmt::format("  {:<26} {:<24} {:<30} {}\n", "key", "default", "range", "meaning");
    for (const auto& k : satlm::all_keys()) {
        std::string def = defaults.get(k.name);
        if (def.empty()) def = "(none)";
        if (k.kind == satlm::value_kind::whole && def == "0") def = "0 (derived)";
        s += fmt::format("  {:<26} {:<24} {:<30} {}\n", k.name, def, k.range, k.doc);
    }
    return s;
}

/// Options that name a file: given with an empty value, they are a usage error.
int check_paths_not_empty(const CLI::App& cmd, std::initializer_list<const char*> options) {
    for (const char* name : options) {
        const CLI::Option* o = cmd.get_option_no_throw(name);
        if (!o || o->count() == 0) continue;
        for (const auto& v : o->results())
            if (v.empty()) {
                fmt::print(stderr, "satlm: error: {}: expected a file name, got an empty path (see satlm {} --help)\n",
                           name, cmd.get_name());
                return 2;
            }
    }
    return 0;
}

}  // namespace

int sc_main(int argc, char* argv[]) {
    sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
    satlm::ignore_write_signals();
    CLI::App app{"satlm: cycle-faithful SystemC/TLM model of a weight-stationary CNN accelerator"};
    app.require_subcommand(1);
    app.set_help_all_flag("--help-all", "Show help for all subcommands");
    app.set_version_flag("--version", "satlm " + satlm::satlm_version());

    satlm::run_options run;
    CLI::App* run_cmd = app.add_subcommand("run", "Simulate vector sets and check their outputs");
    run_cmd->add_option("path", run.paths,
                        "Vector-set folders or manifests (*.toml), any number; default: the bundled set");
    // Exactly one KEY=VALUE per --set, so the set paths may come before or after it.
    run_cmd->add_option("--set", run.sets, "Override a key: --set KEY=VALUE (repeat for more keys)")
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    run_cmd->add_option("--config", run.config_file, "Architecture file (TOML, architecture keys)");
    run_cmd->add_flag("--no-check", run.no_check, "Do not open or compare expected outputs");
    run_cmd->add_option("--dump-out", run.dump_out, "Write the computed output (canonical out.txt form)");
    run_cmd->add_option("--report", run.report, "Write a JSON report (docs/blocks/checker.md)");
    run_cmd->add_option("--junit", run.junit, "Write a JUnit XML report, one test case per set");
    run_cmd->add_option("--vcd", run.vcd, "Write a VCD waveform (cycle model; docs/timing.md)");
    run_cmd->add_option("--vcd-window", run.vcd_window,
                        "Keep only cycles FROM..TO (both included) in the --vcd waveform: FROM:TO, FROM: or :TO")
        ->type_name("FROM:TO");
    run_cmd->add_flag("--quiet,-q", run.quiet, "Summary and the first 20 mismatches only");
    run_cmd->add_flag("--strict", run.strict, "Warnings (psum/acc file differences, wrap-around) fail the run");
    run_cmd->footer(key_list());

    satlm::gen_options gen;
    CLI::App* gen_cmd = app.add_subcommand("gen", "Generate a complete vector set (golden model)");
    satlm::add_gen_options(*gen_cmd, gen);

    satlm::net_cli_options net;
    CLI::App* net_cmd = app.add_subcommand("net", "Run a whole network (built-in or SCALE-Sim topology) on the engine");
    satlm::add_net_options(*net_cmd, net);
    net_cmd->footer(key_list());

    satlm::sweep_cli_options sweep;
    CLI::App* sweep_cmd = app.add_subcommand("sweep", "Run a what-if sweep of networks and keys into a results store");
    satlm::add_sweep_options(*sweep_cmd, sweep);
    sweep_cmd->footer(key_list("Keys a sweep file can fix in [set] or vary in [grid], [zip] and [[points]]:"));

    satlm::merge_cli_options merge;
    CLI::App* merge_cmd = app.add_subcommand("merge", "Join the shard folders of a sweep into one");
    satlm::add_merge_options(*merge_cmd, merge);

    satlm::export_cli_options exp;
    CLI::App* export_cmd = app.add_subcommand("export", "Export a sweep's store as CSV or JSON lines");
    satlm::add_export_options(*export_cmd, exp);

    satlm::plot_cli_options plot;
    CLI::App* plot_cmd = app.add_subcommand("plot", "Figures and an HTML report of a sweep (gnuplot)");
    satlm::add_plot_options(*plot_cmd, plot);

    const std::string first = argc > 1 ? argv[1] : "";
    const bool known = first == "run" || first == "gen" || first == "net" || first == "sweep" || first == "merge" ||
                       first == "export" || first == "plot";
    if (argc > 1 && argv[1][0] != '-' && !known) {
        fmt::print(stderr, "satlm: error: unknown command `{}`: expected `run`, `gen`, `net`, `sweep`, `merge`, "
                   "`export` or `plot` (see satlm --help)\n", argv[1]);
        return 2;
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        fmt::print(stderr, "satlm: error: {} (see satlm --help)\n", e.what());
        return 2;
    }
    if (*run_cmd) {
        if (int rc = check_paths_not_empty(*run_cmd, {"path", "--config", "--dump-out", "--report", "--vcd", "--junit"}))
            return rc;
        if (run_cmd->count("--vcd-window") && run.vcd_window.empty()) {
            fmt::print(stderr, "satlm: error: --vcd-window: expected FROM:TO in cycles, got an empty value\n");
            return 2;
        }
    } else if (int rc = check_paths_not_empty(*gen_cmd, {"--out", "--from-npy"})) {
        return rc;
    }

    try {
        if (*run_cmd) return satlm::run_command(run);
        if (*net_cmd) return satlm::net_command(net);
        if (*sweep_cmd) return satlm::sweep_command(sweep);
        if (*merge_cmd) return satlm::merge_command(merge);
        if (*export_cmd) return satlm::export_command(exp);
        if (*plot_cmd) return satlm::plot_command(plot);
        for (const auto& note : satlm::run_generator(gen).notes) fmt::print(stderr, "satlm: note: {}\n", note);
        return 0;
    } catch (const satlm::input_error& e) {
        return print_error_lines(e.what());
    } catch (const std::bad_alloc&) {
        return print_out_of_memory();
    } catch (const sc_core::sc_report& e) {
        // An allocation that failed inside a SystemC process arrives as the kernel's report.
        if (std::string(e.get_msg()).find("bad_alloc") != std::string::npos) return print_out_of_memory();
        return print_internal_error(e.get_msg());
    } catch (const std::system_error& e) {
        // The console output could not be written (a full disk or file-size limit on a
        // redirected stdout): the user's environment, not a bug.
        fmt::print(stderr, "satlm: error: cannot write the output: {}\n", e.what());
        return 2;
    } catch (const std::exception& e) {
        return print_internal_error(e.what());
    }
}

// Our own main() (it takes precedence over libsystemc's) so the kernel's banner stays off the
// terminal unless the user asks for it; then the usual sc_main path.
int main(int argc, char* argv[]) {
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
    return sc_core::sc_elab_and_sim(argc, argv);
}
