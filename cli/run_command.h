#pragma once
/// `satlm run`: load a vector set, simulate, check, print, write the optional outputs.

#include <string>
#include <vector>

namespace satlm {

struct run_options {
    std::string path;                  ///< vector-set folder or manifest; empty = bundled default
    std::vector<std::string> sets;     ///< --set KEY=VALUE, in order
    std::string config_file;           ///< --config ARCH.toml
    bool no_check = false;             ///< --no-check
    std::string dump_out;              ///< --dump-out FILE
    std::string report;                ///< --report FILE.json
    std::string vcd;                   ///< --vcd FILE
    bool quiet = false;                ///< --quiet: summary only, no per-pixel lines
};

/// The folder of the bundled default vector set (compiled-in path).
std::string default_vector_set();

/// Runs and returns the exit code: 0 signed off (or computed with --no-check), 1 mismatches.
/// Throws input_error subclasses for bad input (the caller prints them and exits 2).
int run_command(const run_options& opt);

}  // namespace satlm
