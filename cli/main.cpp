// satlm: a SystemC/TLM-2.0 model of a weight-stationary quantized-CNN accelerator.
// Exit codes: 0 success, 1 output mismatch, 2 bad input/configuration/usage, 3 internal error.

#include "cli/net_command.h"
#include "cli/run_command.h"
#include "gen/generator.h"
#include "tlm/config.h"
#include "tlm/report.h"

#include <systemc>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdlib>
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

std::string key_list() {
    std::string s = "\nKeys for --set (dotted names; SYSTEM.md sections 3 and 4):\n";
    for (const auto& k : satlm::all_keys()) s += fmt::format("  {:<26} {}\n", k.name, k.doc);
    return s;
}

}  // namespace

int sc_main(int argc, char* argv[]) {
    sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
    CLI::App app{"satlm: cycle-faithful SystemC/TLM model of a weight-stationary CNN accelerator"};
    app.require_subcommand(1);
    app.set_help_all_flag("--help-all", "Show help for all subcommands");

    satlm::run_options run;
    CLI::App* run_cmd = app.add_subcommand("run", "Simulate a vector set and check its outputs");
    run_cmd->add_option("path", run.path, "Vector-set folder or manifest (*.toml); default: the bundled set");
    run_cmd->add_option("--set", run.sets, "Override a key: KEY=VALUE (repeatable)")->take_all();
    run_cmd->add_option("--config", run.config_file, "Architecture file (TOML, section-4 keys)");
    run_cmd->add_flag("--no-check", run.no_check, "Do not open or compare expected outputs");
    run_cmd->add_option("--dump-out", run.dump_out, "Write the computed output (canonical out.txt form)");
    run_cmd->add_option("--report", run.report, "Write a JSON report");
    run_cmd->add_option("--vcd", run.vcd, "Write a VCD waveform (cycle model)");
    run_cmd->add_flag("--quiet,-q", run.quiet, "Summary only, no per-pixel lines");
    run_cmd->footer(key_list());

    satlm::gen_options gen;
    CLI::App* gen_cmd = app.add_subcommand("gen", "Generate a complete vector set (golden model)");
    satlm::add_gen_options(*gen_cmd, gen);

    satlm::net_cli_options net;
    CLI::App* net_cmd = app.add_subcommand("net", "Run a whole network (built-in or SCALE-Sim topology) on the engine");
    satlm::add_net_options(*net_cmd, net);
    net_cmd->footer(key_list());

    const std::string first = argc > 1 ? argv[1] : "";
    if (argc > 1 && argv[1][0] != '-' && first != "run" && first != "gen" && first != "net") {
        fmt::print(stderr, "satlm: error: unknown command `{}`: expected `run`, `gen` or `net` (see satlm --help)\n",
                   argv[1]);
        return 2;
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        fmt::print(stderr, "satlm: error: {} (see satlm --help)\n", e.what());
        return 2;
    }

    try {
        if (*run_cmd) return satlm::run_command(run);
        if (*net_cmd) return satlm::net_command(net);
        for (const auto& note : satlm::run_generator(gen).notes) fmt::print(stderr, "satlm: note: {}\n", note);
        return 0;
    } catch (const satlm::input_error& e) {
        return print_error_lines(e.what());
    } catch (const sc_core::sc_report& e) {
        return print_internal_error(e.get_msg());
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
