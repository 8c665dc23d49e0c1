#include "cli/sweep_command.h"

#include "cli/cli_common.h"
#include "sweep/plot.h"
#include "sweep/store.h"
#include "sweep/sweep_run.h"
#include "tlm/report.h"

#include <fmt/format.h>

#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
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

}  // namespace

void add_sweep_options(CLI::App& cmd, sweep_cli_options& o) {
    cmd.add_option("sweep", o.file, "The sweep file (TOML; docs/sweep.md)")->required();
    cmd.add_option("--out", o.out, "Output folder (default: the sweep file's `out`, or results/ beside it)");
    cmd.add_option("--jobs,-j", o.jobs, "Points at once (default: the number of cores)");
    cmd.add_option("--shard", o.shard, "Run only the points whose index modulo N is I: I/N");
    cmd.add_flag("--retry-failed", o.retry_failed, "Run the points that failed before again");
    cmd.add_flag("--quiet,-q", o.quiet, "No progress display");
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
    const sweep_spec spec = read_sweep_file(o.file);
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
