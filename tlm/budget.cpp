#include "tlm/budget.h"

#include "tlm/report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <sys/resource.h>
#include <unistd.h>

namespace satlm {

namespace {

constexpr double mib = 1024.0 * 1024.0;

double bytes_of_bits(double bits) { return std::ceil(bits / 8); }

double ceil_to(double n, double multiple) { return std::ceil(n / multiple) * multiple; }

/// Address space the process may still take: its limit (ulimit -v) less what it holds now.
double address_space_left() {
    struct rlimit rl {};
    if (::getrlimit(RLIMIT_AS, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY) return INFINITY;
    double used = 0;
    if (std::FILE* f = std::fopen("/proc/self/statm", "r")) {
        unsigned long pages = 0;
        if (std::fscanf(f, "%lu", &pages) == 1) used = double(pages) * double(::sysconf(_SC_PAGESIZE));
        std::fclose(f);
    }
    return double(rl.rlim_cur) - used;
}

/// Memory the machine can give now without swapping (MemAvailable), else its total.
double available_memory() {
    if (std::FILE* f = std::fopen("/proc/meminfo", "r")) {
        char line[256];
        unsigned long kib = 0;
        while (std::fgets(line, sizeof line, f))
            if (std::sscanf(line, "MemAvailable: %lu kB", &kib) == 1) break;
        std::fclose(f);
        if (kib > 0) return double(kib) * 1024;
    }
    const long pages = ::sysconf(_SC_PHYS_PAGES), size = ::sysconf(_SC_PAGESIZE);
    return pages > 0 && size > 0 ? double(pages) * double(size) : INFINITY;
}

/// What the model's allocations really take beyond the estimate (copies, allocator slack).
constexpr double slack_factor = 1.25;
constexpr double slack_bytes = 64 * mib;

}  // namespace

std::string format_bytes(double bytes) {
    if (bytes >= 1024 * mib) return fmt::format("{:.1f} GiB", bytes / (1024 * mib));
    if (bytes >= mib) return fmt::format("{:.1f} MiB", bytes / mib);
    return fmt::format("{:.0f} KiB", std::ceil(bytes / 1024));
}

std::vector<memory_item> model_memory_need(const accel_config& cfg, bool with_layer) {
    const arch_keys& a = cfg.arch;
    const layer_keys& L = cfg.layer;
    const double rows = a.rows, cols = a.cols;
    std::vector<memory_item> v;
    // Every capacity in full: the SRAM, FIFO and array models allocate their whole size.
    v.push_back({"xmem.words x xmem.width_bits", double(a.xmem.words) * bytes_of_bits(a.xmem_width())});
    v.push_back({"pmem.words x pmem.width_bits",
                 double(a.pmem.words) * bytes_of_bits(a.pmem_width(L.psum_bits))});
    v.push_back({"l0.depth x array.rows", double(a.l0_depth) * rows});
    v.push_back({"ofifo.depth x array.cols", double(a.ofifo_depth) * cols * 4});
    // Eight 32-bit planes of (cols + 1) PEs per row, plus three 64-bit latency planes.
    v.push_back({"array.rows x array.cols", rows * (cols + 1) * 8 * 4 + rows * cols * 3 * 8});
    v.push_back({"sfu.latency x array.cols", double(a.sfu_latency) * cols * 4});
    if (with_layer) {
        const double n = L.positions(), k2 = L.kernel_positions(), o = L.out_positions();
        const double in = L.in_channels, out = L.out_channels;
        const double pass_in = rows * L.channels_per_lane();
        // Activations as read and widened; weights as read and zero-padded to whole passes.
        v.push_back({"layer.in_channels x layer.padded_height x layer.padded_width", in * n * 3});
        v.push_back({"layer.out_channels x layer.in_channels x layer.kernel^2",
                     out * in * k2 + ceil_to(out, cols) * ceil_to(in, pass_in) * k2 * 2});
        // Expected, computed and pre-ReLU outputs (64-bit), the checker's verdicts.
        v.push_back({"layer.out_channels x output positions", o * out * 8 * 4 + o * 32});
        // The psums the cycle model keeps for the psum check, the LT model's planes, the psum
        // files' values.
        v.push_back({"layer.kernel^2 x padded positions x array.cols", k2 * n * cols * (8 + 4) + o * k2 * 4});
        if (!cfg.files.psum.empty()) {
            const double tin = cfg.tile_in_channels(), tout = cfg.tiles.out_channels;
            v.push_back({"files.psum (layer.in_channels x layer.out_channels x layer.kernel^2)",
                         std::ceil(in / tin) * std::ceil(out / tout) * k2 * n * (tout * 8 + 8)});
        }
        v.push_back({"output tiles x array.cols x output positions", std::ceil(out / cols) * cols * o * 4});
    }
    std::stable_sort(v.begin(), v.end(), [](const auto& x, const auto& y) { return x.bytes > y.bytes; });
    return v;
}

void check_memory_budget(const accel_config& cfg, bool with_layer) {
    const auto need = model_memory_need(cfg, with_layer);
    double total = 0;
    for (const auto& i : need) total += i.bytes;
    const double budget = double(cfg.limits.memory_mb) * mib;
    std::string parts;
    for (std::size_t i = 0; i < need.size() && i < 3; ++i)
        if (need[i].bytes >= total / 100)
            parts += fmt::format("{}{} {}", parts.empty() ? "" : ", ", need[i].what, format_bytes(need[i].bytes));
    if (total <= budget) {
        // Within the budget the user set, but more than this process or machine can give: refused
        // the same way, before an allocation fails half-way.
        const double room = std::min(address_space_left(), available_memory());
        const double want = total * slack_factor + slack_bytes;
        if (want <= room) return;
        throw config_error(fmt::format("this configuration needs {} of model memory ({}), more than the {} this "
                                       "process can allocate ({}); lower those keys",
                                       format_bytes(total), parts, format_bytes(room),
                                       address_space_left() < available_memory() ? "its address-space limit, ulimit -v"
                                                                                 : "the machine's available memory"));
    }
    throw config_error(fmt::format("key `limits.memory_mb` = {}: this configuration needs {} of model "
                                   "memory ({}); lower those keys or raise limits.memory_mb",
                                   cfg.limits.memory_mb, format_bytes(total), parts));
}

void check_file_budget(const accel_config& cfg, const std::string& path, double file_bytes) {
    const double budget = double(cfg.limits.memory_mb) * mib;
    if (2 * file_bytes <= budget) return;
    throw config_error(fmt::format("{}: reading this {} file needs about {}, more than key "
                                   "`limits.memory_mb` = {} allows",
                                   path, format_bytes(file_bytes), format_bytes(2 * file_bytes),
                                   cfg.limits.memory_mb));
}

}  // namespace satlm
