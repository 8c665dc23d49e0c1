#include "tlm/config.h"

#include "tlm/report.h"
#include "tlm/safe_file.h"

#include <fmt/format.h>

#define TOML_EXCEPTIONS 1
#include <toml++/toml.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <functional>
#include <sstream>
#include <utility>

namespace satlm {

const char* to_string(key_source s) {
    switch (s) {
        case key_source::built_in: return "default";
        case key_source::inferred: return "inferred";
        case key_source::config_file: return "config";
        case key_source::manifest: return "manifest";
        case key_source::command_line: return "--set";
    }
    return "?";
}

const char* to_string(file_kind k) {
    switch (k) {
        case file_kind::activation: return "activation";
        case file_kind::weight: return "weight";
        case file_kind::output: return "output";
        case file_kind::psum: return "psum";
        case file_kind::acc: return "acc";
    }
    return "?";
}

namespace {

/// Accessors of one key: parse text into the config, print it back.
struct key_access {
    key_info info;
    std::function<void(accel_config&, std::string_view)> set;  // throws std::invalid_argument
    std::function<std::string(const accel_config&)> get;
};

unsigned parse_unsigned(std::string_view text, unsigned lo, unsigned hi) {
    unsigned v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec == std::errc::result_out_of_range)
        throw std::invalid_argument(fmt::format("expected {}..{}, got {}", lo, hi, text));
    if (ec != std::errc() || end != text.data() + text.size() || text.empty())
        throw std::invalid_argument(fmt::format("expected a whole number, got `{}`", text));
    if (v < lo || v > hi)
        throw std::invalid_argument(fmt::format("expected {}..{}, got {}", lo, hi, v));
    return v;
}

double parse_double(std::string_view text, double lo, double hi) {
    // Plain decimal only ("1", "0.5", "2e-1"): no spaces, hex floats, inf or nan.
    if (text.empty() || text.find_first_not_of("0123456789.eE+-") != std::string_view::npos)
        throw std::invalid_argument(fmt::format("expected a number, got `{}`", text));
    std::string s(text);
    std::size_t used = 0;
    double v = 0;
    try {
        v = std::stod(s, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used != s.size() || s.empty())
        throw std::invalid_argument(fmt::format("expected a number, got `{}`", text));
    if (!(v >= lo && v <= hi))
        throw std::invalid_argument(fmt::format("expected {}..{}, got {}", lo, hi, text));
    return v;
}

bool parse_bool(std::string_view text) {
    if (text == "true" || text == "1") return true;
    if (text == "false" || text == "0") return false;
    throw std::invalid_argument(fmt::format("expected true or false, got `{}`", text));
}

template <typename E>
E parse_enum(std::string_view text, std::initializer_list<std::pair<const char*, E>> names) {
    std::string allowed;
    for (const auto& [n, e] : names) {
        if (text == n) return e;
        allowed += allowed.empty() ? fmt::format("\"{}\"", n) : fmt::format(" or \"{}\"", n);
    }
    throw std::invalid_argument(fmt::format("expected {}, got `{}`", allowed, text));
}

template <typename E>
std::string enum_name(E v, std::initializer_list<std::pair<const char*, E>> names) {
    for (const auto& [n, e] : names)
        if (e == v) return n;
    return "?";
}

const std::initializer_list<std::pair<const char*, lane_order>> lane_names = {
    {"high_first", lane_order::high_first}, {"low_first", lane_order::low_first}};
const std::initializer_list<std::pair<const char*, weight_2bit_order>> w2_names = {
    {"even_first", weight_2bit_order::even_first}, {"odd_first", weight_2bit_order::odd_first}};
const std::initializer_list<std::pair<const char*, header_style>> header_style_names = {
    {"short", header_style::short_lines}, {"canonical", header_style::canonical}};
const std::initializer_list<std::pair<const char*, schedule_kind>> schedule_names = {
    {"reference", schedule_kind::reference}, {"overlapped", schedule_kind::overlapped},
    {"scalesim", schedule_kind::scalesim}};
const std::initializer_list<std::pair<const char*, dataflow_kind>> dataflow_names = {
    {"ws", dataflow_kind::ws}};
const std::initializer_list<std::pair<const char*, fidelity>> fidelity_names = {
    {"cycle", fidelity::cycle}, {"lt", fidelity::lt}};
const std::initializer_list<std::pair<const char*, top_kind>> top_names = {
    {"stepped", top_kind::stepped}, {"structural", top_kind::structural}};

constexpr unsigned big = 1u << 24;  // generous upper bound for sizes

/// Header text in its one-line form: lines separated by a newline or by the two characters
/// `\n` (as --set writes it); "auto" means unset. A blank line cannot be a header line (the
/// reader skips blank lines), nor can one hold only 0/1 (that is a data line).
std::optional<std::vector<std::string>> parse_header_text(std::string_view text) {
    if (text == "auto") return std::nullopt;
    std::vector<std::string> lines;
    if (text.empty()) return lines;
    std::string cur;
    for (std::size_t p = 0; p <= text.size(); ++p) {
        const bool escape = p + 1 < text.size() && text[p] == '\\' && text[p + 1] == 'n';
        if (p == text.size() || text[p] == '\n' || escape) {
            while (!cur.empty() && (cur.back() == ' ' || cur.back() == '\t' || cur.back() == '\r'))
                cur.pop_back();
            if (cur.empty())
                throw std::invalid_argument(fmt::format(
                    "header line {} is blank: expected text (blank lines are not header lines)",
                    lines.size() + 1));
            if (cur.find_first_not_of("01") == std::string::npos)
                throw std::invalid_argument(fmt::format(
                    "header line {} (`{}`) holds only 0 and 1: that is a data line", lines.size() + 1, cur));
            lines.push_back(cur);
            cur.clear();
            if (escape) ++p;
        } else {
            cur.push_back(text[p]);
        }
    }
    return lines;
}

std::string header_text_string(const std::optional<std::vector<std::string>>& lines) {
    if (!lines) return "auto";
    std::string s;
    for (const auto& l : *lines) s += (s.empty() ? "" : "\\n") + l;
    return s;
}

std::string format_double(double v) {
    std::string s = fmt::format("{}", v);
    if (s.find_first_of(".eE") == std::string::npos) s += ".0";
    return s;
}

/// Builds the accessor table; `M` is a member-pointer path written out in each lambda.
std::vector<key_access> make_keys() {
    std::vector<key_access> k;
    auto uint_key = [&k](std::string name, key_section sec, std::string doc, unsigned lo,
                         unsigned hi, auto field) {
        k.push_back({{name, sec, doc, value_kind::whole, fmt::format("{}..{}", lo, hi)},
                     [lo, hi, field](accel_config& c, std::string_view t) {
                         field(c) = parse_unsigned(t, lo, hi);
                     },
                     [field](const accel_config& c) {
                         return std::to_string(field(const_cast<accel_config&>(c)));
                     }});
    };
    auto str_key = [&k](std::string name, key_section sec, std::string doc, auto field) {
        k.push_back({{name, sec, doc, value_kind::text, "text"},
                     [field](accel_config& c, std::string_view t) { field(c) = std::string(t); },
                     [field](const accel_config& c) {
                         return field(const_cast<accel_config&>(c));
                     }});
    };
    auto enum_key = [&k](std::string name, key_section sec, std::string doc, auto names,
                         auto field) {
        std::string range;
        for (const auto& n : names) range += fmt::format("{}\"{}\"", range.empty() ? "" : " | ", n.first);
        k.push_back({{name, sec, doc, value_kind::choice, range},
                     [names, field](accel_config& c, std::string_view t) {
                         field(c) = parse_enum(t, names);
                     },
                     [names, field](const accel_config& c) {
                         return enum_name(field(const_cast<accel_config&>(c)), names);
                     }});
    };
    const auto M = key_section::manifest;
    const auto A = key_section::architecture;

    str_key("dir", M, "data folder, relative to the manifest", [](accel_config& c) -> std::string& { return c.dir; });
    uint_key("layer.in_channels", M, "input channels of the whole layer", 1, big, [](accel_config& c) -> unsigned& { return c.layer.in_channels; });
    uint_key("layer.out_channels", M, "output channels of the whole layer", 1, big, [](accel_config& c) -> unsigned& { return c.layer.out_channels; });
    uint_key("layer.padded_height", M, "padded input rows", 1, big, [](accel_config& c) -> unsigned& { return c.layer.padded_height; });
    uint_key("layer.padded_width", M, "padded input columns", 1, big, [](accel_config& c) -> unsigned& { return c.layer.padded_width; });
    // The square shorthand: sets both kernel_h and kernel_w; reads back "HxW" when they differ
    // (a value it also accepts, so every report's config can be fed back).
    k.push_back({{"layer.kernel", M, "k of a k x k filter (sets kernel_h and kernel_w; reads back \"HxW\" for a non-square one)",
                  value_kind::whole_or_text, fmt::format("1..{} or \"HxW\"", big)},
                 [](accel_config& c, std::string_view t) {
                     const auto x = t.find('x');
                     if (x == std::string_view::npos) {
                         c.layer.kernel_h = c.layer.kernel_w = parse_unsigned(t, 1, big);
                     } else {
                         const unsigned h = parse_unsigned(t.substr(0, x), 1, big);
                         c.layer.kernel_w = parse_unsigned(t.substr(x + 1), 1, big);
                         c.layer.kernel_h = h;
                     }
                 },
                 [](const accel_config& c) {
                     return c.layer.square_kernel() ? std::to_string(c.layer.kernel_h)
                                                    : fmt::format("{}x{}", c.layer.kernel_h, c.layer.kernel_w);
                 }});
    uint_key("layer.kernel_h", M, "filter rows", 1, big, [](accel_config& c) -> unsigned& { return c.layer.kernel_h; });
    uint_key("layer.kernel_w", M, "filter columns", 1, big, [](accel_config& c) -> unsigned& { return c.layer.kernel_w; });
    uint_key("layer.stride", M, "stride in both dimensions (output floor((padded - filter) / stride) + 1)", 1, big, [](accel_config& c) -> unsigned& { return c.layer.stride; });
    uint_key("layer.act_bits", M, "activation bits: 4, or 2 (two per 4-bit lane)", 2, 4, [](accel_config& c) -> unsigned& { return c.layer.act_bits; });
    uint_key("layer.weight_bits", M, "two's-complement weight bits", 2, 4, [](accel_config& c) -> unsigned& { return c.layer.weight_bits; });
    uint_key("layer.psum_bits", M, "psum and accumulator bits (wrap-around)", 8, 32, [](accel_config& c) -> unsigned& { return c.layer.psum_bits; });
    uint_key("tiles.in_channels", M, "channels per activation line (0: 32 / act_bits)", 0, big, [](accel_config& c) -> unsigned& { return c.tiles.in_channels; });
    uint_key("tiles.out_channels", M, "output channels per weight file and output file", 1, big, [](accel_config& c) -> unsigned& { return c.tiles.out_channels; });
    str_key("files.activation", M, "activation file pattern ({i})", [](accel_config& c) -> std::string& { return c.files.activation; });
    str_key("files.weight", M, "weight file pattern ({i} {o} {k})", [](accel_config& c) -> std::string& { return c.files.weight; });
    str_key("files.output", M, "expected output file pattern ({o})", [](accel_config& c) -> std::string& { return c.files.output; });
    str_key("files.psum", M, "expected psum file pattern ({i} {o} {k}); empty: none", [](accel_config& c) -> std::string& { return c.files.psum; });
    str_key("files.acc", M, "expected acc-address file; empty: none", [](accel_config& c) -> std::string& { return c.files.acc; });
    k.push_back({{"format.header_lines", M, "\"auto\" or the number of header lines per file", value_kind::auto_or_whole, "\"auto\" | 0..1000"},
                 [](accel_config& c, std::string_view t) {
                     c.format.header_lines = t == "auto" ? -1 : static_cast<int>(parse_unsigned(t, 0, 1000));
                 },
                 [](const accel_config& c) {
                     return c.format.header_lines < 0 ? std::string("auto") : std::to_string(c.format.header_lines);
                 }});
    enum_key("format.lane_order", M, "activation/weight field order", lane_names, [](accel_config& c) -> lane_order& { return c.format.lanes; });
    enum_key("format.output_lane_order", M, "out/psum field order", lane_names, [](accel_config& c) -> lane_order& { return c.format.output_lanes; });
    enum_key("format.weight_2bit_lines", M, "2-bit weights: which line of a column pair comes first", w2_names, [](accel_config& c) -> weight_2bit_order& { return c.format.weight_2bit_lines; });
    k.push_back({{"format.output_relu", M, "false: output files hold pre-ReLU sums", value_kind::boolean, "true | false"},
                 [](accel_config& c, std::string_view t) { c.format.output_relu = parse_bool(t); },
                 [](const accel_config& c) { return std::string(c.format.output_relu ? "true" : "false"); }});
    for (file_kind kind : all_file_kinds) {
        const auto i = static_cast<std::size_t>(kind);
        k.push_back({{fmt::format("format.header.{}", to_string(kind)), M,
                      fmt::format("header lines of the {} files (array of lines; [] none; \"auto\": header_lines)", to_string(kind)),
                      value_kind::lines, "[\"line\", ...] | \"auto\""},
                     [i](accel_config& c, std::string_view t) { c.format.header_text[i] = parse_header_text(t); },
                     [i](const accel_config& c) { return header_text_string(c.format.header_text[i]); }});
    }
    enum_key("format.header_style", M, "header lines gen writes without text: \"short\" or \"canonical\"", header_style_names, [](accel_config& c) -> header_style& { return c.format.headers; });
    k.push_back({{"format.acc_per_line", M, "acc addresses per line: 1 or k^2 (\"auto\": from the width)",
                  value_kind::auto_or_whole, "\"auto\" | 1..225"},
                 [](accel_config& c, std::string_view t) {
                     c.format.acc_per_line = t == "auto" ? 0 : parse_unsigned(t, 1, 225);
                 },
                 [](const accel_config& c) {
                     return c.format.acc_per_line == 0 ? std::string("auto") : std::to_string(c.format.acc_per_line);
                 }});

    uint_key("array.rows", A, "PE rows (1 input channel each, 2 in 2-bit mode)", 1, 1024, [](accel_config& c) -> unsigned& { return c.arch.rows; });
    uint_key("array.cols", A, "PE columns = output channels per pass", 1, 1024, [](accel_config& c) -> unsigned& { return c.arch.cols; });
    k.push_back({{"clock.period_ns", A, "clock period in ns", value_kind::number, "0.001..1e6"},
                 [](accel_config& c, std::string_view t) { c.arch.clock_period_ns = parse_double(t, 1e-3, 1e6); },
                 [](const accel_config& c) { return format_double(c.arch.clock_period_ns); }});
    uint_key("xmem.words", A, "activation + weight SRAM depth", 2, big, [](accel_config& c) -> unsigned& { return c.arch.xmem.words; });
    uint_key("xmem.width_bits", A, "xmem word width (0: 4 x array.rows)", 0, 65536, [](accel_config& c) -> unsigned& { return c.arch.xmem.width_bits; });
    uint_key("xmem.weight_base", A, "first weight word (0: words / 2)", 0, big, [](accel_config& c) -> unsigned& { return c.arch.xmem.weight_base; });
    uint_key("xmem.read_latency", A, "xmem read latency in cycles", 1, 64, [](accel_config& c) -> unsigned& { return c.arch.xmem.read_latency; });
    str_key("xmem.model", A, "memory model the structural top binds as xmem (\"sram\", \"banked\" or a registered name)", [](accel_config& c) -> std::string& { return c.arch.xmem.model; });
    uint_key("xmem.banks", A, "banks of the \"banked\" xmem model (a power of two; word a in bank a % banks)", 1, 1024, [](accel_config& c) -> unsigned& { return c.arch.xmem.banks; });
    uint_key("xmem.bank_cycles", A, "cycles a bank of the \"banked\" xmem model stays busy per access", 1, 64, [](accel_config& c) -> unsigned& { return c.arch.xmem.bank_cycles; });
    uint_key("pmem.words", A, "psum SRAM depth", 2, big, [](accel_config& c) -> unsigned& { return c.arch.pmem.words; });
    uint_key("pmem.width_bits", A, "pmem word width (0: psum_bits x array.cols)", 0, 65536, [](accel_config& c) -> unsigned& { return c.arch.pmem.width_bits; });
    uint_key("pmem.psum_base", A, "pmem word of the first psum (psum(kij, nij) at base + kij x N + nij)", 0, big, [](accel_config& c) -> unsigned& { return c.arch.pmem.psum_base; });
    uint_key("pmem.read_latency", A, "pmem read latency in cycles", 1, 64, [](accel_config& c) -> unsigned& { return c.arch.pmem.read_latency; });
    uint_key("pmem.banks", A, "pmem banks (a power of two; word a in bank a % banks)", 1, 1024, [](accel_config& c) -> unsigned& { return c.arch.pmem.banks; });
    uint_key("pmem.ports", A, "pmem accesses per bank and cycle", 1, 16, [](accel_config& c) -> unsigned& { return c.arch.pmem.ports; });
    str_key("pmem.model", A, "memory model the structural top binds as pmem (\"sram\", \"banked\" or a registered name)", [](accel_config& c) -> std::string& { return c.arch.pmem.model; });
    uint_key("pmem.bank_cycles", A, "cycles a bank of the \"banked\" pmem model stays busy per access", 1, 64, [](accel_config& c) -> unsigned& { return c.arch.pmem.bank_cycles; });
    uint_key("l0.depth", A, "entries per L0 row FIFO", 1, big, [](accel_config& c) -> unsigned& { return c.arch.l0_depth; });
    uint_key("ofifo.depth", A, "entries per OFIFO column FIFO", 1, big, [](accel_config& c) -> unsigned& { return c.arch.ofifo_depth; });
    uint_key("sfu.latency", A, "cycles of the SFU's ReLU/output step", 1, 64, [](accel_config& c) -> unsigned& { return c.arch.sfu_latency; });
    uint_key("offchip.bytes_per_cycle", A, "off-chip bandwidth that fills the SRAMs", 1, 65536, [](accel_config& c) -> unsigned& { return c.arch.offchip_bytes_per_cycle; });
    uint_key("offchip.latency", A, "cycles before the first word of each off-chip burst", 0, 1u << 20, [](accel_config& c) -> unsigned& { return c.arch.offchip_latency; });
    uint_key("offchip.burst_bytes", A, "bytes per off-chip burst (0: a whole transfer is one burst)", 0, 1u << 30, [](accel_config& c) -> unsigned& { return c.arch.offchip_burst_bytes; });
    enum_key("schedule.kind", A, "\"reference\" (measured testbench flow), \"overlapped\" or \"scalesim\" (SCALE-Sim v2 timing)", schedule_names, [](accel_config& c) -> schedule_kind& { return c.arch.schedule; });
    enum_key("dataflow.kind", A, "\"ws\" (weight-stationary)", dataflow_names, [](accel_config& c) -> dataflow_kind& { return c.arch.dataflow; });
    enum_key("model.fidelity", A, "\"cycle\" (clocked, sign-off) or \"lt\" (loosely timed)", fidelity_names, [](accel_config& c) -> fidelity& { return c.arch.model; });
    enum_key("model.top", A, "SystemC top of `satlm run` in the cycle fidelity: \"stepped\" or \"structural\" (one module per block)", top_names, [](accel_config& c) -> top_kind& { return c.arch.top; });
    uint_key("limits.memory_mb", A, "memory budget of a run in MiB (every configured capacity in full)", 1, 1u << 20, [](accel_config& c) -> unsigned& { return c.limits.memory_mb; });
    uint_key("limits.gen_files", A, "most files `satlm gen` may write", 1, 1u << 30, [](accel_config& c) -> unsigned& { return c.limits.gen_files; });
    uint_key("limits.gen_mb", A, "most MiB `satlm gen` may write", 1, 1u << 30, [](accel_config& c) -> unsigned& { return c.limits.gen_mb; });
    return k;
}

const std::vector<key_access>& registry() {
    static const std::vector<key_access> keys = make_keys();
    return keys;
}

const key_access* find_access(std::string_view name) {
    for (const auto& k : registry())
        if (k.info.name == name) return &k;
    return nullptr;
}

}  // namespace

const std::vector<key_info>& all_keys() {
    static const std::vector<key_info> infos = [] {
        std::vector<key_info> v;
        for (const auto& k : registry()) v.push_back(k.info);
        return v;
    }();
    return infos;
}

const key_info* find_key(std::string_view dotted_key) {
    const key_access* a = find_access(dotted_key);
    return a ? &a->info : nullptr;
}

namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diag = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diag = up;
        }
    }
    return row[b.size()];
}

