#include "cli/sweep_command.h"

#include "cli/cli_common.h"
#include "sweep/plot.h"
#include "sweep/slurm.h"
#include "sweep/store.h"
#include "sweep/sweep_run.h"
#include "tlm/report.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include <unistd.h>

namespace satlm {

namespace fs = std::filesystem;

namespace {

/// Set by the first SIGINT/SIGTERM: the sweep finishes the points in flight and stops. A second
/// signal ends the process at once (the store stays consistent: uncommitted points roll back).
std::atomic<bool> stop_requested{false};

extern "C" void on_stop_signal(int sig) {
    if (stop_requested.exchange(true)) {
        std::signal(sig, SIG_DFL);
        std::raise(sig);
    }
}

/// Installs the stop handlers for the lifetime of a sweep.
struct stop_signals {
    using handler = void (*)(int);
    handler old_int, old_term;
    stop_signals() {
        stop_requested = false;
        old_int = std::signal(SIGINT, on_stop_signal);
        old_term = std::signal(SIGTERM, on_stop_signal);
    }
    ~stop_signals() {
        std::signal(SIGINT, old_int);
        std::signal(SIGTERM, old_term);
    }
};

void parse_shard(const std::string& text, unsigned& index, unsigned& count) {
    const auto slash = text.find('/');
    try {
        std::size_t used = 0;
        if (slash == std::string::npos) throw std::invalid_argument("no slash");
        const unsigned long i = std::stoul(text.substr(0, slash), &used);
        if (used != slash) throw std::invalid_argument("index");
        const std::string n_text = text.substr(slash + 1);
        const unsigned long n = std::stoul(n_text, &used);
        if (used != n_text.size() || n == 0 || i >= n || n > 1000000) throw std::invalid_argument("range");
        index = static_cast<unsigned>(i);
        count = static_cast<unsigned>(n);
    } catch (const std::exception&) {
        throw input_error(fmt::format("--shard {}: expected I/N with 0 <= I < N, e.g. --shard 0/3", text));
    }
}

std::string duration_text(double s) {
    if (s < 60) return fmt::format("{:.0f} s", s);
    if (s < 3600) return fmt::format("{:.0f} min {:02.0f} s", std::floor(s / 60), std::fmod(s, 60));
    return fmt::format("{:.0f} h {:02.0f} min", std::floor(s / 3600), std::fmod(s / 60, 60));
}

/// The progress display: a bar redrawn in place on a terminal, a plain line about every 10 s
/// otherwise (logs, batch jobs).
struct progress_printer {
    bool terminal = ::isatty(::fileno(stderr)) != 0;
    double last_line = 0;
    bool drew = false;

