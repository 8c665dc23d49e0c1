#include "cli/net_command.h"

#include "cli/cli_common.h"
#include "net/net_report.h"
#include "net/network_run.h"
#include "net/scalesim_io.h"
#include "tlm/report.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <thread>

namespace satlm {

namespace {

std::vector<std::string> split_names(const std::string& list) {
    std::vector<std::string> names;
    std::size_t from = 0;
    while (from <= list.size() && !list.empty()) {
        const auto comma = list.find(',', from);
        const std::string name = list.substr(from, comma == std::string::npos ? std::string::npos : comma - from);
        if (!name.empty()) names.push_back(name);
        if (comma == std::string::npos) break;
        from = comma + 1;
    }
    return names;
}

accel_config architecture(const net_cli_options& o) {
    accel_config cfg;
    if (!o.config_file.empty()) load_architecture_file(cfg, o.config_file);
    if (!o.scalesim_cfg.empty()) load_scalesim_config(cfg, o.scalesim_cfg);
    apply_set_options(cfg, o.sets);
    return cfg;
}

}  // namespace

void add_net_options(CLI::App& cmd, net_cli_options& o) {
    cmd.add_option("network", o.network,
                   "Built-in network (vgg16-cifar10, vgg16-cifar10-8ch) or a SCALE-Sim topology/GEMM CSV")
        ->capture_default_str();
    cmd.add_option("--set", o.sets, "Override a key: KEY=VALUE (repeatable)")->allow_extra_args(false);
    cmd.add_option("--config", o.config_file, "Architecture file (TOML, section-4 keys)");
    cmd.add_option("--scalesim-cfg", o.scalesim_cfg, "A SCALE-Sim configuration file, read into the keys");
    cmd.add_flag("--check", o.check, "Compare every layer's outputs with the golden model");
    cmd.add_flag("--no-data", o.no_data, "Timing and counts only, without tensors");
    cmd.add_option("--seed", o.seed, "Seed of the random tensors")->capture_default_str();
    cmd.add_option("--layers", o.layers, "Run only these layers: NAME,NAME");
    cmd.add_option("--report", o.report, "Write a JSON report");
    cmd.add_option("--csv", o.csv, "Write one CSV row per layer");
    cmd.add_option("--scalesim-reports", o.scalesim_reports,
                   "Write COMPUTE_REPORT.csv, BANDWIDTH_REPORT.csv, DETAILED_ACCESS_REPORT.csv into DIR");
    cmd.add_option("--jobs,-j", o.jobs, "Layers run at once (default: the number of cores)");
    cmd.add_flag("--quiet,-q", o.quiet, "Totals only, no per-layer table");
}

int net_command(const net_cli_options& o) {
    if (o.check && o.no_data) throw config_error("--check needs data: it cannot be combined with --no-data");
    check_output_path("--report", o.report);
    check_output_path("--csv", o.csv);
    if (!o.scalesim_reports.empty() && !std::filesystem::is_directory(o.scalesim_reports))
        throw input_error(fmt::format("--scalesim-reports {}: expected an existing folder", o.scalesim_reports));
    const network net = load_network(o.network);
    net_options opt;
    opt.arch = architecture(o);
    opt.arch.validate();
    opt.check = o.check;
    opt.no_data = o.no_data;
    opt.seed = o.seed;
    opt.layers = split_names(o.layers);
    opt.jobs = o.jobs ? o.jobs : std::max(1u, std::thread::hardware_concurrency());

    const net_result r = run_network(net, opt);
    if (!o.quiet) print_net_summary(stdout, r, opt.arch);
    else fmt::print("network {}: {} cycles, {} layers\n", r.net.name, r.total().cycles.total(), r.layers.size());
    if (!o.report.empty()) write_output_file_atomically(o.report, net_json(r, opt.arch).dump(2) + "\n");
    if (!o.csv.empty()) write_output_file_atomically(o.csv, net_csv(r));
    if (!o.scalesim_reports.empty())
        for (const auto& [name, text] : scalesim_reports(r))
            write_output_file_atomically((std::filesystem::path(o.scalesim_reports) / name).string(), text);
    std::fflush(stdout);
    const auto m = r.mismatches();
    return m && *m ? 1 : 0;
}

}  // namespace satlm