std::string_view last_part(std::string_view key) {
    const auto dot = key.rfind('.');
    return dot == std::string_view::npos ? key : key.substr(dot + 1);
}

}  // namespace

std::vector<std::string> nearest_keys(std::string_view unknown) {
    std::vector<std::pair<std::size_t, std::string>> scored;
    const std::size_t allowed = std::max<std::size_t>(2, unknown.size() / 4);
    for (const auto& k : registry()) {
        std::size_t d = edit_distance(unknown, k.info.name);
        // The right name in the wrong section ("rows" or "pmem.rows" for array.rows).
        if (last_part(unknown) == last_part(k.info.name)) d = std::min<std::size_t>(d, 1);
        // A shortened name ("pmem.width" for pmem.width_bits).
        if (unknown.size() >= 4 && k.info.name.rfind(unknown, 0) == 0) d = std::min<std::size_t>(d, 2);
        if (d <= allowed) scored.emplace_back(d, k.info.name);
    }
    std::stable_sort(scored.begin(), scored.end(),
                     [](const auto& x, const auto& y) { return x.first < y.first; });
    std::vector<std::string> out;
    for (const auto& [d, name] : scored)
        if (out.size() < 3) out.push_back(name);
    return out;
}

std::string did_you_mean(std::string_view unknown) {
    const auto near = nearest_keys(unknown);
    if (near.empty()) return {};
    std::string s = " (did you mean ";
    for (std::size_t i = 0; i < near.size(); ++i)
        s += fmt::format("{}`{}`", i == 0 ? "" : i + 1 == near.size() ? " or " : ", ", near[i]);
    return s + "?)";
}

