#include "testbench/run_report.h"

#include "tlm/bits.h"
#include "vectors/vector_set.h"

#include <fmt/format.h>

#include <filesystem>

namespace satlm {

namespace {

nlohmann::json sram_json(const sram_stats& s, std::uint64_t cycles) {
    return {{"reads", s.reads},
            {"writes", s.writes},
            {"word_bytes", s.word_bytes},
            {"bytes", s.bytes()},
            {"avg_bytes_per_cycle", cycles ? double(s.bytes()) / double(cycles) : 0.0},
            {"peak_bytes_per_cycle", s.peak_bytes_per_cycle}};
}

nlohmann::json optional_json(const std::optional<std::uint64_t>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

nlohmann::json mismatch_json(const mismatch_info& m) {
    nlohmann::json j = {{"file", absolute_path(m.file)}, {"line", m.line}, {"otile", m.tile},
                        {"pixel", m.pixel}, {"row", m.row}, {"col", m.col}, {"channel", m.channel},
                        {"expected", m.expected}, {"expected_bits", m.expected_bits},
                        {"got", m.got}, {"got_bits", m.got_bits},
                        {"pre_relu_sum", m.pre_relu ? nlohmann::json(*m.pre_relu) : nlohmann::json(nullptr)},
                        {"unknown_bits", m.unknown_bits}};
    return j;
}

}  // namespace

std::string absolute_path(const std::string& path) {
    if (path.empty()) return path;
    std::error_code ec;
    const auto p = std::filesystem::absolute(path, ec);
    return ec ? path : p.lexically_normal().string();
}

nlohmann::json typed_value(const std::string& key, const std::string& text) {
    if (key == "dir" || key.rfind("files.", 0) == 0) return text;
    if (text == "true" || text == "false") return text == "true";
    if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos) return std::stoull(text);
    if (key == "clock.period_ns") return std::stod(text);
    return text;
}

nlohmann::json make_report(const vector_set& vs, const run_result& result, const check_report& check,
                           double wall_seconds) {
    const auto& st = result.stats;
    const auto& c = st.cycles;
    const auto& a = vs.config.arch;
    const std::uint64_t total = c.total();
    // The values used (derived defaults resolved), typed: numbers, booleans and strings.
    const accel_config used = vs.config.resolved();
    nlohmann::json config = nlohmann::json::object();
    nlohmann::json sources = nlohmann::json::object();
    for (const auto& k : all_keys()) {
        config[k.name] = typed_value(k.name, used.get(k.name));
        sources[k.name] = to_string(vs.config.source_of(k.name));
    }
    nlohmann::json j;
    j["schema_version"] = report_schema_version;
    j["match"] = check.checked ? nlohmann::json(check.mismatches == 0) : nlohmann::json(nullptr);
    j["outputs"] = check.checked ? check.outputs : std::uint64_t{0};
    j["mismatches"] = check.mismatches;
    j["unknown_values"] = check.unknown_values;
    nlohmann::json list = nlohmann::json::array();
    for (const auto& m : list_mismatches(vs, result, check, report_mismatch_cap)) list.push_back(mismatch_json(m));
    j["mismatch_list"] = list;
    j["mismatch_list_truncated"] = check.mismatches > list.size();
    j["wrapped"] = check.wrapped;
    j["warning_count"] = check.warning_count();
    j["cycles"] = {{"total", total},
                   {"load_data", c.load_data},
                   {"load_weights", c.load_weights},
                   {"execute", c.execute},
                   {"drain", c.drain},
                   {"accumulate", c.accumulate},
                   {"stall", c.stall},
                   {"idle", c.idle}};
    j["macs"] = st.macs;
    j["pe_utilization"] = st.pe_utilization(a.rows, a.cols);
    j["latency"] = {{"first_psum_col0", optional_json(st.first_psum_col0)},
                    {"first_psum_last_col", optional_json(st.first_psum_last_col)}};
    j["sram"] = {{"xmem", sram_json(st.xmem, total)}, {"pmem", sram_json(st.pmem, total)}};
    j["fifo"] = {{"l0", {{"high_water", st.l0_high_water}, {"depth", a.l0_depth}}},
                 {"ofifo", {{"high_water", st.ofifo_high_water}, {"depth", a.ofifo_depth}}}};
    j["tiling"] = {{"description", result.plan.describe(vs.config.layer)},
                   {"out_tiles", result.plan.out_tiles},
                   {"in_tiles", result.plan.in_tiles},
                   {"row_bands", result.plan.row_bands},
                   {"col_bands", result.plan.col_bands},
                   {"kernel_groups", result.plan.kernel_groups.size()},
                   {"chunk_positions", result.plan.chunk},
                   {"passes", st.passes},
                   {"chunks", st.chunks}};
    j["psum_check"] = {{"checked", check.psum_checked}, {"mismatches", check.psum_mismatches},
                       {"against", check.psum_source}};
    j["acc_check"] = {{"checked", check.acc_checked}, {"mismatches", check.acc_mismatches},
                      {"against", check.acc_source}};
    j["warnings"] = check.warnings;
    if (!check.hint.empty()) j["hint"] = check.hint;
    j["time"] = {{"simulated_ns", double(total) * a.clock_period_ns}, {"wall_seconds", wall_seconds}};
    nlohmann::json outputs = nlohmann::json::array();
    for (const auto& f : vs.expected.output_files) outputs.push_back(absolute_path(f));
    nlohmann::json files = nlohmann::json::array();
    for (const auto& f : vs.files) files.push_back(absolute_path(f));
    j["vector_set"] = {{"data_dir", absolute_path(vs.data_dir)},
                       {"manifest", vs.manifest.empty() ? nlohmann::json(nullptr) : nlohmann::json(absolute_path(vs.manifest))},
                       {"expected_output", outputs},
                       {"acc_file", vs.expected.acc_desc.empty() ? nlohmann::json(nullptr) : nlohmann::json(absolute_path(vs.expected.acc_desc))},
                       {"files_read", files}};
    j["satlm_version"] = SATLM_VERSION;
    j["config"] = config;
    j["config_sources"] = sources;
    return j;
}

void print_pixel_lines(std::FILE* out, const vector_set& vs, const run_result& result,
                       const check_report& check, bool quiet) {
    const layer_output& got = result.output;
    const unsigned ow = vs.config.layer.out_width();
    if (quiet) {
        if (!check.checked || !check.mismatches) return;
        for (const auto& m : list_mismatches(vs, result, check, quiet_mismatch_lines))
            fmt::print(out, "MISMATCH {}\n", format_mismatch(m));
        if (check.mismatches > quiet_mismatch_lines)
            fmt::print(out, "... {} mismatches in all, the first {} shown (drop -q to list all)\n",
                       check.mismatches, quiet_mismatch_lines);
        return;
    }
    if (!check.checked) {
        for (unsigned o = 0; o < got.out_positions; ++o) {
            std::string vals;
            for (unsigned c = got.out_channels; c-- > 0;) vals += fmt::format(" {}", got.at(o, c));
            fmt::print(out, "pixel {:>4} (row {}, col {}): computed (ch{}..ch0){}\n", o, o / ow, o % ow,
                       got.out_channels - 1, vals);
        }
        return;
    }
    for (const auto& p : check.pixels) {
        if (p.bad_channels.empty()) {
            fmt::print(out, "pixel {:>4} (row {}, col {}): matched\n", p.onij, p.onij / ow, p.onij % ow);
            continue;
        }
        fmt::print(out, "pixel {:>4} (row {}, col {}): ERROR {} of {} channels differ\n", p.onij,
                   p.onij / ow, p.onij % ow, p.bad_channels.size(), got.out_channels);
        for (unsigned c : p.bad_channels)
            fmt::print(out, "  MISMATCH {}\n", format_mismatch(describe_mismatch(vs, result, check, p.onij, c)));
    }
}

void print_summary(std::FILE* out, const vector_set& vs, const run_result& result,
                   const check_report& check, double wall_seconds) {
    const auto& st = result.stats;
    const auto& c = st.cycles;
    const auto& a = vs.config.arch;
    const std::uint64_t total = c.total();
    auto pct = [total](std::uint64_t v) { return total ? 100.0 * double(v) / double(total) : 0.0; };
    auto per_cycle = [total](std::uint64_t bytes) { return total ? double(bytes) / double(total) : 0.0; };
    auto lat = [](const std::optional<std::uint64_t>& v) { return v ? fmt::format("+{}", *v) : std::string("-"); };

    for (const auto& w : check.warnings) fmt::print(out, "warning: {}\n", w);
    fmt::print(out, "\n");
    if (check.checked)
        fmt::print(out, "outputs checked  {}   mismatches {}{}   => {}\n", check.outputs, check.mismatches,
                   check.unknown_values ? fmt::format(" ({} with unknown x/z bits)", check.unknown_values) : "",
                   check.mismatches ? "FAILED" : "SIGNED OFF");
    else
        fmt::print(out, "outputs computed {}   (not checked: --no-check)\n",
                   std::uint64_t{result.output.out_positions} * result.output.out_channels);
    if (!check.hint.empty()) fmt::print(out, "hint: {}\n", check.hint);
    if (check.psum_checked)
        fmt::print(out, "psums checked    {}   mismatches {} (warnings only; against {})\n", check.psum_checked,
                   check.psum_mismatches, check.psum_source);
    if (check.acc_checked)
        fmt::print(out, "acc addresses    {}   mismatches {} (warnings only; against {})\n", check.acc_checked,
                   check.acc_mismatches, check.acc_source);
    fmt::print(out, "model            {} fidelity, {} schedule, {}x{} array, {} ns clock\n",
               vs.config.get("model.fidelity"), vs.config.get("schedule.kind"), a.rows, a.cols,
               vs.config.get("clock.period_ns"));
    fmt::print(out, "tiling           {}\n\n", result.plan.describe(vs.config.layer));

    fmt::print(out, "  {:<14}{:>12}{:>9}\n", "cycles", "count", "share");
    const std::pair<const char*, std::uint64_t> rows[] = {
        {"load_data", c.load_data}, {"load_weights", c.load_weights}, {"execute", c.execute},
        {"drain", c.drain},         {"accumulate", c.accumulate},     {"stall", c.stall},
        {"idle", c.idle}};
    for (const auto& [name, v] : rows) fmt::print(out, "  {:<14}{:>12}{:>8.1f}%\n", name, v, pct(v));
    fmt::print(out, "  {:<14}{:>12}{:>8.1f}%   ({:.6g} ns simulated)\n\n", "total", total, 100.0,
               double(total) * a.clock_period_ns);

    fmt::print(out, "  {:<14}{:>12}{:>12}{:>12}{:>14}{:>14}\n", "sram", "reads", "writes", "bytes",
               "avg B/cycle", "peak B/cycle");
    for (const auto& [name, m] : {std::pair<const char*, const sram_stats&>{"xmem", st.xmem}, {"pmem", st.pmem}})
        fmt::print(out, "  {:<14}{:>12}{:>12}{:>12}{:>14.3f}{:>14}\n", name, m.reads, m.writes, m.bytes(),
                   per_cycle(m.bytes()), m.peak_bytes_per_cycle);
    fmt::print(out, "\n  {:<14}{:>12}{:>12}\n", "fifo", "high water", "depth");
    fmt::print(out, "  {:<14}{:>12}{:>12}\n", "l0", st.l0_high_water, a.l0_depth);
    fmt::print(out, "  {:<14}{:>12}{:>12}\n\n", "ofifo", st.ofifo_high_water, a.ofifo_depth);

    fmt::print(out, "PE utilization   {:.2f}%   ({} useful MACs on {}x{} PEs in {} cycles)\n",
               100.0 * st.pe_utilization(a.rows, a.cols), st.macs, a.rows, a.cols, total);
    fmt::print(out, "first psum       col0 {}   col{} {}   (cycles after PE(0,0) first executes)\n",
               lat(st.first_psum_col0), a.cols - 1, lat(st.first_psum_last_col));
    fmt::print(out, "wall time        {:.3f} s\n", wall_seconds);
}

}  // namespace satlm
