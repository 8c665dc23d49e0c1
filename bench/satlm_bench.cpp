// satlm_bench: speed of both fidelities on the engine, in one process, side by side.
//
//   layers mode: every VGG16-CIFAR10 conv layer on each square array, one engine call each
//                (simulated cycles per CPU second, MACs per CPU second), outputs checked
//                against the golden model outside the timed call;
//   net mode:    whole networks through `satlm net`'s runner (run_network) in both fidelities,
//                check included, wall and CPU seconds and the process's peak memory.
//   structural mode: the selected VGG16-CIFAR10 layers through the structural SystemC top
//                (model.top = "structural", accel/accelerator.h), one forked process per layer
//                (SystemC elaborates once per process), timed around the run inside the child,
//                printed beside the engine's cycle fidelity on the same layer.
// The engine is reentrant, so layers and net modes do not fork: each figure is the CPU time of
// the calls it names.
// Sweeps (`satlm sweep`: --jobs scaling, memory of 2,000 points, per-point overhead) have their
// own benchmark, bench/sweep_bench.py, since they are measured through the executable and its store.

#include "engine/engine.h"
#include "net/network_run.h"
#include "testbench/golden.h"
#include "testbench/simulation.h"

#include <systemc>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <fstream>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace {

struct options {
    std::vector<std::string> modes{"layers", "net"};
    std::vector<std::string> models{"cycle", "lt"};
    std::vector<unsigned> arrays{8, 16, 64};
    std::vector<std::string> networks{"vgg16-cifar10-8ch", "vgg16-cifar10"};
    std::string schedule = "reference";
    std::uint64_t cycle_budget = 20'000'000;  // per layer, cycle fidelity, layers mode
    bool check = true;
    bool quick = false;
    std::vector<std::string> layers;   // layers mode: empty = all 13
    std::vector<std::string> floors;   // "array=Mcycles/s": cycle-fidelity minimum per layer
    unsigned jobs = 0;                 // net mode: layers at once (0: cores)
    unsigned seed = 1;
    std::string json;
};

double cpu_now() {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

double wall_now() {
    timespec t{};
    clock_gettime(CLOCK_MONOTONIC, &t);
    return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

double peak_rss_mb() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_maxrss) / 1024.0;
}

std::string machine_line() {
    std::string model = "unknown CPU";
    std::ifstream cpu("/proc/cpuinfo");
    for (std::string line; std::getline(cpu, line);)
        if (line.rfind("model name", 0) == 0) {
            model = line.substr(line.find(':') + 2);
            break;
        }
    return fmt::format("{}, {} online CPUs, compiler {}", model, sysconf(_SC_NPROCESSORS_ONLN), __VERSION__);
}

satlm::accel_config arch_config(const options& o, const std::string& model, unsigned array) {
    satlm::accel_config cfg;
    cfg.arch.rows = array;
    cfg.arch.cols = array;
    cfg.set("model.fidelity", model, satlm::key_source::command_line);
    cfg.set("schedule.kind", o.schedule, satlm::key_source::command_line);
    return cfg;
}

satlm::layer_data random_layer(const satlm::layer_keys& k, unsigned seed) {
    satlm::layer_data d(k);
    std::mt19937 rng(seed);
    for (auto& a : d.act) a = static_cast<std::uint8_t>(rng() % 16);
    for (auto& w : d.weight) w = static_cast<std::int8_t>(int(rng() % 16) - 8);
    return d;
}