    void operator()(const sweep_progress& p) {
        const double rate = p.elapsed > 0 ? p.done / p.elapsed : 0;
        const double eta = rate > 0 ? (p.total - p.done) / rate : 0;
        const std::string counts = fmt::format("{}/{} points, {} failed, {:.1f} points/s, ETA {}", p.done, p.total,
                                               p.failed, rate, p.done ? duration_text(eta) : std::string("?"));
        if (terminal) {
            constexpr int width = 30;
            const int filled = p.total ? static_cast<int>(width * p.done / p.total) : width;
            fmt::print(stderr, "\r[{}{}] {}\x1b[K", std::string(filled, '#'), std::string(width - filled, '.'), counts);
            drew = true;
            if (p.finished) fmt::print(stderr, "\n");
        } else if (p.finished || p.elapsed - last_line >= 10) {
            last_line = p.elapsed;
            fmt::print(stderr, "sweep: {}\n", counts);
        }
        std::fflush(stderr);
    }
};

std::string keys_text(const std::string& json) {
    std::string s = json;
    for (const char* drop : {"{", "}", "\""}) {
        for (auto pos = s.find(drop); pos != std::string::npos; pos = s.find(drop)) s.erase(pos, 1);
    }
    for (auto pos = s.find(':'); pos != std::string::npos; pos = s.find(':', pos + 1)) s[pos] = '=';
    for (auto pos = s.find(','); pos != std::string::npos; pos = s.find(',', pos + 2)) s.insert(pos + 1, " ");
    return s;
}

std::vector<std::string> split_ids(const std::string& list) {
    std::vector<std::string> ids;
    std::string cur;
    for (char ch : list + ",") {
        if (ch == ',') {
            if (!cur.empty()) ids.push_back(cur);
            cur.clear();
        } else {
            cur += ch;
        }
    }
    return ids;
}

std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        const auto end = text.find('\n', start);
        lines.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return lines;
}

/// The record of a folder's Slurm submissions: OUT/slurm.json, {"tasks": N, "submissions":
/// [{"job": "ID", "shards": "0-3"}]}. Only a convenience (the default N, the jobs to ask Slurm
/// about); the shards' stores decide what is done.
struct slurm_state {
    unsigned tasks = 0;
    std::vector<std::pair<std::string, std::string>> submissions;  ///< job id, array spec
};

std::string slurm_state_path(const std::string& out) { return (fs::path(out) / "slurm.json").string(); }

slurm_state read_slurm_state(const std::string& out) {
    slurm_state st;
    const std::string path = slurm_state_path(out);
    std::ifstream in(path);
    if (!in) return st;
    try {
        const auto j = nlohmann::json::parse(in);
        st.tasks = j.at("tasks").get<unsigned>();
        for (const auto& s : j.at("submissions")) st.submissions.emplace_back(s.at("job"), s.at("shards"));
    } catch (const std::exception&) {
        throw input_error(fmt::format("{}: expected {{\"tasks\": N, \"submissions\": [...]}} as written by "
                                      "satlm sweep --slurm; remove the file to start its record afresh", path));
    }
    return st;
}

void write_slurm_state(const std::string& out, const slurm_state& st) {
    nlohmann::ordered_json j;
    j["tasks"] = st.tasks;
    j["submissions"] = nlohmann::ordered_json::array();
    for (const auto& [job, shards] : st.submissions) j["submissions"].push_back({{"job", job}, {"shards", shards}});
    write_output_file_atomically(slurm_state_path(out), j.dump(2) + "\n");
}

void check_slurm_options(const sweep_cli_options& o) {
    if (o.slurm) {
        if (!o.shard.empty())
            throw input_error("--shard: not with --slurm (each array task runs one shard; --tasks N sets N)");
        if (o.retry_failed)
            throw input_error("--retry-failed: not with --slurm (failed points are results; rerun one shard locally "
                              "with --shard I/N --out OUT/shard-I-of-N --retry-failed)");
        if (int(o.dry_run) + int(o.wait) + int(o.status) > 1)
            throw input_error("--dry-run, --wait, --status: expected at most one of them");
        return;
    }
    const std::pair<bool, const char*> slurm_only[] = {
        {!o.tasks.empty(), "--tasks"}, {!o.partition.empty(), "--partition"}, {!o.time.empty(), "--time"},
        {!o.mem.empty(), "--mem"},     {!o.sbatch_args.empty(), "--sbatch-arg"}, {o.dry_run, "--dry-run"},
        {o.wait, "--wait"},            {o.status, "--status"}};
    for (const auto& [given, name] : slurm_only)
        if (given) throw input_error(fmt::format("{}: only with --slurm", name));
}

unsigned parse_tasks(const std::string& text) {
    try {
        std::size_t used = 0;
        const unsigned long n = std::stoul(text, &used);
        if (used == text.size() && n >= 1 && n <= 1000000 && text[0] != '-' && text[0] != '+')
            return static_cast<unsigned>(n);
    } catch (const std::exception&) {
    }
    throw input_error(fmt::format("--tasks {}: expected a number of array tasks, 1 or more", text));
}

std::string without_trailing_slash(std::string s) {
    while (s.size() > 1 && s.back() == '/') s.pop_back();
    return s;
}

/// --out or the sweep file's `out`, absolute (the tasks run elsewhere).
std::string slurm_output_folder(const sweep_cli_options& o, const sweep_spec& spec) {
    return without_trailing_slash(fs::absolute(o.out.empty() ? spec.out : o.out).lexically_normal().string());
}

/// The request for this command line: absolute paths, N, the resources.
slurm_request slurm_request_for(const sweep_cli_options& o, const sweep_spec& spec, const slurm_state& state) {
    slurm_request r;
    r.out = slurm_output_folder(o, spec);
    r.sweep_file = fs::absolute(o.file).lexically_normal().string();
    std::error_code ec;
    r.satlm = fs::read_symlink("/proc/self/exe", ec).string();
    if (ec || r.satlm.empty())
        throw input_error(fmt::format("--slurm: cannot find this satlm executable through /proc/self/exe: {}",
                                      ec.message()));
    const std::size_t points = spec.points.size();
    r.tasks = !o.tasks.empty() ? parse_tasks(o.tasks)
              : state.tasks    ? state.tasks
                               : static_cast<unsigned>(std::min<std::size_t>(points, 16));
    if (r.tasks > points)
        throw input_error(fmt::format("--tasks {}: the sweep {} has only {} points; expected 1 to {} tasks", r.tasks,
                                      o.file, points, points));
    r.partition = o.partition;
    r.time = o.time;
    r.mem = o.mem;
    r.cpus = o.jobs;
    r.sbatch_args = o.sbatch_args;
    check_slurm_request(r);
    if (fs::exists(r.out, ec) && !fs::is_directory(r.out, ec))
        throw input_error(fmt::format("--out {}: exists and is not a folder", r.out));
    return r;
}

/// Writes the script for r.shards into the folder (creating it and its logs folder: Slurm opens
/// the log files there before the script runs). Returns its path.
std::string write_slurm_script(const slurm_request& r) {
    std::error_code ec;
    fs::create_directories(slurm_log_folder(r.out), ec);
    if (ec) throw input_error(fmt::format("{}: cannot create the folder: {}", slurm_log_folder(r.out), ec.message()));
    const std::string path = slurm_script_path(r.out);
    write_output_file_atomically(path, slurm_script(r));
    return path;
}

void require_slurm_commands(std::initializer_list<const char*> names) {
    for (const char* name : names)
        if (find_on_path(name).empty())
            throw input_error(fmt::format("--slurm: `{}` is not on PATH: run on a machine with the Slurm client "
                                          "commands (sbatch, squeue, scontrol), or use --dry-run (docs/SLURM.md)",
                                          name));
}

std::string shard_list(const std::vector<slurm_shard_report>& reports, slurm_shard_report::state what) {
    std::vector<unsigned> ids;
    for (const auto& r : reports)
        if (r.what == what) ids.push_back(r.index);
    return slurm_array_spec(ids);
}

/// Prints every shard's state; merges when all are complete. Exit 0/1 after a merge (1: failed
/// points), 1 when a shard failed, 4 while shards are queued or not submitted.
int report_shards(const slurm_request& r, const std::vector<slurm_shard_report>& reports) {
    using st = slurm_shard_report::state;
    std::size_t complete = 0, queued = 0, failed = 0, pending = 0, running = 0, points = 0, failed_points = 0;
    std::set<std::string> queued_jobs;
    for (const auto& rep : reports) {
        complete += rep.what == st::complete;
        failed += rep.what == st::failed;
        if (rep.what == st::complete) {
            points += rep.store.stored;
            failed_points += rep.store.failed;
        }
        if (rep.what == st::queued) {
            ++queued;
            (rep.slurm_state == "PENDING" ? pending : running) += 1;
            queued_jobs.insert(rep.job);
        }
    }
    const unsigned n = r.tasks;
    if (complete)
        fmt::print("complete: {} of {} shards ({}): {} points stored, {} of them failed points\n", complete, n,
                   shard_list(reports, st::complete), points, failed_points);
    if (queued)
        fmt::print("queued: {} shards ({}) in job {}: {} pending, {} running or ending\n", queued,
                   shard_list(reports, st::queued), fmt::join(queued_jobs, ", "), pending, running);
    if (const std::string none = shard_list(reports, st::not_submitted); !none.empty())
        fmt::print("not submitted: shards {}\n", none);
    std::fflush(stdout);
    for (const auto& rep : reports) {
        if (rep.what != st::failed) continue;
        const std::string how = rep.slurm_state.empty() ? std::string("Slurm no longer knows how it ended")
                                                        : fmt::format("{}, exit code {}", rep.slurm_state,
                                                                      rep.exit_code.empty() ? "?" : rep.exit_code);
        const std::string store = rep.store.exists ? fmt::format("its store holds {} of {} points and is not complete",
                                                                 rep.store.stored, rep.store.expected)
                                                   : std::string("it left no store");
        fmt::print(stderr, "satlm: shard {}/{} failed: array task {} of job {} ({}); {}\n", rep.index, n, rep.index,
                   rep.job.empty() ? "?" : rep.job, how, store);
        if (rep.log.empty()) {
            fmt::print(stderr, "satlm:   no log in {} (the task did not start)\n", slurm_log_folder(r.out));
            continue;
        }
        const std::string tail = tail_lines(rep.log, 12);
        fmt::print(stderr, "satlm:   last lines of {}:{}\n", rep.log, tail.empty() ? " (it is empty)" : "");
        for (const auto& line : split_lines(tail)) fmt::print(stderr, "    | {}\n", line);
    }
    if (failed) {
        fmt::print(stderr, "satlm: {} of {} shards failed (array tasks {}); nothing merged. Rerun the same command "
                   "to resubmit only the shards that are not complete\n", failed, n, shard_list(reports, st::failed));
        return 1;
    }
    if (complete < n) {
        fmt::print("{} of {} shards complete; nothing merged yet\n", complete, n);
        return 4;
    }
    merge_cli_options m;
    for (unsigned i = 0; i < n; ++i) m.parts.push_back(slurm_shard_folder(r.out, i, n));
    m.out = r.out;
    return merge_command(m);
}

/// Polls squeue until no task of this sweep is queued or running; a line on stderr when the
/// counts change.
void wait_for_array(const std::string& job_name) {
    const auto t0 = std::chrono::steady_clock::now();
    std::string last;
    int squeue_failures = 0;
    for (;;) {
        std::vector<slurm_task> tasks;
        try {
            tasks = slurm_queued_tasks(job_name);
            squeue_failures = 0;
        } catch (const input_error& e) {
            // A busy controller times out now and then; give up after a minute of failures.
            if (++squeue_failures > 12) throw;
            fmt::print(stderr, "slurm: {} (retrying)\n", e.what());
            std::this_thread::sleep_for(std::chrono::seconds(5));
            continue;
        }
        if (tasks.empty()) return;
        std::size_t pending = 0;
        for (const auto& t : tasks) pending += t.state == "PENDING";
        const std::string now = fmt::format("{} array tasks pending, {} running or ending", pending, tasks.size() - pending);
        const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (now != last) {
            fmt::print(stderr, "slurm: [{:.0f} s] {}\n", elapsed, now);
            std::fflush(stderr);
            last = now;
        }
        // Quick polls first (small arrays end in seconds), then gentler on the controller.
        const double pause = std::min(10.0, 0.5 + elapsed / 20);
        std::this_thread::sleep_for(std::chrono::duration<double>(pause));
    }
}

std::vector<std::string> submitted_jobs(const slurm_state& state) {
    std::vector<std::string> jobs;
    for (const auto& s : state.submissions) jobs.push_back(s.first);
    return jobs;
}

/// Writes the script for r.shards, submits it and records the job in the folder. Returns the
/// job id; an sbatch refusal is an input_error carrying sbatch's first line.
std::string submit_shards(const slurm_request& r, slurm_state& state) {
    const std::string script = write_slurm_script(r);
    const auto res = run_program({"sbatch", "--parsable", script});
    const std::string job = res.out.substr(0, res.out.find_first_of(";\n"));
    if (res.exit_code != 0 || job.empty() || job.find_first_not_of("0123456789") != std::string::npos) {
        const auto why = split_lines(res.err.empty() ? res.out : res.err);
        throw input_error(fmt::format("sbatch {}: failed (exit {}): {}", script, res.exit_code,
                                      why.empty() ? std::string("no output") : why.front()));
    }
    state.submissions.emplace_back(job, slurm_array_spec(r.shards));
    write_slurm_state(r.out, state);
    fmt::print("submitted job {}: array tasks {} (shards I/{}) of {}; logs {}/shard-I-of-{}.job-{}.log\n", job,
               slurm_array_spec(r.shards), r.tasks, r.sweep_file, slurm_log_folder(r.out), r.tasks, job);
    return job;
}

/// --dry-run: the script for the shards whose store is not complete (all of them when every one
/// is), written into the folder and printed, nothing else on stdout.
int print_slurm_script(slurm_request r, const slurm_state& state) {
    for (unsigned i = 0; i < r.tasks; ++i)
        if (!read_shard_status(slurm_shard_folder(r.out, i, r.tasks)).complete) r.shards.push_back(i);
    if (r.shards.empty())
        for (unsigned i = 0; i < r.tasks; ++i) r.shards.push_back(i);
    write_slurm_script(r);
    write_slurm_state(r.out, state);
    fmt::print("{}", slurm_script(r));
    return 0;
}

int slurm_sweep_command(const sweep_cli_options& o, const sweep_spec& spec) {
    slurm_state state = read_slurm_state(slurm_output_folder(o, spec));
    slurm_request r = slurm_request_for(o, spec, state);
    if (state.tasks != r.tasks) state = slurm_state{r.tasks, {}};
    if (o.dry_run) return print_slurm_script(r, state);
    if (o.status) require_slurm_commands({"squeue", "scontrol"});
    else require_slurm_commands({"sbatch", "squeue", "scontrol"});

    auto reports = slurm_shard_reports(r, spec.fingerprint, submitted_jobs(state));
    if (o.status) return report_shards(r, reports);

    // Submit the shards neither complete nor queued (a rerun resubmits only those).
    using st = slurm_shard_report::state;
    for (const auto& rep : reports)
        if (rep.what == st::failed || rep.what == st::not_submitted) r.shards.push_back(rep.index);
    if (!r.shards.empty()) {
        submit_shards(r, state);
    } else {
        const auto queued = std::count_if(reports.begin(), reports.end(), [](const auto& x) { return x.what == st::queued; });
        fmt::print("nothing to submit: {} shards complete, {} queued or running\n", r.tasks - queued, queued);
    }
    std::fflush(stdout);
    if (o.wait) {
        wait_for_array(slurm_job_name(r));
        return report_shards(r, slurm_shard_reports(r, spec.fingerprint, submitted_jobs(state)));
    }
    if (std::all_of(reports.begin(), reports.end(), [](const auto& x) { return x.what == st::complete; }))
        return report_shards(r, reports);
    fmt::print("follow it with: satlm sweep {} --slurm --status --tasks {} --out {}\n", r.sweep_file, r.tasks, r.out);
    return 0;
}

}  // namespace

