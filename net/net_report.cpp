#include "net/net_report.h"

#include "testbench/run_report.h"
#include "tlm/bits.h"

#include <fmt/format.h>

namespace satlm {

namespace {

/// The stable columns of section 5 of the contract, in order; more follow.
constexpr const char* csv_header =
    "layer,ifmap_h,ifmap_w,filter_h,filter_w,channels,filters,stride,cycles_total,cycles_stall,"
    "macs,pe_utilization,xmem_reads,xmem_writes,pmem_reads,pmem_writes,offchip_bytes,mismatches,"
    "cycles_load_data,cycles_load_weights,cycles_execute,cycles_drain,cycles_accumulate,"
    "cycles_idle,xmem_read_bytes,xmem_write_bytes,pmem_read_bytes,pmem_write_bytes,"
    "psum_rmw_bytes,stall_free_offchip_bytes_per_cycle,l0_high_water,ofifo_high_water,"
    "passes,xmem_act_reads,xmem_weight_reads,tiling\n";

/// How the layer was split: the dataflow's plan, or SCALE-Sim's folds when it times the layer.
std::string tiling_text(const net_layer_result& l) {
    if (l.config.arch.schedule == schedule_kind::scalesim)
        return fmt::format("SCALE-Sim folds: {} (rows x cols of the array)", l.stats.passes);
    return l.plan.describe(l.config.layer);
}

double utilization(const net_layer_result& l) {
    return l.stats.pe_utilization(l.config);
}

/// The network's share of MAC slots used: its MACs over the MAC slots of all its layers (a
/// layer's slots follow its own activation width).
double network_utilization(const net_result& r) {
    double macs = 0, slots = 0;
    for (const auto& l : r.layers) {
        macs += double(l.stats.macs);
        slots += l.stats.mac_slots(l.config);
    }
    return slots > 0 ? macs / slots : 0.0;
}

/// A CSV cell: quoted when it holds a comma or a quote.
std::string csv_cell(const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string q = "\"";
    for (char ch : s) q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
    return q + "\"";
}

nlohmann::json stall_causes_json(const stall_causes& s) {
    nlohmann::json j = nlohmann::json::object();
    for (const auto& [name, v] : stall_cause_rows(s)) j[name] = v;
    return j;
}

nlohmann::json cycles_json(const cycle_buckets& c) {
    return {{"total", c.total()},     {"load_data", c.load_data}, {"load_weights", c.load_weights},
            {"execute", c.execute},   {"drain", c.drain},         {"accumulate", c.accumulate},
            {"stall", c.stall},       {"refill", c.refill},       {"idle", c.idle},
            {"stall_causes", stall_causes_json(c.stall_causes)}};
}

nlohmann::json sram_json(const sram_stats& s) {
    return {{"reads", s.reads},
            {"writes", s.writes},
            {"word_bytes", s.word_bytes},
            {"read_bytes", s.reads * s.word_bytes},
            {"write_bytes", s.writes * s.word_bytes}};
}

/// xmem adds its reads split by operand (act_reads, weight_reads) where the timing knows them.
nlohmann::json xmem_json(const sram_stats& s) {
    nlohmann::json j = sram_json(s);
    j["act_reads"] = s.act_reads;
    j["weight_reads"] = s.weight_reads;
    return j;
}

nlohmann::json optional_count(const std::optional<std::uint64_t>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

}  // namespace

std::uint64_t offchip_bytes(const net_layer_result& l) {
    const auto& L = l.config.layer;
    const std::uint64_t out_bytes = l.outputs * ceil_div(L.psum_bits, 8);
    return l.stats.xmem.writes * l.stats.xmem.word_bytes + out_bytes;
}

double stall_free_bandwidth(const net_layer_result& l) {
    const std::uint64_t busy = l.stats.cycles.total() - l.stats.cycles.stall;
    return busy ? double(offchip_bytes(l)) / double(busy) : 0.0;
}

std::string net_csv(const net_result& r) {
    std::string s = csv_header;
    for (const auto& l : r.layers) {
        const auto& n = l.layer;
        const auto& st = l.stats;
        const auto& c = st.cycles;
        s += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{:.6f},{},{},{},{},{},{},", csv_cell(n.name), n.ifmap_h,
                         n.ifmap_w, n.filter_h, n.filter_w, n.channels, n.filters, n.stride, c.total(), c.stall,
                         st.macs, utilization(l), st.xmem.reads, st.xmem.writes, st.pmem.reads, st.pmem.writes,
                         offchip_bytes(l), l.mismatches ? std::to_string(*l.mismatches) : std::string());
        s += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{:.6f},{},{},{},{},{},{}\n", c.load_data, c.load_weights,
                         c.execute, c.drain, c.accumulate, c.idle, st.xmem.reads * st.xmem.word_bytes,
                         st.xmem.writes * st.xmem.word_bytes, st.pmem.reads * st.pmem.word_bytes,
                         st.pmem.writes * st.pmem.word_bytes, st.pmem.bytes(), stall_free_bandwidth(l),
                         st.l0_high_water, st.ofifo_high_water, st.passes, st.xmem.act_reads,
                         st.xmem.weight_reads, csv_cell(tiling_text(l)));
    }
    return s;
}