void accel_config::set(std::string_view dotted_key, std::string_view value, key_source src,
                       const std::string& origin) {
    const key_access* a = find_access(dotted_key);
    if (!a) throw config_error(fmt::format("{}: unknown key `{}`{}", origin, dotted_key, did_you_mean(dotted_key)));
    try {
        a->set(*this, value);
    } catch (const std::invalid_argument& e) {
        throw config_error(fmt::format("{}: key `{}`: {}", origin, dotted_key, e.what()));
    }
    sources[std::string(dotted_key)] = src;
    // The square shorthand and the two filter sides name the same values.
    if (dotted_key == "layer.kernel") sources["layer.kernel_h"] = sources["layer.kernel_w"] = src;
    if (dotted_key == "layer.kernel_h" || dotted_key == "layer.kernel_w") sources["layer.kernel"] = src;
}

std::string accel_config::get(std::string_view dotted_key) const {
    const key_access* a = find_access(dotted_key);
    if (!a) throw config_error(fmt::format("unknown key `{}`", dotted_key));
    return a->get(*this);
}

key_source accel_config::source_of(std::string_view key) const {
    auto it = sources.find(std::string(key));
    return it == sources.end() ? key_source::built_in : it->second;
}

bool accel_config::given_at_or_above(std::string_view key, key_source src) const {
    return static_cast<int>(source_of(key)) >= static_cast<int>(src);
}

