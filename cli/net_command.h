#pragma once
/// `satlm net`: a whole network (built-in, topology CSV or GEMM file) through the engine.

#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace satlm {

struct net_cli_options {
    std::string network = "vgg16-cifar10";  ///< built-in name or topology file
    std::vector<std::string> sets;          ///< --set KEY=VALUE, in order
    std::string config_file;                ///< --config ARCH.toml
    std::string scalesim_cfg;               ///< --scalesim-cfg FILE
    bool check = false;                     ///< --check
    bool no_data = false;                   ///< --no-data
    std::uint64_t seed = 1;                 ///< --seed
    std::string layers;                     ///< --layers NAME,NAME
    std::string report;                     ///< --report FILE.json
    std::string csv;                        ///< --csv FILE.csv
    std::string scalesim_reports;           ///< --scalesim-reports DIR
    unsigned jobs = 0;                      ///< --jobs (0: the number of cores)
    bool quiet = false;                     ///< --quiet: totals only
};

/// Registers the options of `satlm net` on its subcommand.
void add_net_options(CLI::App& cmd, net_cli_options& o);

/// Runs and returns the exit code: 0 done (and every layer bit-exact with --check), 1 when a
/// checked layer differs. Throws input_error subclasses for bad input (exit 2).
int net_command(const net_cli_options& o);

}  // namespace satlm
