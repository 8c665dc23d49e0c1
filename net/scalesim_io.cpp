#include "net/scalesim_io.h"

#include "dataflow/ws/scalesim_schedule.h"
#include "tlm/bits.h"
#include "tlm/report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

namespace satlm {

namespace {

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t\r");
    return b == std::string::npos ? "" : s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

std::string lower(std::string s) {
    for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s;
}

/// One `key: value` or `key = value` line of the INI file, with where it came from.
struct cfg_entry {
    std::string value;
    std::size_t line = 0;
};

std::map<std::string, cfg_entry> read_ini(const std::string& path) {
    std::ifstream f(path);
    if (!f) throw input_error(fmt::format("{}: cannot open the SCALE-Sim configuration", path));
    std::map<std::string, cfg_entry> keys;
    std::string text;
    for (std::size_t n = 1; std::getline(f, text); ++n) {
        const std::string line = trim(text);
        if (line.empty() || line[0] == '#' || line[0] == ';' || line[0] == '[') continue;
        const auto sep = line.find_first_of(":=");
        if (sep == std::string::npos)
            throw input_error(fmt::format("{}:{}: expected `Key : value`, got `{}`", path, n, line.substr(0, 60)));
        keys[lower(trim(line.substr(0, sep)))] = {trim(line.substr(sep + 1)), n};
    }
    return keys;
}

std::uint64_t number(const std::string& path, const std::string& key, const cfg_entry& e, std::uint64_t lo,
                     std::uint64_t hi) {
    std::uint64_t v = 0;
    const bool digits = !e.value.empty() && std::all_of(e.value.begin(), e.value.end(), ::isdigit);
    if (digits && e.value.size() < 12) v = std::stoull(e.value);
    if (!digits || v < lo || v > hi)
        throw input_error(fmt::format("{}:{}: {}: expected a whole number {}..{}, got `{}`", path, e.line, key, lo,
                                      hi, e.value));
    return v;
}

/// Sets a key from the file as if by --set, naming the file's line when the value is refused.
void set_key(accel_config& cfg, const std::string& path, const cfg_entry& e, const std::string& key,
             std::uint64_t value) {
    try {
        cfg.set(key, std::to_string(value), key_source::config_file, path);
    } catch (const config_error& err) {
        throw input_error(fmt::format("{}:{}: {}", path, e.line, err.what()));
    }
}

}  // namespace

void load_scalesim_config(accel_config& cfg, const std::string& path) {
    const auto keys = read_ini(path);
    auto get = [&](const char* k) { return keys.count(k) ? &keys.at(k) : nullptr; };
    if (const auto* e = get("dataflow"); e && lower(e->value) != "ws")
        throw input_error(fmt::format("{}:{}: Dataflow: satlm models the weight-stationary dataflow (ws), got `{}`",
                                      path, e->line, e->value));
    if (const auto* e = get("arrayheight")) set_key(cfg, path, *e, "array.rows", number(path, "ArrayHeight", *e, 1, 1024));
    if (const auto* e = get("arraywidth")) set_key(cfg, path, *e, "array.cols", number(path, "ArrayWidth", *e, 1, 1024));
    const accel_config sized = cfg.resolved();
    const std::uint64_t xb = ceil_div(sized.arch.xmem_width(), 8);
    const std::uint64_t pb = ceil_div(sized.arch.pmem_width(sized.layer.psum_bits), 8);
    const auto* ifm = get("ifmapsramszkb");
    const auto* fil = get("filtersramszkb");
    if (ifm || fil) {
        const std::uint64_t act_kb = ifm ? number(path, "IfmapSramSzkB", *ifm, 1, 1u << 20) : 4;
        const std::uint64_t wgt_kb = fil ? number(path, "FilterSramSzkB", *fil, 1, 1u << 20) : 4;
        const cfg_entry& where = ifm ? *ifm : *fil;
        set_key(cfg, path, where, "xmem.words", (act_kb + wgt_kb) * 1024 / xb);
        set_key(cfg, path, where, "xmem.weight_base", act_kb * 1024 / xb);
    }
    if (const auto* e = get("ofmapsramszkb"))
        set_key(cfg, path, *e, "pmem.words", number(path, "OfmapSramSzkB", *e, 1, 1u << 20) * 1024 / pb);
    if (const auto* e = get("bandwidth"))
        set_key(cfg, path, *e, "offchip.bytes_per_cycle", number(path, "Bandwidth", *e, 1, 65536));
}

std::map<std::string, std::string> scalesim_reports(const net_result& r) {
    std::string compute = "LayerID, Total Cycles, Stall Cycles, Overall Util %, Mapping Efficiency %, Compute Util %,\n";
    std::string bandwidth =
        "LayerID, Avg IFMAP SRAM BW, Avg FILTER SRAM BW, Avg OFMAP SRAM BW, Avg IFMAP DRAM BW, Avg FILTER DRAM BW, "
        "Avg OFMAP DRAM BW,\n";
    std::string access =
        "LayerID, SRAM IFMAP Start Cycle, SRAM IFMAP Stop Cycle, SRAM IFMAP Reads, SRAM Filter Start Cycle, SRAM "
        "Filter Stop Cycle, SRAM Filter Reads, SRAM OFMAP Start Cycle, SRAM OFMAP Stop Cycle, SRAM OFMAP Writes, DRAM "
        "IFMAP Start Cycle, DRAM IFMAP Stop Cycle, DRAM IFMAP Reads, DRAM Filter Start Cycle, DRAM Filter Stop Cycle, "
        "DRAM Filter Reads, DRAM OFMAP Start Cycle, DRAM OFMAP Stop Cycle, DRAM OFMAP Writes,\n";
    for (std::size_t id = 0; id < r.layers.size(); ++id) {
        const auto& l = r.layers[id];
        const auto& st = l.stats;
        const std::uint64_t total = st.cycles.total();
        const double util = 100.0 * st.pe_utilization(l.config.arch.rows, l.config.arch.cols);
        const auto per_cycle = [total](std::uint64_t n) { return total ? double(n) / double(total) : 0.0; };
        if (l.config.arch.schedule == schedule_kind::scalesim) {
            const scalesim_layer_result x = scalesim_ws_timing(scalesim_shape(l.config.layer), scalesim_arch(l.config));
            compute += fmt::format("{}, {}, {}, {}, {}, {},\n", id, x.total_cycles, x.stall_cycles, x.overall_util_pct,
                                   x.mapping_efficiency_pct, x.compute_util_pct);
            auto dram_bw = [](const std::optional<scalesim_access>& d) { return d ? d->span_bandwidth() : 0.0; };
            bandwidth += fmt::format("{}, {}, {}, {}, {}, {}, {},\n", id, x.ifmap_sram_bw(), x.filter_sram_bw(),
                                     x.ofmap_sram_bw(), dram_bw(x.ifmap_dram), dram_bw(x.filter_dram),
                                     dram_bw(x.ofmap_dram));
            auto span = [](const scalesim_access& a) {
                return fmt::format("{:.1f}, {:.1f}, {}", double(a.start_cycle), double(a.stop_cycle), a.count);
            };
            auto dspan = [&](const std::optional<scalesim_access>& d) { return d ? span(*d) : std::string(", , "); };
            access += fmt::format("{}, {}, {}, {}, {}, {}, {},\n", id, span(x.ifmap_sram), span(x.filter_sram),
                                  span(x.ofmap_sram), dspan(x.ifmap_dram), dspan(x.filter_dram), dspan(x.ofmap_dram));
            continue;
        }
        // satlm's own counters in SCALE-Sim's columns: one xmem holds both operands, so its
        // reads go in the IFMAP columns; pmem writes are the OFMAP writes.
        const std::uint64_t last = total ? total - 1 : 0;
        compute += fmt::format("{}, {}, {}, {}, {}, {},\n", id, total, st.cycles.stall, util, util, util);
        bandwidth += fmt::format("{}, {}, {}, {}, {}, {}, {},\n", id, per_cycle(st.xmem.reads), 0.0,
                                 per_cycle(st.pmem.writes), per_cycle(st.xmem.writes), 0.0, 0.0);
        access += fmt::format("{}, 0.0, {}.0, {}, 0.0, {}.0, 0, 0.0, {}.0, {}, 0.0, {}.0, {}, 0.0, {}.0, 0, 0.0, "
                              "{}.0, 0,\n", id, last, st.xmem.reads, last, last, st.pmem.writes, last,
                              st.xmem.writes, last, last);
    }
    return {{"COMPUTE_REPORT.csv", compute}, {"BANDWIDTH_REPORT.csv", bandwidth},
            {"DETAILED_ACCESS_REPORT.csv", access}};
}

}  // namespace satlm