std::vector<std::string> accel_config::problems() const {
    std::vector<std::string> p;
    auto bad = [&p](const char* key, const std::string& why) { p.push_back(fmt::format("key `{}`: {}", key, why)); };
    const auto& L = layer;
    if (L.act_bits != 4 && L.act_bits != 2) bad("layer.act_bits", fmt::format("expected 4 or 2, got {}", L.act_bits));
    if (L.padded_height < L.kernel_h)
        bad("layer.padded_height", fmt::format("expected at least the filter height layer.kernel_h = {}, got {}", L.kernel_h, L.padded_height));
    if (L.padded_width < L.kernel_w)
        bad("layer.padded_width", fmt::format("expected at least the filter width layer.kernel_w = {}, got {}", L.kernel_w, L.padded_width));
    const unsigned tin = tile_in_channels();
    if (L.act_bits == 2 && tin % 2 != 0)
        bad("tiles.in_channels", fmt::format("2-bit mode packs channels in pairs: expected an even count, got {}", tin));
    const auto& a = arch;
    if (a.xmem_width() < 4 * a.rows)
        bad("xmem.width_bits", fmt::format("an xmem word must hold one 4-bit lane per PE row: expected at least {} bits (4 x array.rows), got {}", 4 * a.rows, a.xmem_width()));
    if (a.pmem_width(L.psum_bits) < L.psum_bits * a.cols)
        bad("pmem.width_bits", fmt::format("a pmem word must hold one psum per column: expected at least {} bits (layer.psum_bits x array.cols), got {}", L.psum_bits * a.cols, a.pmem_width(L.psum_bits)));
    if (a.xmem.weight_base >= a.xmem.words)
        bad("xmem.weight_base", fmt::format("expected less than xmem.words ({}), got {}", a.xmem.words, a.xmem.weight_base));
    const unsigned weight_words = (L.act_bits == 2 ? 2 : 1) * a.cols + 1;
    if (a.xmem.weight_base < a.xmem.words && a.xmem.words - a.xmem_weight_base() < weight_words)
        bad("xmem.weight_base", fmt::format("the weight region must hold {} words ({} columns + 1), has {}", weight_words, weight_words - 1, a.xmem.words - a.xmem_weight_base()));
    const unsigned load_words = (L.act_bits == 2 ? 2 : 1) * a.cols;
    if (a.l0_depth < load_words)
        bad("l0.depth", fmt::format("an L0 row must hold one weight per column ({} in this mode), got {}", load_words, a.l0_depth));
    if (a.pmem.banks & (a.pmem.banks - 1))
        bad("pmem.banks", fmt::format("expected a power of two, got {}", a.pmem.banks));
    if (a.xmem.banks & (a.xmem.banks - 1))
        bad("xmem.banks", fmt::format("expected a power of two, got {}", a.xmem.banks));
    if (a.pmem.psum_base >= a.pmem.words)
        bad("pmem.psum_base", fmt::format("expected less than pmem.words ({}), got {}", a.pmem.words, a.pmem.psum_base));
    if (a.xmem.width_bits % 8 != 0)
        bad("xmem.width_bits", fmt::format("expected a multiple of 8, got {}", a.xmem.width_bits));
    if (a.pmem.width_bits % 8 != 0)
        bad("pmem.width_bits", fmt::format("expected a multiple of 8, got {}", a.pmem.width_bits));
    return p;
}