void add_sweep_options(CLI::App& cmd, sweep_cli_options& o) {
    cmd.add_option("sweep", o.file, "The sweep file (TOML; docs/sweep.md)")->required();
    cmd.add_option("--out", o.out, "Output folder (default: the sweep file's `out`, or results/ beside it)");
    cmd.add_option("--jobs,-j", o.jobs, "Points at once (default: the number of cores)");
    cmd.add_option("--shard", o.shard, "Run only the points whose index modulo N is I: I/N");
    cmd.add_flag("--retry-failed", o.retry_failed, "Run the points that failed before again");
    cmd.add_flag("--quiet,-q", o.quiet, "No progress display");
    cmd.add_flag("--slurm", o.slurm,
                 "Run the sweep as a Slurm job array (docs/SLURM.md): write OUT/slurm-sweep.sbatch, submit only "
                 "the shards whose store is not complete; task I runs --shard I/N into OUT/shard-I-of-N, logs in "
                 "OUT/logs");
    cmd.add_option("--tasks", o.tasks, "With --slurm: N array tasks (shards) (default: the folder's last N, else "
                                       "min(points, 16))")
        ->type_name("N");
    cmd.add_option("--partition", o.partition, "With --slurm: the partition (default: the cluster's)")->type_name("P");
    cmd.add_option("--time", o.time, "With --slurm: time limit per task, e.g. 30, 2:00:00, 1-00:00:00")
        ->type_name("T");
    cmd.add_option("--mem", o.mem, "With --slurm: memory per task, e.g. 2G")->type_name("M");
    cmd.add_option("--sbatch-arg", o.sbatch_args,
                   "With --slurm: one more #SBATCH option, e.g. --sbatch-arg=--account=proj (repeatable); "
                   "--jobs J becomes --cpus-per-task=J")
        ->type_name("ARG")
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    cmd.add_flag("--dry-run", o.dry_run, "With --slurm: print the batch script (also written to OUT), submit nothing");
    cmd.add_flag("--wait", o.wait, "With --slurm: poll squeue until the array is done, report failed tasks, merge");
    cmd.add_flag("--status", o.status,
                 "With --slurm: report every shard (complete, queued, failed with its array task id and log tail, "
                 "not submitted); merge into OUT when all are complete; exit 4 while any is unfinished");
}

