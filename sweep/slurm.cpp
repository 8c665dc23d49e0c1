#include "sweep/slurm.h"

#include "tlm/report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace satlm {

namespace fs = std::filesystem;

namespace {

/// A word for bash, in single quotes (a quote inside becomes '\'').
std::string shell_quote(const std::string& s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

bool is_digits(const std::string& s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

/// `fields` runs of digits joined by ':' (MINUTES, MM:SS, HH:MM:SS), between `min` and `max`.
bool colon_fields(const std::string& s, unsigned min, unsigned max) {
    unsigned n = 0;
    for (std::size_t at = 0;; ++n) {
        const std::size_t colon = s.find(':', at);
        if (!is_digits(s.substr(at, colon == std::string::npos ? std::string::npos : colon - at))) return false;
        if (colon == std::string::npos) break;
        at = colon + 1;
    }
    return n + 1 >= min && n + 1 <= max;
}

/// A Slurm time limit: MINUTES, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS or unlimited.
bool slurm_time(const std::string& s) {
    for (const char* word : {"INFINITE", "UNLIMITED", "infinite", "unlimited"})
        if (s == word) return true;
    const std::size_t dash = s.find('-');
    if (dash == std::string::npos) return colon_fields(s, 1, 3);
    return is_digits(s.substr(0, dash)) && colon_fields(s.substr(dash + 1), 1, 3);
}

/// Memory per task: megabytes, or a number with one unit letter.
bool slurm_memory(const std::string& s) {
    const bool unit = !s.empty() && std::strchr("KMGTkmgt", s.back()) != nullptr;
    return is_digits(unit ? s.substr(0, s.size() - 1) : s);
}

/// Options the script sets itself; a second value through --sbatch-arg would break the layout.
bool reserved_sbatch_option(const std::string& arg) {
    const std::string name = arg.substr(0, arg.find('='));
    for (const char* r : {"--array", "-a", "--output", "-o", "--error", "-e", "--job-name", "-J", "--wrap",
                          "--parsable", "--chdir", "-D"})
        if (name == r || (name.size() > 2 && name[1] != '-' && name.rfind(r, 0) == 0 && std::strlen(r) == 2))
            return true;
    return false;
}

std::string trimmed(std::string s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
    std::size_t b = 0;
    while (b < s.size() && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
    return s.substr(b);
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (!trimmed(line).empty()) lines.push_back(trimmed(line));
    return lines;
}

/// "2", "2-5", "1-7%2", "1,3-4": the ids of an array task field.
std::vector<unsigned> expand_ids(const std::string& field) {
    std::vector<unsigned> ids;
    std::string list = field.substr(0, field.find('%'));
    std::istringstream in(list);
    for (std::string part; std::getline(in, part, ',');) {
        const auto dash = part.find('-');
        char* end = nullptr;
        const unsigned long a = std::strtoul(part.c_str(), &end, 10);
        if (end == part.c_str()) continue;
        const unsigned long b = dash == std::string::npos ? a : std::strtoul(part.c_str() + dash + 1, nullptr, 10);
        for (unsigned long i = a; i <= b && i - a < 1000000; ++i) ids.push_back(static_cast<unsigned>(i));
    }
    return ids;
}

/// Job ids compare as numbers (a longer id is newer).
bool job_newer(const std::string& a, const std::string& b) {
    if (a.size() != b.size()) return a.size() > b.size();
    return a > b;
}

}  // namespace

void check_slurm_request(const slurm_request& r) {
    if (r.tasks == 0) throw input_error("--tasks 0: expected one task or more");
    if (r.out.empty() || r.out.find_first_of(" \t\n\r\f\v%\"'\\") != std::string::npos)
        throw input_error(fmt::format("--out {}: a Slurm output folder may not hold spaces, quotes, backslashes or "
                                      "`%` (they cannot be written into #SBATCH lines)", r.out));
    if (!r.partition.empty() && !std::all_of(r.partition.begin(), r.partition.end(), [](unsigned char c) {
                                     return std::isalnum(c) || std::strchr("_.,-", c) != nullptr;
                                 }))
        throw input_error(fmt::format("--partition {}: expected a partition name (letters, digits, _ . - ,)",
                                      r.partition));
    if (!r.time.empty() && !slurm_time(r.time))
        throw input_error(fmt::format("--time {}: expected a Slurm time limit: MINUTES, MM:SS, HH:MM:SS, D-HH, "
                                      "D-HH:MM or D-HH:MM:SS", r.time));
    if (!r.mem.empty() && !slurm_memory(r.mem))
        throw input_error(fmt::format("--mem {}: expected memory per task such as 2G, 500M or 4000 (megabytes)",
                                      r.mem));
    for (const auto& a : r.sbatch_args) {
        if (a.size() < 2 || a[0] != '-' || a.find_first_of("\n\r") != std::string::npos)
            throw input_error(fmt::format("--sbatch-arg {}: expected one sbatch option such as "
                                          "--sbatch-arg=--account=proj (on one line)", a));
        if (reserved_sbatch_option(a))
            throw input_error(fmt::format("--sbatch-arg {}: the script sets this option itself (see docs/SLURM.md)", a));
    }
}

std::string slurm_shard_folder(const std::string& out, unsigned index, unsigned count) {
    return (fs::path(out) / fmt::format("shard-{}-of-{}", index, count)).string();
}

std::string slurm_log_folder(const std::string& out) { return (fs::path(out) / "logs").string(); }

std::string slurm_script_path(const std::string& out) { return (fs::path(out) / "slurm-sweep.sbatch").string(); }

std::string slurm_job_name(const slurm_request& r) {
    // FNV-1a of the output folder and N: one name per shard set, short enough for squeue.
    std::uint64_t h = 1469598103934665603ull;
    for (char c : r.out + "\n" + std::to_string(r.tasks)) {
        h ^= static_cast<unsigned char>(c);
        h *= 1099511628211ull;
    }
    std::string stem = fs::path(r.sweep_file).stem().string();
    stem.erase(std::remove_if(stem.begin(), stem.end(),
                              [](char c) { return !std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_'; }),
               stem.end());
    if (stem.size() > 24) stem.resize(24);
    return fmt::format("satlm-{}-{:08x}", stem.empty() ? "sweep" : stem, static_cast<std::uint32_t>(h ^ (h >> 32)));
}

std::string slurm_array_spec(const std::vector<unsigned>& ids) {
    std::string s;
    for (std::size_t i = 0; i < ids.size();) {
        std::size_t j = i;
        while (j + 1 < ids.size() && ids[j + 1] == ids[j] + 1) ++j;
        if (!s.empty()) s += ",";
        s += j > i ? fmt::format("{}-{}", ids[i], ids[j]) : fmt::format("{}", ids[i]);
        i = j + 1;
    }
    return s;
}

std::string slurm_script(const slurm_request& r) {
    const unsigned n = r.tasks;
    std::string s = "#!/bin/bash\n";
    s += fmt::format("# A satlm sweep as a Slurm job array (docs/SLURM.md): array task I runs shard I/{} of the\n"
                     "# sweep into {}/shard-I-of-{}, with its own results store. Submit unchanged with\n"
                     "# `sbatch THIS_FILE`; then `satlm sweep {} --slurm --tasks {} --out {} --status`\n"
                     "# reports every shard and merges them into {} once all are complete.\n",
                     n, r.out, n, r.sweep_file, n, r.out, r.out);
    s += fmt::format("#SBATCH --job-name={}\n", slurm_job_name(r));
    s += fmt::format("#SBATCH --array={}\n", slurm_array_spec(r.shards));
    s += fmt::format("#SBATCH --output={}/shard-%a-of-{}.job-%A.log\n", slurm_log_folder(r.out), n);
    if (!r.partition.empty()) s += fmt::format("#SBATCH --partition={}\n", r.partition);
    if (!r.time.empty()) s += fmt::format("#SBATCH --time={}\n", r.time);
    if (!r.mem.empty()) s += fmt::format("#SBATCH --mem={}\n", r.mem);
    if (r.cpus) s += fmt::format("#SBATCH --cpus-per-task={}\n", r.cpus);
    for (const auto& a : r.sbatch_args) s += fmt::format("#SBATCH {}\n", a);
    s += "set -u\n";
    s += "shard=${SLURM_ARRAY_TASK_ID:?submit this script with sbatch: each task of its job array runs one shard}\n";
    s += fmt::format("echo \"slurm: array task ${{SLURM_ARRAY_JOB_ID:-?}}_$shard on $(hostname): shard $shard/{} "
                     "starts $(date '+%Y-%m-%d %H:%M:%S')\"\n", n);
    s += fmt::format("exec {} sweep {} --shard \"$shard/{}\" --out {}/shard-\"$shard\"-of-{} --jobs "
                     "\"${{SLURM_CPUS_PER_TASK:-1}}\"\n",
                     shell_quote(r.satlm), shell_quote(r.sweep_file), n, shell_quote(r.out), n);
    return s;
}

std::vector<slurm_task> parse_squeue_tasks(const std::string& text) {
    std::vector<slurm_task> tasks;
    for (const auto& line : lines_of(text)) {
        std::istringstream in(line);
        slurm_task t;
        std::string id;
        if (!(in >> t.job >> id >> t.state)) continue;
        for (unsigned i : expand_ids(id)) {
            t.task = i;
            tasks.push_back(t);
        }
    }
    return tasks;
}

std::vector<slurm_task> parse_scontrol_tasks(const std::string& text) {
    std::vector<slurm_task> tasks;
    for (const auto& line : lines_of(text)) {
        std::map<std::string, std::string> kv;
        std::istringstream in(line);
        for (std::string word; in >> word;) {
            const auto eq = word.find('=');
            if (eq != std::string::npos) kv.emplace(word.substr(0, eq), word.substr(eq + 1));
        }
        if (!kv.count("ArrayJobId") || !kv.count("ArrayTaskId")) continue;
        slurm_task t;
        t.job = kv["ArrayJobId"];
        t.state = kv["JobState"];
        t.exit_code = kv["ExitCode"];
        for (unsigned i : expand_ids(kv["ArrayTaskId"])) {
            t.task = i;
            tasks.push_back(t);
        }
    }
    return tasks;
}

std::string find_on_path(const std::string& name) {
    if (name.find('/') != std::string::npos) return ::access(name.c_str(), X_OK) == 0 ? name : std::string();
    const char* path = std::getenv("PATH");
    std::istringstream in(path ? path : "/usr/bin:/bin");
    for (std::string dir; std::getline(in, dir, ':');) {
        const fs::path candidate = fs::path(dir.empty() ? "." : dir) / name;
        std::error_code ec;
        if (fs::is_regular_file(candidate, ec) && ::access(candidate.c_str(), X_OK) == 0) return candidate.string();
    }
    return {};
}

program_result run_program(const std::vector<std::string>& argv) {
    program_result r;
    const std::string exe = find_on_path(argv.at(0));
    if (exe.empty()) {
        r.err = argv[0] + ": not found on PATH";
        return r;
    }
    int out_pipe[2], err_pipe[2];
    if (::pipe(out_pipe) != 0) throw input_error(fmt::format("{}: cannot create a pipe: {}", argv[0], std::strerror(errno)));
    if (::pipe(err_pipe) != 0) {
        ::close(out_pipe[0]);
        ::close(out_pipe[1]);
        throw input_error(fmt::format("{}: cannot create a pipe: {}", argv[0], std::strerror(errno)));
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
    for (int fd : {out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) posix_spawn_file_actions_addclose(&actions, fd);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = 0;
    const int spawned = ::posix_spawn(&pid, exe.c_str(), &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(out_pipe[1]);
    ::close(err_pipe[1]);
    if (spawned != 0) {
        ::close(out_pipe[0]);
        ::close(err_pipe[0]);
        r.err = fmt::format("{}: cannot start: {}", exe, std::strerror(spawned));
        return r;
    }
    // Both pipes read together, so a chatty stderr cannot block the program.
    pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
    std::string* sinks[2] = {&r.out, &r.err};
    int open_fds = 2;
    while (open_fds > 0) {
        if (::poll(fds, 2, -1) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        for (int k = 0; k < 2; ++k) {
            if (fds[k].fd < 0 || !(fds[k].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            char buf[4096];
            const ssize_t got = ::read(fds[k].fd, buf, sizeof buf);
            if (got > 0) {
                sinks[k]->append(buf, static_cast<std::size_t>(got));
            } else if (got == 0 || errno != EINTR) {
                ::close(fds[k].fd);
                fds[k].fd = -1;
                --open_fds;
            }
        }
    }
    for (auto& f : fds)
        if (f.fd >= 0) ::close(f.fd);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 1;
    return r;
}

std::vector<slurm_task> slurm_queued_tasks(const std::string& job_name) {
    const auto r = run_program({"squeue", "-h", "-r", "-n", job_name, "-o", "%F %K %T"});
    if (r.exit_code != 0) {
        const auto why = lines_of(r.err.empty() ? r.out : r.err);
        throw input_error(fmt::format("squeue failed (exit {}): {}", r.exit_code,
                                      why.empty() ? std::string("no output") : why.front()));
    }
    return parse_squeue_tasks(r.out);
}

std::optional<slurm_task> slurm_ended_task(const std::string& job, unsigned task) {
    const auto sc = run_program({"scontrol", "-o", "show", "job", job});
    if (sc.exit_code == 0)
        for (const auto& t : parse_scontrol_tasks(sc.out))
            if (t.task == task && t.job == job) return t;
    // Slurm forgets ended jobs after MinJobAge; the accounting database (when there is one) keeps them.
    if (find_on_path("sacct").empty()) return std::nullopt;
    const auto sa = run_program({"sacct", "-n", "-P", "-X", "-j", fmt::format("{}_{}", job, task), "-o", "State,ExitCode"});
    if (sa.exit_code != 0) return std::nullopt;
    for (const auto& line : lines_of(sa.out)) {
        const auto bar = line.find('|');
        if (bar == std::string::npos) continue;
        slurm_task t;
        t.job = job;
        t.task = task;
        t.state = line.substr(0, std::min(bar, line.find(' ')));
        t.exit_code = line.substr(bar + 1);
        return t;
    }
    return std::nullopt;
}

std::string slurm_newest_log(const std::string& out, unsigned index, unsigned count) {
    const std::string prefix = fmt::format("shard-{}-of-{}.job-", index, count);
    std::string best, best_job;
    std::error_code ec;
    for (fs::directory_iterator it(slurm_log_folder(out), ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.rfind(prefix, 0) != 0 || name.size() < prefix.size() + 5 || name.substr(name.size() - 4) != ".log")
            continue;
        const std::string job = name.substr(prefix.size(), name.size() - prefix.size() - 4);
        if (job.empty() || job.find_first_not_of("0123456789") != std::string::npos) continue;
        if (best.empty() || job_newer(job, best_job)) {
            best = it->path().string();
            best_job = job;
        }
    }
    return best;
}

std::string tail_lines(const std::string& path, std::size_t lines) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return {};
    in.seekg(0, std::ios::end);
    const std::streamoff size = in.tellg();
    const std::streamoff from = std::max<std::streamoff>(0, size - 16384);
    in.seekg(from);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // A progress bar's carriage returns: keep what the terminal would show.
    std::vector<std::string> all;
    std::istringstream lin(text);
    for (std::string line; std::getline(lin, line);) {
        const auto cr = line.find_last_of('\r', line.size() >= 2 ? line.size() - 2 : 0);
        if (cr != std::string::npos && cr + 1 < line.size()) line = line.substr(cr + 1);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        all.push_back(line);
    }
    std::string s;
    for (std::size_t i = all.size() > lines ? all.size() - lines : 0; i < all.size(); ++i) s += all[i] + "\n";
    return s;
}

std::vector<slurm_shard_report> slurm_shard_reports(const slurm_request& r, const std::string& fingerprint,
                                                    const std::vector<std::string>& submitted_jobs) {
    std::map<unsigned, slurm_task> queued;
    for (const auto& t : slurm_queued_tasks(slurm_job_name(r))) queued[t.task] = t;
    std::string last_submitted;
    for (const auto& j : submitted_jobs)
        if (last_submitted.empty() || job_newer(j, last_submitted)) last_submitted = j;

    std::vector<slurm_shard_report> reports;
    for (unsigned i = 0; i < r.tasks; ++i) {
        slurm_shard_report rep;
        rep.index = i;
        const std::string folder = slurm_shard_folder(r.out, i, r.tasks);
        rep.store = read_shard_status(folder);
        if (rep.store.exists && rep.store.fingerprint != fingerprint)
            throw input_error(fmt::format("{}: holds the results of another sweep (or of this file before an edit "
                                          "that changes its points); choose another --out", folder));
        if (rep.store.exists && (rep.store.index != i || rep.store.count != r.tasks))
            throw input_error(fmt::format("{}: holds shard {}/{}, not {}/{}", folder, rep.store.index,
                                          rep.store.count, i, r.tasks));
        rep.log = slurm_newest_log(r.out, i, r.tasks);
        if (rep.store.complete) {
            rep.what = slurm_shard_report::state::complete;
        } else if (const auto q = queued.find(i); q != queued.end()) {
            rep.what = slurm_shard_report::state::queued;
            rep.job = q->second.job;
            rep.slurm_state = q->second.state;
        } else if (!rep.log.empty() || !last_submitted.empty()) {
            // Neither complete nor in the queue: the task ended without finishing its store.
            rep.what = slurm_shard_report::state::failed;
            const std::string name = fs::path(rep.log).filename().string();
            const auto at = name.find(".job-");
            const std::string log_job = at == std::string::npos ? "" : name.substr(at + 5, name.size() - at - 9);
            rep.job = !log_job.empty() && (last_submitted.empty() || !job_newer(last_submitted, log_job)) ? log_job
                                                                                                          : last_submitted;
            if (const auto ended = slurm_ended_task(rep.job, i)) {
                rep.slurm_state = ended->state;
                rep.exit_code = ended->exit_code;
            }
        }
        reports.push_back(rep);
    }
    return reports;
}

}  // namespace satlm