accel_config accel_config::resolved() const {
    accel_config r = *this;
    r.arch.xmem.width_bits = arch.xmem_width();
    r.arch.xmem.weight_base = arch.xmem_weight_base();
    r.arch.pmem.width_bits = arch.pmem_width(layer.psum_bits);
    r.tiles.in_channels = tile_in_channels();
    return r;
}

void accel_config::validate() const {
    const auto p = problems();
    if (p.empty()) return;
    std::string text;
    for (const auto& line : p) text += (text.empty() ? "" : "\n") + std::string("configuration: ") + line;
    throw config_error(text);
}

std::string accel_config::describe() const {
    std::string out;
    for (const auto& k : registry())
        out += fmt::format("{:<26} = {:<40} ({})\n", k.info.name, k.get(*this), to_string(source_of(k.info.name)));
    return out;
}

namespace {

const char* toml_type_name(const toml::node& n) {
    if (n.is_string()) return "a string";
    if (n.is_integer()) return "a whole number";
    if (n.is_floating_point()) return "a floating-point number";
    if (n.is_boolean()) return "a boolean";
    if (n.is_array()) return "an array";
    return "a date or time";
}

const char* expected_type(value_kind kind) {
    switch (kind) {
        case value_kind::whole: return "a whole number (no quotes, no decimal point)";
        case value_kind::number: return "a number (no quotes)";
        case value_kind::boolean: return "true or false (no quotes)";
        case value_kind::text: return "a quoted string";
        case value_kind::choice: return "a quoted string";
        case value_kind::auto_or_whole: return "\"auto\" or a whole number";
        case value_kind::whole_or_text: return "a whole number or a quoted \"HxW\"";
        case value_kind::lines: return "an array of quoted lines, a quoted string or \"auto\"";
    }
    return "?";
}

/// A TOML value of the key's own type only: "16" for a number or 16.0 for a whole number is a
/// mistake the user should hear about, not a value to convert.
void check_toml_type(const toml::node& n, value_kind kind, const std::string& where) {
    bool ok = false;
    switch (kind) {
        case value_kind::whole: ok = n.is_integer(); break;
        case value_kind::number: ok = n.is_integer() || n.is_floating_point(); break;
        case value_kind::boolean: ok = n.is_boolean(); break;
        case value_kind::text:
        case value_kind::choice: ok = n.is_string(); break;
        case value_kind::auto_or_whole:
            ok = n.is_integer() || (n.is_string() && n.as_string()->get() == "auto");
            break;
        case value_kind::whole_or_text:  // 3, or "3x5" for a non-square filter; not "3"
            ok = n.is_integer() || (n.is_string() && n.as_string()->get().find('x') != std::string::npos);
            break;
        case value_kind::lines: ok = n.is_string() || n.is_array(); break;
    }
    if (ok) return;
    std::string got = toml_type_name(n);
    if (auto v = n.as_string()) got += fmt::format(" \"{}\"", v->get());
    if (auto v = n.as_floating_point()) got += " " + format_double(v->get());
    throw config_error(fmt::format("{}: expected {}, got {}", where, expected_type(kind), got));
}

std::string toml_value_text(const toml::node& n, const std::string& where) {
    if (auto v = n.as_string()) return v->get();  // a header text string: newlines split its lines
    if (const auto* arr = n.as_array()) {           // header lines, one string each
        std::string text;
        for (const auto& e : *arr) {
            const auto* line = e.as_string();
            if (!line) throw config_error(fmt::format("{}: expected an array of strings (one per header line)", where));
            if (line->get().find_first_of("\r\n") != std::string::npos)
                throw config_error(fmt::format("{}: a header line holds a line break: give one string per line", where));
            text += (text.empty() ? "" : "\n") + line->get();
        }
        // An empty array is no header lines; one empty string would be a blank line.
        return arr->empty() ? std::string() : text.empty() ? std::string("\n") : text;
    }
    if (auto v = n.as_integer()) {
        if (v->get() < 0) throw config_error(fmt::format("{}: expected a non-negative value, got {}", where, v->get()));
        return std::to_string(v->get());
    }
    if (auto v = n.as_floating_point()) return format_double(v->get());  // "16.0": not a whole-number key
    if (auto v = n.as_boolean()) return v->get() ? "true" : "false";
    throw config_error(fmt::format("{}: expected a string, number or boolean", where));
}

constexpr std::uint64_t max_toml_bytes = std::uint64_t{1} << 20;  // a manifest is a few lines

std::string join_lines(const std::vector<std::string>& lines) {
    std::string text;
    for (const auto& l : lines) text += (text.empty() ? "" : "\n") + l;
    return text;
}

void load_toml(accel_config& cfg, const std::string& path, key_section allowed, key_source src) {
    toml::table root;
    std::string text;
    try {
        text = read_input_file(path, allowed == key_section::architecture ? "--config" : "", max_toml_bytes);
    } catch (const input_error& e) {
        throw config_error(e.what());
    }
    try {
        root = toml::parse(text, path);
    } catch (const toml::parse_error& e) {
        const auto& where = e.source().begin;
        throw config_error(fmt::format("{}:{}: TOML syntax error: {}", path, where.line, e.description()));
    }
    // Every problem of the file, one line each, before giving up.
    std::vector<std::string> problems;
    std::function<void(const toml::table&, const std::string&)> walk =
        [&](const toml::table& t, const std::string& prefix) {
            for (const auto& [key, node] : t) {
                const std::string name = prefix.empty() ? std::string(key.str()) : prefix + "." + std::string(key.str());
                const int line = static_cast<int>(node.source().begin.line);
                const std::string where = fmt::format("{}:{}: key `{}`", path, line, name);
                if (const auto* sub = node.as_table()) {
                    walk(*sub, name);
                    continue;
                }
                const key_info* info = find_key(name);
                if (!info) {
                    problems.push_back(fmt::format("{}: unknown key{}", where, did_you_mean(name)));
                } else if (info->section != allowed) {
                    problems.push_back(fmt::format("{}: {} key not allowed here (it belongs in {})", where,
                                                   info->section == key_section::manifest ? "a manifest" : "an architecture",
                                                   info->section == key_section::manifest ? "vectorset.toml" : "the --config file"));
                } else {
                    try {
                        check_toml_type(node, info->kind, where);
                        cfg.set(name, toml_value_text(node, where), src, fmt::format("{}:{}", path, line));
                    } catch (const config_error& e) {
                        problems.push_back(e.what());
                    }
                }
            }
        };
    walk(root, "");
    if (!problems.empty()) throw config_error(join_lines(problems));
}

}  // namespace

void load_architecture_file(accel_config& cfg, const std::string& path) {
    load_toml(cfg, path, key_section::architecture, key_source::config_file);
}

void load_manifest_file(accel_config& cfg, const std::string& path) {
    load_toml(cfg, path, key_section::manifest, key_source::manifest);
}

}  // namespace satlm