void add_merge_options(CLI::App& cmd, merge_cli_options& o) {
    cmd.add_option("parts", o.parts, "Shard folders of one sweep (every shard, each complete)")->required();
    cmd.add_option("--out", o.out, "The merged output folder")->required();
}

void add_export_options(CLI::App& cmd, export_cli_options& o) {
    cmd.add_option("dir", o.dir, "A sweep's output folder")->required();
    cmd.add_flag("--csv", o.csv, "results.csv: one row per point and layer");
    cmd.add_flag("--jsonl", o.jsonl, "results.jsonl: one JSON object per point");
    cmd.add_option("--output,-o", o.output, "Write here instead (\"-\": standard output)");
}

void add_plot_options(CLI::App& cmd, plot_cli_options& o) {
    cmd.add_option("dir", o.dir, "A sweep's output folder")->required();
    cmd.add_option("--points", o.points, "Points whose per-layer cycles are drawn: ID,ID (default: fastest, slowest)");
}

int sweep_command(const sweep_cli_options& o) {
    check_slurm_options(o);
    const sweep_spec spec = read_sweep_file(o.file);
    if (o.slurm) return slurm_sweep_command(o, spec);
    sweep_run_options run;
    if (!o.shard.empty()) parse_shard(o.shard, run.shard_index, run.shard_count);
    run.out = !o.out.empty() ? o.out
              : o.shard.empty()
                  ? spec.out
                  : (fs::path(spec.out) / fmt::format("shard-{}-of-{}", run.shard_index, run.shard_count)).string();
    std::error_code ec;
    if (fs::exists(run.out, ec) && !fs::is_directory(run.out, ec))
        throw input_error(fmt::format("--out {}: exists and is not a folder", run.out));
    run.jobs = o.jobs ? o.jobs : std::max(1u, std::thread::hardware_concurrency());
    run.retry_failed = o.retry_failed;
    progress_printer printer;
    if (!o.quiet) run.progress = [&](const sweep_progress& p) { printer(p); };
    run.stop = &stop_requested;

    sweep_outcome r;
    {
        stop_signals signals;
        r = run_sweep(spec, run);
    }
    const auto store = sweep_store::open(run.out, false);
    const std::string csv = (fs::path(run.out) / "results.csv").string();
    write_output_file_atomically(csv, export_csv(*store));

    constexpr std::size_t listed = 20;
    for (std::size_t i = 0; i < r.failures.size() && i < listed; ++i) {
        const auto& f = r.failures[i];
        fmt::print(stderr, "satlm: point {} failed ({}{}{}): {}\n", f.id, f.network, f.keys == "{}" ? "" : ", ",
                   keys_text(f.keys), f.error);
    }
    if (r.failures.size() > listed)
        fmt::print(stderr, "satlm: ... and {} more failed points (the `points` table of {}/results.sqlite)\n",
                   r.failures.size() - listed, run.out);
    fmt::print("sweep {}: {} points{}: {} ran now, {} already stored; {} ok, {} failed{}. Results: {}\n", o.file,
               r.shard_points, run.shard_count > 1 ? fmt::format(" (shard {}/{})", run.shard_index, run.shard_count) : "",
               r.ran, r.skipped, r.ok, r.failed, r.interrupted ? "; interrupted, rerun to resume" : "", csv);
    std::fflush(stdout);
    if (r.interrupted) return 130;
    return r.failed ? 1 : 0;
}

