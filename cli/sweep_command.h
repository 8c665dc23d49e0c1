#pragma once
/// `satlm sweep`, `satlm merge`, `satlm export` and `satlm plot` (docs/sweep.md).

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace satlm {

struct sweep_cli_options {
    std::string file;           ///< SWEEP.toml
    std::string out;            ///< --out DIR (default: the file's `out`)
    unsigned jobs = 0;          ///< --jobs (0: the number of cores)
    std::string shard;          ///< --shard I/N
    bool retry_failed = false;  ///< --retry-failed
    bool quiet = false;         ///< --quiet: no progress
    // A Slurm job array instead of this process (docs/SLURM.md).
    bool slurm = false;         ///< --slurm
    std::string tasks;          ///< --tasks N (default: the folder's last N, else min(points, 16))
    std::string partition;      ///< --partition
    std::string time;           ///< --time per task
    std::string mem;            ///< --mem per task
    std::vector<std::string> sbatch_args;  ///< --sbatch-arg, repeatable
    bool dry_run = false;       ///< --dry-run: print the script, submit nothing
    bool wait = false;          ///< --wait: poll until the array is done, then merge
    bool status = false;        ///< --status: report every shard, merge when all are complete
};

struct merge_cli_options {
    std::vector<std::string> parts;
    std::string out;
};

struct export_cli_options {
    std::string dir;
    bool csv = false;
    bool jsonl = false;
    std::string output;  ///< -o FILE ("-": standard output); default DIR/results.{csv,jsonl}
};

struct plot_cli_options {
    std::string dir;
    std::string points;  ///< --points ID,ID: the per-layer breakdowns
};

void add_sweep_options(CLI::App& cmd, sweep_cli_options& o);
void add_merge_options(CLI::App& cmd, merge_cli_options& o);
void add_export_options(CLI::App& cmd, export_cli_options& o);
void add_plot_options(CLI::App& cmd, plot_cli_options& o);

/// Exit 0 every point succeeded, 1 any point failed, 2 bad sweep file (thrown input_error),
/// 130 interrupted (the store keeps every finished point; rerun to resume). With --slurm:
/// 0 submitted (or merged with every point ok), 1 a shard failed or the merge holds failed
/// points, 2 bad input or Slurm missing, 4 (--status) shards still queued or not submitted.
int sweep_command(const sweep_cli_options& o);
int merge_command(const merge_cli_options& o);
int export_command(const export_cli_options& o);
int plot_command(const plot_cli_options& o);

}  // namespace satlm
