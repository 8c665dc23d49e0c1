// satlm_bench: simulated cycles per second and MACs per second of both fidelity levels, on
// several array sizes and on the VGG16-CIFAR10 conv layer shapes, in one run.
//
// Each (model, array, layer) runs in a forked child process, so that each gets a fresh SystemC
// kernel (SystemC elaborates once per process) and a crash or overrun cannot take the table
// down. Times are the child's CPU seconds of the simulate() call (the machine is shared).

#include "testbench/golden.h"
#include "engine/engine.h"
#include "testbench/simulation.h"
#include "tlm/report.h"
#include "dataflow/ws/schedule.h"

#include <cstdlib>
#include <systemc>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace {

struct layer_shape {
    const char* name;
    unsigned in, out, size;  // channels and unpadded map size (padding 1, 3x3 kernel)
};

/// VGG16 for CIFAR-10: the 13 conv layers (32x32 input).
const std::vector<layer_shape> vgg16_cifar10 = {
    {"conv1_1", 3, 64, 32},    {"conv1_2", 64, 64, 32},   {"conv2_1", 64, 128, 16},
    {"conv2_2", 128, 128, 16}, {"conv3_1", 128, 256, 8},  {"conv3_2", 256, 256, 8},
    {"conv3_3", 256, 256, 8},  {"conv4_1", 256, 512, 4},  {"conv4_2", 512, 512, 4},
    {"conv4_3", 512, 512, 4},  {"conv5_1", 512, 512, 2},  {"conv5_2", 512, 512, 2},
    {"conv5_3", 512, 512, 2},
};

/// What a child reports through its pipe.
struct child_result {
    int status = 0;           // 0 ran, 1 skipped (over the cycle budget), 2 failed
    int match = -1;           // -1 not checked, 0 mismatch, 1 match vs the golden
    double cpu_s = 0;         // CPU seconds of the simulate call
    double wall_s = 0;
    std::uint64_t cycles = 0;
    std::uint64_t macs = 0;
    char message[200] = {};
};