int merge_command(const merge_cli_options& o) {
    merge_parts(o.parts, o.out);
    const auto store = sweep_store::open(o.out, false);
    const std::string csv = (fs::path(o.out) / "results.csv").string();
    write_output_file_atomically(csv, export_csv(*store));
    const auto points = store->points(false);
    std::size_t failed = 0;
    for (const auto& p : points) failed += p.status != "ok";
    fmt::print("merged {} parts: {} points, {} failed. Results: {}\n", o.parts.size(), points.size(), failed, csv);
    return failed ? 1 : 0;
}

int export_command(const export_cli_options& o) {
    if (o.csv == o.jsonl) throw input_error("export: expected exactly one of --csv and --jsonl");
    const auto store = sweep_store::open(o.dir, false);
    const std::string text = o.csv ? export_csv(*store) : export_jsonl(*store);
    if (o.output == "-") {
        std::fwrite(text.data(), 1, text.size(), stdout);
        return 0;
    }
    const std::string path =
        !o.output.empty() ? o.output : (fs::path(o.dir) / (o.csv ? "results.csv" : "results.jsonl")).string();
    check_output_path("--output", path);
    write_output_file_atomically(path, text);
    fmt::print("{}\n", path);
    return 0;
}

int plot_command(const plot_cli_options& o) {
    plot_options opt;
    opt.breakdown_points = split_ids(o.points);
    const plot_output r = plot_sweep(o.dir, opt);
    const std::string page = (fs::path(o.dir) / "report.html").string();
    write_output_file_atomically(page, r.html);
    for (const auto& f : r.figures) fmt::print("{}/plots/{}.png, .svg: {}\n", o.dir, f.name, f.title);
    fmt::print("{}\n", page);
    return 0;
}

}  // namespace satlm