/// Layers mode: each selected layer on each model and array. Returns the failures.
int bench_layers(const options& o, nlohmann::json& out) {
    const auto vgg = satlm::load_network("vgg16-cifar10");
    auto floor_of = [&o](unsigned array) {
        for (const auto& f : o.floors) {
            const auto eq = f.find('=');
            if (eq != std::string::npos && std::stoul(f.substr(0, eq)) == array) return std::stod(f.substr(eq + 1));
        }
        return 0.0;
    };
    auto selected = [&o](const std::string& name) {
        if (o.layers.empty()) return true;
        for (const auto& n : o.layers)
            if (n == name) return true;
        return false;
    };
    fmt::print("{:<6} {:>6} {:<9} {:>13} {:>14} {:>9} {:>11} {:>9} {}\n", "model", "array", "layer", "cycles",
               "MACs", "cpu s", "Mcycles/s", "GMAC/s", "note");
    int failures = 0;
    for (const auto& model : o.models)
        for (unsigned array : o.arrays) {
            std::uint64_t cycles = 0, macs = 0;
            double cpu = 0;
            for (std::size_t i = 0; i < vgg.layers.size(); ++i) {
                const auto& nl = vgg.layers[i];
                if (!selected(nl.name)) continue;
                const satlm::accel_config cfg = satlm::layer_config(arch_config(o, model, array), nl);
                std::string note;
                if (model == "cycle" && satlm::time_layer(cfg).cycles.total() > o.cycle_budget) {
                    fmt::print("{:<6} {:>6} {:<9} {:>13} skipped: over the cycle budget\n", model,
                               fmt::format("{0}x{0}", array), nl.name, satlm::time_layer(cfg).cycles.total());
                    continue;
                }
                const satlm::layer_data data = random_layer(cfg.layer, o.seed + unsigned(i));
                const double c0 = cpu_now();
                const satlm::run_result r = satlm::run_layer(cfg, data);
                const double c = cpu_now() - c0;
                const std::uint64_t n = r.stats.cycles.total();
                if (o.check) {
                    const bool match = r.output.values == satlm::golden_output(data, true).values;
                    note = match ? "matches golden" : "MISMATCH vs golden";
                    failures += !match;
                }
                if (model == "cycle" && floor_of(array) > 0 && c > 0 && double(n) / c < floor_of(array) * 1e6) {
                    note += fmt::format("; BELOW FLOOR {} M cycles/s", floor_of(array));
                    ++failures;
                }
                cycles += n;
                macs += r.stats.macs;
                cpu += c;
                fmt::print("{:<6} {:>6} {:<9} {:>13} {:>14} {:>9.4f} {:>11.2f} {:>9.3f} {}\n", model,
                           fmt::format("{0}x{0}", array), nl.name, n, r.stats.macs, c,
                           c > 0 ? double(n) / c / 1e6 : 0.0, c > 0 ? double(r.stats.macs) / c / 1e9 : 0.0, note);
                out["layers"].push_back({{"model", model}, {"array", array}, {"layer", nl.name}, {"cycles", n},
                                         {"macs", r.stats.macs}, {"cpu_s", c}, {"note", note}});
            }
            fmt::print("{:<6} {:>6} {:<9} {:>13} {:>14} {:>9.4f} {:>11.2f} {:>9.3f} total\n\n", model,
                       fmt::format("{0}x{0}", array), "all", cycles, macs, cpu, cpu > 0 ? double(cycles) / cpu / 1e6 : 0.0,
                       cpu > 0 ? double(macs) / cpu / 1e9 : 0.0);
            out["layer_totals"].push_back({{"model", model}, {"array", array}, {"cycles", cycles}, {"macs", macs},
                                           {"cpu_s", cpu}, {"cycles_per_s", cpu > 0 ? double(cycles) / cpu : 0.0}});
        }
    return failures;
}

/// One layer through the structural top in a child process: cycles, CPU seconds of the run
/// (elaboration included), and whether the outputs match the golden model.
struct forked_run {
    std::uint64_t cycles = 0;
    double cpu_s = 0;
    int match = -1;  // -1: not checked
    bool ok = false;
};

forked_run run_structural_forked(const satlm::accel_config& cfg, const satlm::layer_data& data, bool check) {
    forked_run res;
    int fd[2];
    if (pipe(fd) != 0) return res;
    const pid_t pid = fork();
    if (pid == 0) {
        close(fd[0]);
        forked_run r;
        const double c0 = cpu_now();
        const satlm::run_result out = satlm::simulate(cfg, data, "", {});
        r.cpu_s = cpu_now() - c0;
        r.cycles = out.stats.cycles.total();
        if (check) r.match = out.output.values == satlm::golden_output(data, true).values;
        r.ok = true;
        const ssize_t n = write(fd[1], &r, sizeof r);
        _exit(n == static_cast<ssize_t>(sizeof r) ? 0 : 1);
    }
    close(fd[1]);
    if (pid > 0) {
        const ssize_t n = read(fd[0], &res, sizeof res);
        if (n != static_cast<ssize_t>(sizeof res)) res.ok = false;
        int status = 0;
        waitpid(pid, &status, 0);
        res.ok = res.ok && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    }
    close(fd[0]);
    return res;
}