nlohmann::json layer_json(const net_layer_result& l) {
    const auto& n = l.layer;
    return {{"name", n.name},
            {"shape", {{"ifmap_h", n.ifmap_h}, {"ifmap_w", n.ifmap_w}, {"filter_h", n.filter_h},
                       {"filter_w", n.filter_w}, {"channels", n.channels}, {"filters", n.filters},
                       {"stride", n.stride}}},
            {"cycles", cycles_json(l.stats.cycles)},
            {"macs", l.stats.macs},
            {"pe_utilization", utilization(l)},
            {"mismatches", optional_count(l.mismatches)},
            {"outputs", l.outputs},
            {"sram", {{"xmem", xmem_json(l.stats.xmem)}, {"pmem", sram_json(l.stats.pmem)},
                      {"psum_rmw_bytes", l.stats.pmem.bytes()}}},
            {"offchip", {{"bytes", offchip_bytes(l)}, {"stall_free_bytes_per_cycle", stall_free_bandwidth(l)}}},
            {"fifo", {{"l0_high_water", l.stats.l0_high_water}, {"ofifo_high_water", l.stats.ofifo_high_water}}},
            {"tiling", tiling_text(l)},
            {"wall_seconds", l.wall_seconds}};
}

nlohmann::json net_json(const net_result& r, const accel_config& arch) {
    const run_stats t = r.total();
    nlohmann::json layers = nlohmann::json::array();
    for (const auto& l : r.layers) layers.push_back(layer_json(l));
    nlohmann::json config = nlohmann::json::object();
    const accel_config used = arch.resolved();
    for (const auto& k : all_keys())
        if (k.section == key_section::architecture || k.name == "layer.act_bits" || k.name == "layer.weight_bits" ||
            k.name == "layer.psum_bits")
            config[k.name] = typed_value(k.name, used.get(k.name));
    const double util = network_utilization(r);
    return {{"network", r.net.name},
            {"source", r.net.source},
            {"cycles", cycles_json(t.cycles)},
            {"macs", t.macs},
            {"pe_utilization", util},
            {"mismatches", optional_count(r.mismatches())},
            {"simulated_seconds", t.simulated_seconds},
            {"wall_seconds", r.wall_seconds},
            {"config", config},
            {"layers", layers}};
}

void print_net_summary(std::FILE* out, const net_result& r, const accel_config& arch) {
    fmt::print(out, "{:<12} {:>9} {:>7} {:>6} {:>12} {:>10} {:>14} {:>7} {:>10} {:>10}  {}\n", "layer", "ifmap",
               "filter", "ch>f", "cycles", "stall", "MACs", "util", "xmem rd", "pmem wr", "check");
    for (const auto& l : r.layers) {
        const auto& n = l.layer;
        const std::string check = l.mismatches ? (*l.mismatches ? fmt::format("{} MISMATCHES", *l.mismatches) : "ok") : "-";
        fmt::print(out, "{:<12} {:>9} {:>7} {:>6} {:>12} {:>10} {:>14} {:>6.2f}% {:>10} {:>10}  {}\n", n.name,
                   fmt::format("{}x{}", n.ifmap_h, n.ifmap_w),
                   fmt::format("{}x{}/{}", n.filter_h, n.filter_w, n.stride),
                   fmt::format("{}>{}", n.channels, n.filters), l.stats.cycles.total(), l.stats.cycles.stall,
                   l.stats.macs, 100.0 * utilization(l), l.stats.xmem.reads, l.stats.pmem.writes, check);
    }
    const run_stats t = r.total();
    const double util = network_utilization(r);
    fmt::print(out, "\nnetwork          {} ({} layers), {}x{} array, {} fidelity\n", r.net.name, r.layers.size(),
               arch.arch.rows, arch.arch.cols, arch.get("model.fidelity"));
    fmt::print(out, "cycles           {}   (stall {})\n", t.cycles.total(), t.cycles.stall);
    fmt::print(out, "MACs             {}   PE utilization {:.2f}%\n", t.macs, 100.0 * util);
    if (const auto m = r.mismatches())
        fmt::print(out, "check            {} mismatching values => {}\n", *m, *m ? "FAILED" : "all layers bit-exact");
    fmt::print(out, "wall time        {:.3f} s\n", r.wall_seconds);
}

}  // namespace satlm
