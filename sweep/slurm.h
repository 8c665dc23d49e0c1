#pragma once
/// A sweep as a Slurm job array (docs/SLURM.md): array task I runs `satlm sweep SWEEP.toml
/// --shard I/N` into its own folder, OUT/shard-I-of-N, with its own store; the shards' stores,
/// not the scheduler, say which shards are done, so a rerun submits only the others. Slurm is
/// driven through its own commands (sbatch, squeue, scontrol, sacct) found on PATH.
///
/// \code
///   satlm::slurm_request r;  r.satlm = "/opt/satlm/bin/satlm";  r.sweep_file = "/home/a/s.toml";
///   r.out = "/scratch/a/results";  r.tasks = 8;  r.shards = {0, 1, 2, 3, 4, 5, 6, 7};
///   std::string script = satlm::slurm_script(r);       // #!/bin/bash ... #SBATCH --array=0-7
/// \endcode

#include "sweep/sweep_run.h"

#include <optional>
#include <string>
#include <vector>

namespace satlm {

/// What one submission asks of Slurm.
struct slurm_request {
    std::string satlm;        ///< absolute path of the satlm executable each task runs
    std::string sweep_file;   ///< absolute path of the sweep file
    std::string out;          ///< absolute output folder (shards, logs, script, merged results)
    unsigned tasks = 1;       ///< N: the sweep is cut into N shards, one array task each
    std::vector<unsigned> shards;  ///< the array task ids (= shard indices) to run, ascending
    std::string partition;    ///< --partition (empty: the cluster's default)
    std::string time;         ///< --time per task (empty: the partition's default)
    std::string mem;          ///< --mem per task (empty: the partition's default)
    unsigned cpus = 0;        ///< --cpus-per-task, also the task's --jobs (0: Slurm's default, 1)
    std::vector<std::string> sbatch_args;  ///< further #SBATCH options, verbatim
};

/// Throws input_error (one line, naming the option) for a value Slurm would refuse or that
/// cannot be written into a batch script.
void check_slurm_request(const slurm_request& r);

/// The shard's folder: OUT/shard-I-of-N (what `satlm sweep --shard I/N` uses by default).
std::string slurm_shard_folder(const std::string& out, unsigned index, unsigned count);
/// The folder of the tasks' logs: OUT/logs.
std::string slurm_log_folder(const std::string& out);
/// The batch script's path: OUT/slurm-sweep.sbatch.
std::string slurm_script_path(const std::string& out);
/// The job name shared by every submission of this output folder and N (how squeue finds them).
std::string slurm_job_name(const slurm_request& r);
/// Slurm's array syntax for ascending ids: {0,1,2,5} -> "0-2,5".
std::string slurm_array_spec(const std::vector<unsigned>& ids);
/// The job-array batch script (bash, starting with `#!`); submit it unchanged with sbatch.
std::string slurm_script(const slurm_request& r);

/// An array task as the scheduler reports it.
struct slurm_task {
    std::string job;        ///< the array's job id
    unsigned task = 0;      ///< array task id (= shard index)
    std::string state;      ///< PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, TIMEOUT, ...
    std::string exit_code;  ///< "code:signal" once ended (scontrol/sacct), else empty
};
/// Lines of `squeue -h -r -o "%F %K %T"`.
std::vector<slurm_task> parse_squeue_tasks(const std::string& text);
/// Lines of `scontrol -o show job JOB` (array tasks only; a range such as 2-5 expands).
std::vector<slurm_task> parse_scontrol_tasks(const std::string& text);

/// A program's outcome: exit code (128 + signal when killed, 127 when it could not start).
struct program_result {
    int exit_code = 127;
    std::string out, err;
};
/// Runs argv[0] (searched on PATH) with the given arguments, no shell; collects its output.
program_result run_program(const std::vector<std::string>& argv);
/// The full path of `name` on PATH, or empty.
std::string find_on_path(const std::string& name);

/// Array tasks of this sweep still queued or running (squeue, by job name). Throws input_error
/// when squeue fails.
std::vector<slurm_task> slurm_queued_tasks(const std::string& job_name);
/// How an array task ended, from scontrol (or sacct where accounting is on); nullopt when Slurm
/// no longer knows the job.
std::optional<slurm_task> slurm_ended_task(const std::string& job, unsigned task);

/// One shard as `--status` reports it.
struct slurm_shard_report {
    enum class state { complete, queued, failed, not_submitted };
    unsigned index = 0;
    state what = state::not_submitted;
    shard_status store;          ///< what its store says
    std::string job;             ///< the array's job id ("" when unknown)
    std::string slurm_state;     ///< the scheduler's state of the task (when known)
    std::string exit_code;       ///< "code:signal" (when known)
    std::string log;             ///< its newest log file ("" when none)
};
/// The state of every shard 0..N-1: the store decides complete; squeue decides queued; a shard
/// with neither but with a log or a submission is failed; else not submitted. Throws input_error
/// when a shard folder holds another sweep than `fingerprint`.
std::vector<slurm_shard_report> slurm_shard_reports(const slurm_request& r, const std::string& fingerprint,
                                                    const std::vector<std::string>& submitted_jobs);

/// The newest log of shard `index` (highest job id), or empty.
std::string slurm_newest_log(const std::string& out, unsigned index, unsigned count);
/// The last `lines` lines of a file (empty when unreadable).
std::string tail_lines(const std::string& path, std::size_t lines);

}  // namespace satlm