struct options {
    std::vector<std::string> models{"cycle", "lt"};
    std::vector<unsigned> arrays{8, 16, 64};
    std::string schedule = "reference";
    std::uint64_t cycle_budget = 20'000'000;  // per layer, cycle model only
    bool engine = false;                      // simulate_engine instead of simulate
    bool check = false;
    bool quick = false;                       // CI-sized subset (see --quick)
    std::vector<std::string> layers;          // empty = all 13
    std::vector<std::string> floors;          // "array=Mcycles/s": cycle-model minimum per layer
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

satlm::accel_config make_config(const options& o, const std::string& model, unsigned array,
                                const layer_shape& s) {
    satlm::accel_config cfg;
    cfg.layer.in_channels = s.in;
    cfg.layer.out_channels = s.out;
    cfg.layer.padded_height = s.size + 2;
    cfg.layer.padded_width = s.size + 2;
    cfg.arch.rows = array;
    cfg.arch.cols = array;
    cfg.set("model.fidelity", model, satlm::key_source::command_line);
    cfg.set("schedule.kind", o.schedule, satlm::key_source::command_line);
    cfg.validate();
    return cfg;
}

satlm::layer_data random_layer(const satlm::layer_keys& k, unsigned seed) {
    satlm::layer_data d(k);
    std::mt19937 rng(seed);
    for (auto& a : d.act) a = static_cast<std::uint8_t>(rng() % 16);
    for (auto& w : d.weight) w = static_cast<std::int8_t>(int(rng() % 16) - 8);
    return d;
}

/// Body of a child: one layer on one model and array.
child_result run_one(const options& o, const std::string& model, unsigned array,
                     const layer_shape& s, unsigned seed) {
    child_result r;
    try {
        const auto cfg = make_config(o, model, array, s);
        const auto layer = random_layer(cfg.layer, seed);
        r.macs = cfg.layer.macs();
        if (model == "cycle") {
            const auto cycles =
                satlm::total_cycles(satlm::build_schedule(cfg, satlm::plan_tiling(cfg))).total();
            if (cycles > o.cycle_budget) {
                r.status = 1;
                r.cycles = cycles;
                return r;
            }
        }
        const double c0 = cpu_now(), w0 = wall_now();
        const satlm::run_result res =
            o.engine ? satlm::run_layer(cfg, layer) : satlm::simulate(cfg, layer);
        r.cpu_s = cpu_now() - c0;
        r.wall_s = wall_now() - w0;
        r.cycles = res.stats.cycles.total();
        if (o.check) r.match = res.output.values == satlm::golden_output(layer, true).values;
    } catch (const std::exception& e) {
        r.status = 2;
        std::snprintf(r.message, sizeof r.message, "%s", e.what());
    }
    return r;
}

/// Runs run_one in a forked child and collects its result.
child_result in_child(const options& o, const std::string& model, unsigned array,
                      const layer_shape& s, unsigned seed) {
    int fd[2];
    if (pipe(fd) != 0) throw std::runtime_error("satlm_bench: pipe failed");
    std::fflush(nullptr);
    const pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("satlm_bench: fork failed");
    if (pid == 0) {
        close(fd[0]);
        const child_result r = run_one(o, model, array, s, seed);
        const auto* p = reinterpret_cast<const char*>(&r);
        std::size_t left = sizeof r;
        while (left > 0) {
            const ssize_t n = write(fd[1], p, left);
            if (n <= 0) break;
            p += n;
            left -= static_cast<std::size_t>(n);
        }
        close(fd[1]);
        _exit(0);
    }
    close(fd[1]);
    child_result r;
    auto* p = reinterpret_cast<char*>(&r);
    std::size_t got = 0;
    while (got < sizeof r) {
        const ssize_t n = read(fd[0], p + got, sizeof r - got);
        if (n <= 0) break;
        got += static_cast<std::size_t>(n);
    }
    close(fd[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    if (got != sizeof r) {
        r = child_result{};
        r.status = 2;
        std::snprintf(r.message, sizeof r.message, "child died (wait status %d)", status);
    }
    return r;
}

std::string machine_line() {
    std::string model = "unknown CPU";
    std::ifstream cpu("/proc/cpuinfo");
    for (std::string line; std::getline(cpu, line);)
        if (line.rfind("model name", 0) == 0) {
            model = line.substr(line.find(':') + 2);
            break;
        }
    return fmt::format("{}, {} online CPUs, compiler {}", model, sysconf(_SC_NPROCESSORS_ONLN),
                       __VERSION__);
}

}  // namespace

int sc_main(int argc, char* argv[]) {
    options o;
    CLI::App app{"satlm_bench: simulated cycles/s and MACs/s of the cycle and LT models"};
    app.add_option("--models", o.models, "Models to run (cycle, lt)")->delimiter(',');
    app.add_option("--arrays", o.arrays, "Square array sizes")->delimiter(',');
    app.add_option("--schedule", o.schedule, "schedule.kind: reference | overlapped");
    app.add_option("--cycle-budget", o.cycle_budget,
                   "Skip cycle-model layers longer than this many simulated cycles");
    app.add_flag("--engine", o.engine, "Time simulate_engine (no SystemC kernel) instead of simulate");
    app.add_flag("--check", o.check, "Compare every output with the golden model (untimed)");
    app.add_option("--layers", o.layers, "Only these VGG16 layers (e.g. conv1_1,conv3_2)")->delimiter(',');
    app.add_flag("--quick", o.quick,
                 "CI-sized run (seconds): conv1_1, conv2_1, conv3_1, conv4_1, conv5_1 on 8x8, 16x16 and 64x64, "
                 "both models, --check; explicit --layers/--arrays still win");
    app.add_option("--floor", o.floors,
                   "Fail (exit 1) when a cycle-model layer on this array runs below this many M simulated "
                   "cycles/s, e.g. 8=2,16=1")
        ->delimiter(',');
    app.add_option("--seed", o.seed, "Seed of the random layer data");
    app.add_option("--json", o.json, "Also write the results as JSON to this file");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }
    sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
    if (o.quick) {
        if (app.count("--layers") == 0) o.layers = {"conv1_1", "conv2_1", "conv3_1", "conv4_1", "conv5_1"};
        if (app.count("--arrays") == 0) o.arrays = {8, 16, 64};
        o.check = true;
    }
    for (const auto& name : o.layers) {
        bool known = false;
        for (const auto& s : vgg16_cifar10) known = known || name == s.name;
        if (!known) {
            fmt::print(stderr, "satlm_bench: --layers: unknown layer '{}' (expected conv1_1 .. conv5_3)\n", name);
            return 2;
        }
    }
    std::vector<std::pair<unsigned, double>> floor;  // (array, M cycles/s)
    for (const auto& f : o.floors) {
        const auto eq = f.find('=');
        try {
            if (eq == std::string::npos) throw std::invalid_argument(f);
            floor.emplace_back(static_cast<unsigned>(std::stoul(f.substr(0, eq))), std::stod(f.substr(eq + 1)));
        } catch (const std::exception&) {
            fmt::print(stderr, "satlm_bench: --floor: expected ARRAY=MCYCLES_PER_S (e.g. 8=2), got '{}'\n", f);
            return 2;
        }
    }
    auto floor_of = [&floor](unsigned array) {
        for (const auto& [a, m] : floor)
            if (a == array) return m;
        return 0.0;
    };
    auto selected = [&o](const layer_shape& s) {
        if (o.layers.empty()) return true;
        for (const auto& name : o.layers)
            if (name == s.name) return true;
        return false;
    };

    nlohmann::json out;
    out["machine"] = machine_line();
    out["schedule"] = o.schedule;
    out["timer"] = o.engine ? "simulate_engine (no kernel)" : "simulate (SystemC)";
    out["cycle_budget"] = o.cycle_budget;
    fmt::print("satlm_bench: {}\nschedule {}, timing {}, CPU seconds per call\n\n", machine_line(),
               o.schedule, o.engine ? "simulate_engine" : "simulate (SystemC)");
    fmt::print("{:<6} {:>6} {:<9} {:>13} {:>14} {:>9} {:>11} {:>9} {}\n", "model", "array",
               "layer", "cycles", "MACs", "cpu s", "Mcycles/s", "GMAC/s", "note");
    int failures = 0;
    for (const auto& model : o.models)
        for (unsigned array : o.arrays) {
            std::uint64_t cycles = 0, macs = 0, skipped = 0, total_layers = 0;
            double cpu = 0;
            for (std::size_t i = 0; i < vgg16_cifar10.size(); ++i) {
                const auto& s = vgg16_cifar10[i];
                if (!selected(s)) continue;
                const child_result r = in_child(o, model, array, s, o.seed + unsigned(i));
                ++total_layers;
                std::string note;
                if (r.status == 1) note = fmt::format("skipped: {} cycles > budget", r.cycles);
                if (r.status == 2) note = fmt::format("FAILED: {}", r.message);
                if (r.match == 0) note = "MISMATCH vs golden";
                if (r.match == 1) note = "matches golden";
                failures += r.status == 2 || r.match == 0;
                if (model == "cycle" && r.status == 0 && r.cpu_s > 0 && floor_of(array) > 0 &&
                    double(r.cycles) / r.cpu_s < floor_of(array) * 1e6) {
                    note += fmt::format("{}BELOW FLOOR {} M cycles/s", note.empty() ? "" : "; ", floor_of(array));
                    ++failures;
                }
                nlohmann::json row = {{"model", model}, {"array", array}, {"layer", s.name},
                                      {"status", r.status == 0 ? "ran" : r.status == 1 ? "skipped" : "failed"},
                                      {"cycles", r.cycles}, {"macs", r.macs}, {"cpu_s", r.cpu_s},
                                      {"wall_s", r.wall_s}};
                if (r.match >= 0) row["match"] = r.match == 1;
                if (r.status == 0 && r.cpu_s > 0) {
                    row["cycles_per_s"] = double(r.cycles) / r.cpu_s;
                    row["macs_per_s"] = double(r.macs) / r.cpu_s;
                }
                out["layers"].push_back(row);
                if (r.status != 0) {
                    skipped += r.status == 1;
                    fmt::print("{:<6} {:>6} {:<9} {:>13} {:>14} {:>9} {:>11} {:>9} {}\n", model,
                               fmt::format("{0}x{0}", array), s.name, r.cycles, r.macs, "-", "-", "-", note);
                    continue;
                }
                cycles += r.cycles;
                macs += r.macs;
                cpu += r.cpu_s;
                fmt::print("{:<6} {:>6} {:<9} {:>13} {:>14} {:>9.4f} {:>11.2f} {:>9.3f} {}\n", model,
                           fmt::format("{0}x{0}", array), s.name, r.cycles, r.macs, r.cpu_s,
                           r.cpu_s > 0 ? double(r.cycles) / r.cpu_s / 1e6 : 0.0,
                           r.cpu_s > 0 ? double(r.macs) / r.cpu_s / 1e9 : 0.0, note);
            }
            const std::string what =
                skipped || total_layers < vgg16_cifar10.size()
                    ? fmt::format("{} of {} layers", total_layers - skipped, vgg16_cifar10.size())
                    : std::string("whole net");
            fmt::print("{:<6} {:>6} {:<9} {:>13} {:>14} {:>9.4f} {:>11.2f} {:>9.3f} VGG16 total ({})\n\n",
                       model, fmt::format("{0}x{0}", array), total_layers < vgg16_cifar10.size() ? "subset" : "VGG16", cycles, macs, cpu,
                       cpu > 0 ? double(cycles) / cpu / 1e6 : 0.0,
                       cpu > 0 ? double(macs) / cpu / 1e9 : 0.0, what);
            out["totals"].push_back({{"model", model}, {"array", array}, {"layers_run", total_layers - skipped},
                                     {"layers_skipped", skipped}, {"cycles", cycles}, {"macs", macs},
                                     {"cpu_s", cpu},
                                     {"cycles_per_s", cpu > 0 ? double(cycles) / cpu : 0.0},
                                     {"macs_per_s", cpu > 0 ? double(macs) / cpu : 0.0}});
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