/// Structural mode: the structural SystemC top per layer (forked), beside the engine.
int bench_structural(const options& o, nlohmann::json& out) {
    const auto vgg = satlm::load_network("vgg16-cifar10");
    fmt::print("{:<10} {:>6} {:<9} {:>13} {:>9} {:>11} {:>11} {:>7} {}\n", "top", "array", "layer", "cycles", "cpu s",
               "Mcycles/s", "engine M/s", "ratio", "note");
    int failures = 0;
    for (unsigned array : o.arrays) {
        std::uint64_t cycles = 0;
        double cpu = 0, engine_cpu = 0;
        for (std::size_t i = 0; i < vgg.layers.size(); ++i) {
            const auto& nl = vgg.layers[i];
            if (!o.layers.empty() && std::find(o.layers.begin(), o.layers.end(), nl.name) == o.layers.end()) continue;
            satlm::accel_config cfg = satlm::layer_config(arch_config(o, "cycle", array), nl);
            cfg.set("model.top", "structural", satlm::key_source::command_line);
            const std::uint64_t want = satlm::time_layer(cfg).cycles.total();
            if (want > o.cycle_budget) {
                fmt::print("{:<10} {:>6} {:<9} {:>13} skipped: over the cycle budget\n", "structural",
                           fmt::format("{0}x{0}", array), nl.name, want);
                continue;
            }
            const satlm::layer_data data = random_layer(cfg.layer, o.seed + unsigned(i));
            const forked_run r = run_structural_forked(cfg, data, o.check);
            const double e0 = cpu_now();
            const satlm::run_result e = satlm::run_layer(cfg, data);
            const double ec = cpu_now() - e0;
            std::string note = !r.ok ? "CHILD FAILED" : r.match == 0 ? "MISMATCH vs golden" : r.match == 1 ? "matches golden" : "";
            if (r.ok && r.cycles != e.stats.cycles.total()) note += "; CYCLES DIFFER FROM THE ENGINE";
            failures += !r.ok || r.match == 0 || r.cycles != e.stats.cycles.total();
            cycles += r.cycles;
            cpu += r.cpu_s;
            engine_cpu += ec;
            const double mps = r.cpu_s > 0 ? double(r.cycles) / r.cpu_s / 1e6 : 0.0;
            const double emps = ec > 0 ? double(e.stats.cycles.total()) / ec / 1e6 : 0.0;
            fmt::print("{:<10} {:>6} {:<9} {:>13} {:>9.4f} {:>11.2f} {:>11.2f} {:>7.3f} {}\n", "structural",
                       fmt::format("{0}x{0}", array), nl.name, r.cycles, r.cpu_s, mps, emps, emps > 0 ? mps / emps : 0.0,
                       note);
            out["structural"].push_back({{"array", array}, {"layer", nl.name}, {"cycles", r.cycles}, {"cpu_s", r.cpu_s},
                                         {"engine_cpu_s", ec}, {"note", note}});
        }
        const double mps = cpu > 0 ? double(cycles) / cpu / 1e6 : 0.0;
        const double emps = engine_cpu > 0 ? double(cycles) / engine_cpu / 1e6 : 0.0;
        fmt::print("{:<10} {:>6} {:<9} {:>13} {:>9.4f} {:>11.2f} {:>11.2f} {:>7.3f} total\n\n", "structural",
                   fmt::format("{0}x{0}", array), "all", cycles, cpu, mps, emps, emps > 0 ? mps / emps : 0.0);
        out["structural_totals"].push_back({{"array", array}, {"cycles", cycles}, {"cpu_s", cpu},
                                            {"engine_cpu_s", engine_cpu}, {"cycles_per_s", cpu > 0 ? double(cycles) / cpu : 0.0}});
    }
    return failures;
}

