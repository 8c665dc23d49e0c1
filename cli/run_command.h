#pragma once
/// `satlm run`: load one or more vector sets, simulate, check, print, write the optional outputs
/// (every output through a temporary file renamed into place, never over an input).

#include <string>
#include <vector>

namespace satlm {

struct run_options {
    std::vector<std::string> paths;    ///< vector-set folders or manifests; empty = bundled default
    std::vector<std::string> sets;     ///< --set KEY=VALUE, in order
    std::string config_file;           ///< --config ARCH.toml
    bool no_check = false;             ///< --no-check
    std::string dump_out;              ///< --dump-out FILE (one set only)
    std::string report;                ///< --report FILE.json
    std::string vcd;                   ///< --vcd FILE (one set only)
    std::string vcd_window;            ///< --vcd-window FROM:TO: the cycles the VCD keeps
    std::string junit;                 ///< --junit FILE.xml: one test case per set
    bool quiet = false;                ///< --quiet: summary and the first 20 mismatches only
    bool strict = false;               ///< --strict: warnings (psum, acc, wrap-around) fail the run
};

/// The folder of the bundled default vector set (compiled-in path).
std::string default_vector_set();
/// The program's version ("0.1").
std::string satlm_version();

/// Runs and returns the exit code: 0 signed off (or computed with --no-check), 1 mismatches
/// (or, with --strict, warnings). Throws input_error subclasses for bad input (the caller prints
/// them and exits 2); no output file is then written.
int run_command(const run_options& opt);

}  // namespace satlm