/// Net mode: whole networks, both fidelities side by side, check included.
int bench_net(const options& o, nlohmann::json& out) {
    fmt::print("{:<20} {:<6} {:>6} {:>13} {:>9} {:>9} {:>11} {:>9} {}\n", "network", "model", "array", "cycles",
               "wall s", "cpu s", "Mcycles/s", "peak MB", "check");
    int failures = 0;
    for (const auto& name : o.networks)
        for (unsigned array : o.arrays)
            for (const auto& model : o.models) {
                satlm::net_options no;
                no.arch = arch_config(o, model, array);
                no.check = o.check;
                no.seed = o.seed;
                no.jobs = o.jobs ? o.jobs : std::max(1u, unsigned(sysconf(_SC_NPROCESSORS_ONLN)));
                const double c0 = cpu_now(), w0 = wall_now();
                const satlm::net_result r = satlm::run_network(satlm::load_network(name), no);
                const double c = cpu_now() - c0, w = wall_now() - w0;
                const std::uint64_t n = r.total().cycles.total();
                const auto m = r.mismatches();
                const std::string check = m ? (*m ? fmt::format("{} MISMATCHES", *m) : "bit-exact") : "-";
                failures += m && *m;
                fmt::print("{:<20} {:<6} {:>6} {:>13} {:>9.3f} {:>9.3f} {:>11.2f} {:>9.1f} {}\n", name, model,
                           fmt::format("{0}x{0}", array), n, w, c, c > 0 ? double(n) / c / 1e6 : 0.0,
                           peak_rss_mb(), check);
                out["networks"].push_back({{"network", name}, {"model", model}, {"array", array}, {"cycles", n},
                                           {"wall_s", w}, {"cpu_s", c}, {"jobs", no.jobs},
                                           {"peak_rss_mb_so_far", peak_rss_mb()}, {"check", check}});
            }
    return failures;
}

}  // namespace

int sc_main(int argc, char* argv[]) {
    options o;
    CLI::App app{"satlm_bench: speed of the cycle and LT fidelities on the engine"};
    app.add_option("--modes", o.modes, "layers, net, structural (default: layers, net)")->delimiter(',');
    app.add_option("--models", o.models, "Fidelities to run (cycle, lt)")->delimiter(',');
    app.add_option("--arrays", o.arrays, "Square array sizes")->delimiter(',');
    app.add_option("--networks", o.networks, "net mode: networks (built-ins or topology files)")->delimiter(',');
    app.add_option("--schedule", o.schedule, "schedule.kind: reference | overlapped | scalesim");
    app.add_option("--cycle-budget", o.cycle_budget, "layers mode: skip cycle layers longer than this");
    app.add_flag("!--no-check", o.check, "Do not compare outputs with the golden model");
    app.add_option("--layers", o.layers, "layers mode: only these VGG16 layers")->delimiter(',');
    app.add_option("--jobs", o.jobs, "net mode: layers at once (default: cores)");
    app.add_flag("--quick", o.quick,
                 "CI-sized run: layers conv1_1, conv2_1, conv3_1, conv4_1, conv5_1 on 8x8 and 16x16, and "
                 "vgg16-cifar10-8ch on 8x8; explicit options still win");
    app.add_option("--floor", o.floors, "Fail when a cycle layer on ARRAY runs below M cycles/s: 8=2,16=1")
        ->delimiter(',');
    app.add_option("--seed", o.seed, "Seed of the random data");
    app.add_option("--json", o.json, "Also write the results as JSON");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }
    sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
    if (o.quick) {
        if (!app.count("--layers")) o.layers = {"conv1_1", "conv2_1", "conv3_1", "conv4_1", "conv5_1"};
        if (!app.count("--arrays")) o.arrays = {8, 16};
        if (!app.count("--networks")) o.networks = {"vgg16-cifar10-8ch"};
    }
    nlohmann::json out;
    out["machine"] = machine_line();
    out["schedule"] = o.schedule;
    fmt::print("satlm_bench: {}\nschedule {}, engine (no SystemC kernel), CPU seconds of the timed calls\n\n",
               machine_line(), o.schedule);
    int failures = 0;
    try {
        for (const auto& mode : o.modes) {
            if (mode == "layers") failures += bench_layers(o, out);
            else if (mode == "structural") failures += bench_structural(o, out);
            else if (mode == "net") {
                options n = o;
                if (o.quick && !app.count("--arrays")) n.arrays = {8};
                failures += bench_net(n, out);
            } else {
                fmt::print(stderr, "satlm_bench: --modes: unknown mode '{}' (expected layers, net, structural)\n", mode);
                return 2;
            }
        }
    } catch (const std::exception& e) {
        fmt::print(stderr, "satlm_bench: {}\n", e.what());
        return 2;
    }
    if (!o.json.empty()) {
        std::ofstream f(o.json);
        f << out.dump(2) << "\n";
        if (!f) {
            fmt::print(stderr, "satlm_bench: cannot write {}\n", o.json);
            return 2;
        }
    }
    return failures ? 1 : 0;
}

// As in satlm: our own main() keeps the SystemC banner off unless the environment asks for it.
int main(int argc, char* argv[]) {
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
    return sc_core::sc_elab_and_sim(argc, argv);
}
