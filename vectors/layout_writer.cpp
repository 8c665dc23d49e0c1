#include "vectors/layout_writer.h"

#include "tlm/bits.h"
#include "tlm/report.h"
#include "vectors/file_pattern.h"
#include "vectors/vector_set.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>

namespace satlm {

namespace fs = std::filesystem;

namespace {

/// The first candidate that fits the short-header rule (callers end with one that always does).
std::string fit(std::initializer_list<std::string> candidates) {
    for (const auto& c : candidates)
        if (c.size() <= max_short_header_chars) return c;
    return "#";
}

/// "a..b" (high_first) or "b..a" (low_first) over prefix+number.
std::string range(const char* prefix, std::uint64_t hi, std::uint64_t lo, bool high_first) {
    return high_first ? fmt::format("{}{}..{}{}", prefix, hi, prefix, lo)
                      : fmt::format("{}{}..{}{}", prefix, lo, prefix, hi);
}

unsigned tile_in(const accel_config& c) { return c.tile_in_channels(); }
unsigned tile_out(const accel_config& c) { return c.tiles.out_channels; }
unsigned in_tiles(const accel_config& c) {
    return static_cast<unsigned>(ceil_div(c.layer.in_channels, tile_in(c)));
}
unsigned out_tiles(const accel_config& c) {
    return static_cast<unsigned>(ceil_div(c.layer.out_channels, tile_out(c)));
}

/// Output channels of an output or psum file: its tile's, or all of them (o = -1).
std::pair<unsigned, unsigned> out_range(const accel_config& c, int o) {
    if (o < 0) return {0, c.layer.out_channels};
    return {static_cast<unsigned>(o) * tile_out(c), tile_out(c)};
}

std::string label_line(const std::string& prefix, const std::vector<unsigned>& labels) {
    std::string s = "#" + prefix + std::to_string(labels.front()) + "[msb-lsb]";
    if (labels.size() >= 3) s += "," + prefix + std::to_string(labels[1]) + "[msb-lst],....";
    if (labels.size() >= 2) s += "," + prefix + std::to_string(labels.back()) + "[msb-lst]";
    return s + "#";
}

/// Field labels most significant first: top, top-step, ..., down to `low`.
std::vector<unsigned> fields(unsigned top, unsigned low, unsigned step, bool high_first) {
    std::vector<unsigned> v;
    for (unsigned i = top;; i -= step) {
        v.push_back(i);
        if (i < low + step) break;
    }
    if (!high_first) std::reverse(v.begin(), v.end());
    return v;
}

const char* const dots_line = "#................#";

void write_text(const fs::path& path, const std::string& text) {
    std::error_code ec;
    if (path.has_parent_path()) fs::create_directories(path.parent_path(), ec);
    if (ec)
        throw input_error(fmt::format("{}: cannot create the folder: {}", path.parent_path().string(),
                                      ec.message()));
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    if (!f) throw input_error(fmt::format("{}: cannot open for writing", path.string()));
    f.write(text.data(), static_cast<std::streamsize>(text.size()));
    f.close();
    if (!f) throw input_error(fmt::format("{}: write failed", path.string()));
}

void append_bits(std::string& line, std::uint64_t field, unsigned width) {
    for (unsigned b = width; b-- > 0;) line.push_back(((field >> b) & 1U) ? '1' : '0');
}

/// Writes the files of one layout; each kind's writer appends its file names to `written`.
class layout_writer {
public:
    layout_writer(const fs::path& dir, const accel_config& c, const layer_data& layer)
        : m_dir(dir), m_cfg(c), m_layer(layer), m_L(c.layer) {}

    void activations();
    void weights();
    void outputs(const layer_output& out);
    void psums(const psum_source& src);
    void acc(const std::vector<std::uint32_t>& given);
    std::vector<std::string> written;

private:
    void emit(const std::string& name, const file_slot& slot, const std::string& data) {
        std::string text;
        for (const auto& h : header_lines_for(m_cfg, slot)) text += h + "\n";
        write_text(m_dir / name, text + data);
        written.push_back(name);
    }
    std::string weight_block(unsigned i, unsigned o, unsigned k) const;
    std::string psum_block(const psum_source& src, unsigned i, unsigned o, unsigned k) const;

    fs::path m_dir;
    const accel_config& m_cfg;
    const layer_data& m_layer;
    const layer_keys& m_L;
};

void layout_writer::activations() {
    const file_pattern p("files.activation", m_cfg.files.activation, "i");
    const unsigned ti = tile_in(m_cfg);
    const bool high = m_cfg.format.lanes == lane_order::high_first;
    for (unsigned i = 0; i < in_tiles(m_cfg); ++i) {
        std::string data;
        data.reserve(std::size_t{m_L.positions()} * (ti * m_L.act_bits + 1));
        for (unsigned nij = 0; nij < m_L.positions(); ++nij) {
            for (unsigned j = 0; j < ti; ++j) {
                const unsigned ic = i * ti + (high ? ti - 1 - j : j);
                append_bits(data, ic < m_L.in_channels ? m_layer.act_at(ic, nij) : 0U, m_L.act_bits);
            }
            data.push_back('\n');
        }
        emit(p.expand(i, 0, 0), {file_kind::activation, i, 0, 0}, data);
    }
}

std::string layout_writer::weight_block(unsigned i, unsigned o, unsigned k) const {
    const unsigned ti = tile_in(m_cfg), to = tile_out(m_cfg);
    const unsigned cpl = m_L.channels_per_lane(), lanes = ti / cpl;
    const bool high = m_cfg.format.lanes == lane_order::high_first;
    const bool odd_first = m_cfg.format.weight_2bit_lines == weight_2bit_order::odd_first;
    std::string data;
    for (unsigned c = 0; c < to; ++c) {
        const unsigned oc = o * to + c;
        for (unsigned part = 0; part < cpl; ++part) {
            // 2-bit: one line of the even channels and one of the odd, in the layout's order.
            const unsigned parity = cpl == 2 ? (part == 0) == odd_first : 0;
            for (unsigned j = 0; j < lanes; ++j) {
                const unsigned lane = high ? lanes - 1 - j : j;
                const unsigned ic = i * ti + lane * cpl + parity;
                const bool real = oc < m_L.out_channels && ic < m_L.in_channels;
                append_bits(data, real ? to_field(m_layer.weight_at(oc, ic, k), m_L.weight_bits) : 0U,
                            m_L.weight_bits);
            }
            data.push_back('\n');
        }
    }
    return data;
}

void layout_writer::weights() {
    const file_pattern p("files.weight", m_cfg.files.weight, "iok");
    for (unsigned i = 0; i < in_tiles(m_cfg); ++i)
        for (unsigned o = 0; o < out_tiles(m_cfg); ++o) {
            if (p.has_k()) {
                for (unsigned k = 0; k < m_L.kernel_positions(); ++k)
                    emit(p.expand(i, o, k), {file_kind::weight, i, static_cast<int>(o), static_cast<int>(k)},
                         weight_block(i, o, k));
            } else {
                std::string data;
                for (unsigned k = 0; k < m_L.kernel_positions(); ++k) data += weight_block(i, o, k);
                emit(p.expand(i, o, 0), {file_kind::weight, i, static_cast<int>(o), -1}, data);
            }
        }
}

void layout_writer::outputs(const layer_output& out) {
    const file_pattern p("files.output", m_cfg.files.output, "o");
    const bool high = m_cfg.format.output_lanes == lane_order::high_first;
    const unsigned files = p.has_o() ? out_tiles(m_cfg) : 1;
    for (unsigned o = 0; o < files; ++o) {
        const int slot_o = p.has_o() ? static_cast<int>(o) : -1;
        const auto [first, count] = out_range(m_cfg, slot_o);
        std::string data;
        for (unsigned onij = 0; onij < m_L.out_positions(); ++onij) {
            for (unsigned j = 0; j < count; ++j) {
                const unsigned oc = first + (high ? count - 1 - j : j);
                append_bits(data, oc < m_L.out_channels ? to_field(out.at(onij, oc), m_L.psum_bits) : 0U,
                            m_L.psum_bits);
            }
            data.push_back('\n');
        }
        emit(p.expand(0, o, 0), {file_kind::output, 0, slot_o, 0}, data);
    }
}

std::string layout_writer::psum_block(const psum_source& src, unsigned i, unsigned o, unsigned k) const {
    const unsigned ti = tile_in(m_cfg), to = tile_out(m_cfg);
    const bool high = m_cfg.format.output_lanes == lane_order::high_first;
    const auto v = src(i * ti, ti, o * to, to, k);
    if (v.size() != std::size_t{m_L.positions()} * to)
        throw std::invalid_argument(fmt::format("psum source: {} psums for {} positions x {} channels",
                                                v.size(), m_L.positions(), to));
    std::string data;
    for (unsigned nij = 0; nij < m_L.positions(); ++nij) {
        for (unsigned j = 0; j < to; ++j) {
            const unsigned c = high ? to - 1 - j : j;
            append_bits(data, to_field(v[std::size_t{nij} * to + c], m_L.psum_bits), m_L.psum_bits);
        }
        data.push_back('\n');
    }
    return data;
}

void layout_writer::psums(const psum_source& src) {
    const file_pattern p("files.psum", m_cfg.files.psum, "iok");
    for (unsigned i = 0; i < in_tiles(m_cfg); ++i)
        for (unsigned o = 0; o < out_tiles(m_cfg); ++o) {
            if (p.has_k()) {
                for (unsigned k = 0; k < m_L.kernel_positions(); ++k)
                    emit(p.expand(i, o, k), {file_kind::psum, i, static_cast<int>(o), static_cast<int>(k)},
                         psum_block(src, i, o, k));
            } else {
                std::string data;
                for (unsigned k = 0; k < m_L.kernel_positions(); ++k) data += psum_block(src, i, o, k);
                emit(p.expand(i, o, 0), {file_kind::psum, i, static_cast<int>(o), -1}, data);
            }
        }
}

void layout_writer::acc(const std::vector<std::uint32_t>& given) {
    const unsigned base = m_cfg.arch.pmem.psum_base;
    const unsigned aw = acc_address_bits(m_L, base);
    const unsigned k2 = m_L.kernel_positions();
    const std::size_t total = std::size_t{m_L.out_positions()} * k2;
    std::vector<std::uint32_t> addr = given;
    if (addr.empty()) {
        for (unsigned onij = 0; onij < m_L.out_positions(); ++onij)
            for (unsigned kij = 0; kij < k2; ++kij) {
                const unsigned orow = onij / m_L.out_width(), ocol = onij % m_L.out_width();
                const unsigned ki = kij / m_L.kernel_w, kj = kij % m_L.kernel_w;
                addr.push_back(static_cast<std::uint32_t>(
                    base + std::uint64_t{kij} * m_L.positions() +
                    std::uint64_t{orow * m_L.stride + ki} * m_L.padded_width + (ocol * m_L.stride + kj)));
            }
    }
    if (addr.size() != total)
        throw std::invalid_argument(fmt::format("acc: {} addresses for {} output positions x {} kernel positions",
                                                addr.size(), m_L.out_positions(), k2));
    const unsigned per_line = m_cfg.format.acc_per_line ? m_cfg.format.acc_per_line : 1;
    std::string data;
    for (std::size_t n = 0; n < total; ++n) {
        if (aw < 32 && (addr[n] >> aw) != 0)
            throw config_error(fmt::format("acc address {} does not fit {} bits (the address rule "
                                           "for pmem.psum_base = {})", addr[n], aw, base));
        append_bits(data, addr[n], aw);
        if ((n + 1) % per_line == 0) data.push_back('\n');
    }
    emit(m_cfg.files.acc, {file_kind::acc, 0, 0, 0}, data);
}

/// TOML basic string.
std::string toml_quote(const std::string& s) {
    std::string q = "\"";
    for (char ch : s) {
        if (ch == '"' || ch == '\\') q += '\\', q += ch;
        else if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) q += fmt::format("\\u{:04x}", static_cast<unsigned>(static_cast<unsigned char>(ch)));
        else q += ch;
    }
    return q + "\"";
}

void check_pattern_stays_inside(const std::string& key, const std::string& pattern) {
    const fs::path p(pattern);
    bool up = false;
    for (const auto& part : p) up = up || part == "..";
    if (p.is_absolute() || p.has_root_name() || up)
        throw config_error(fmt::format("key `{}`: \"{}\" leaves the output folder: expected a "
                                       "relative name without `..`", key, pattern));
}

}  // namespace

std::vector<std::string> short_header(const accel_config& c, const file_slot& s) {
    const layer_keys& L = c.layer;
    const bool high = c.format.lanes == lane_order::high_first;
    const bool out_high = c.format.output_lanes == lane_order::high_first;
    const unsigned ti = tile_in(c), k2 = L.kernel_positions();
    const std::string ks = s.k >= 0 ? fmt::format("_k{}", s.k) : std::string();
    switch (s.kind) {
        case file_kind::activation:
            return {fit({fmt::format("#activation_tile{}", s.i), "#activation"}),
                    fit({fmt::format("#{},{}b", range("ch", s.i * ti + ti - 1, s.i * ti, high), L.act_bits),
                         fmt::format("#{}", range("ch", ti - 1, 0, high)), "#channels"}),
                    fit({fmt::format("#lines:nij0..nij{}", L.positions() - 1), "#lines:nij"})};
        case file_kind::weight: {
            std::string line2;
            if (L.act_bits == 2) {
                const bool odd_first = c.format.weight_2bit_lines == weight_2bit_order::odd_first;
                const std::string even = range("ic", ti - 2, 0, high), odd = range("ic", ti - 1, 1, high);
                line2 = fit({fmt::format("#{}/{},{}b", odd_first ? odd : even, odd_first ? even : odd, L.weight_bits),
                             fmt::format("#{}/{}", odd_first ? odd : even, odd_first ? even : odd), "#ic_even/ic_odd"});
            } else {
                line2 = fit({fmt::format("#{},{}b", range("ic", ti - 1, 0, high), L.weight_bits), "#ic"});
            }
            const std::string cols = L.act_bits == 2
                ? (c.format.weight_2bit_lines == weight_2bit_order::odd_first ? "col0odd,col0even,.." : "col0even,col0odd,..")
                : fmt::format("col0..col{}", tile_out(c) - 1);
            return {fit({fmt::format("#weight_i{}_o{}{}", s.i, s.o, ks), "#weight"}), line2,
                    s.k >= 0 ? fit({"#lines:" + cols, "#lines:col"})
                             : fit({fmt::format("#lines:kij0..kij{},{}", k2 - 1, cols), fmt::format("#lines:kij0..kij{}", k2 - 1), "#lines:kij"})};
        }
        case file_kind::output:
        case file_kind::psum: {
            const auto [first, count] = out_range(c, s.kind == file_kind::output ? s.o : s.o);
            const std::string l2 = fit({fmt::format("#{},{}b", range("oc", first + count - 1, first, out_high), L.psum_bits),
                                        fmt::format("#{}", range("oc", first + count - 1, first, out_high)), "#oc"});
            if (s.kind == file_kind::output) {
                const std::string name = s.o >= 0 ? fmt::format("#output_tile{}", s.o) : std::string("#output");
                return {fit({name + (c.format.output_relu ? "" : "_pre_relu"), name, "#output"}), l2,
                        fit({fmt::format("#lines:onij0..onij{}", L.out_positions() - 1), "#lines:onij"})};
            }
            return {fit({fmt::format("#psum_i{}_o{}{}", s.i, s.o, ks), "#psum"}), l2,
                    s.k >= 0 ? fit({fmt::format("#lines:nij0..nij{}", L.positions() - 1), "#lines:nij"})
                             : fit({fmt::format("#lines:kij0..kij{},nij0..", k2 - 1), "#lines:kij,nij"})};
        }
        case file_kind::acc: {
            const unsigned base = c.arch.pmem.psum_base;
            const unsigned aw = acc_address_bits(L, base);
            const std::string rule = base ? fmt::format("{}+kij*{}+nij", base, L.positions())
                                          : fmt::format("kij*{}+nij", L.positions());
            const bool all_k = c.format.acc_per_line > 1;
            return {fit({base ? fmt::format("#acc_address_base{}", base) : "#acc_address", "#acc_address"}),
                    fit({fmt::format("#{},{}b", rule, aw), fmt::format("#{}b", aw)}),
                    all_k ? fit({fmt::format("#line:onij,kij0..kij{}", k2 - 1), "#line:onij"})
                          : fit({"#lines:onij0kij0,onij0kij1..", "#lines:onij,kij"})};
        }
    }
    return {"#", "#", "#"};
}

std::vector<std::string> canonical_header(const accel_config& c, const file_slot& s) {
    const layer_keys& L = c.layer;
    const bool high = c.format.lanes == lane_order::high_first;
    const bool out_high = c.format.output_lanes == lane_order::high_first;
    const unsigned ti = tile_in(c);
    switch (s.kind) {
        case file_kind::activation:
            return {label_line("time0row", fields(ti - 1, 0, 1, high)),
                    label_line("time1row", fields(ti - 1, 0, 1, high)), dots_line};
        case file_kind::weight:
            if (L.act_bits == 2) {
                const bool odd_first = c.format.weight_2bit_lines == weight_2bit_order::odd_first;
                const std::string even = label_line("col0row", fields(ti - 2, 0, 2, high));
                const std::string odd = label_line("col0row", fields(ti - 1, 1, 2, high));
                return {odd_first ? odd : even, odd_first ? even : odd, dots_line};
            }
            return {label_line("col0row", fields(ti - 1, 0, 1, high)),
                    label_line("col1row", fields(ti - 1, 0, 1, high)), dots_line};
        case file_kind::output:
        case file_kind::psum: {
            const unsigned count = out_range(c, s.o).second;
            return {label_line("time0col", fields(count - 1, 0, 1, out_high)),
                    label_line("time1col", fields(count - 1, 0, 1, out_high)), dots_line};
        }
        case file_kind::acc:
            return {"#onij0kij0[msb-lsb]#", "#onij0kij1[msb-lsb]#", dots_line};
    }
    return {dots_line, dots_line, dots_line};
}

std::vector<std::string> header_lines_for(const accel_config& c, const file_slot& s) {
    if (const auto& text = c.format.header_of(s.kind)) return *text;
    const std::size_t count = c.format.header_lines < 0 ? 3 : static_cast<std::size_t>(c.format.header_lines);
    std::vector<std::string> lines =
        c.format.headers == header_style::canonical ? canonical_header(c, s) : short_header(c, s);
    lines.resize(count, "#");
    return lines;
}

void check_layout(const accel_config& c) {
    const layer_keys& L = c.layer;
    c.validate();
    struct kind_pattern {
        const char* key;
        const std::string& text;
        const char* allowed;
        bool written;
    };
    const std::vector<kind_pattern> kinds = {
        {"files.activation", c.files.activation, "i", true},
        {"files.weight", c.files.weight, "iok", true},
        {"files.output", c.files.output, "o", true},
        {"files.psum", c.files.psum, "iok", !c.files.psum.empty()},
        {"files.acc", c.files.acc, "", !c.files.acc.empty()},
    };
    std::map<std::string, const char*> first_names;  // file of tile 0 / kij 0 -> key
    for (const auto& k : kinds) {
        if (!k.written) continue;
        const file_pattern p(k.key, k.text, k.allowed);
        check_pattern_stays_inside(k.key, k.text);
        auto need = [&](char which, unsigned tiles) {
            const bool has = which == 'i' ? p.has_i() : p.has_o();
            if (tiles > 1 && !has)
                throw config_error(fmt::format("key `{}`: \"{}\" has no {{{}}} but the layer has {} {} tiles",
                                               k.key, k.text, which, tiles, which == 'i' ? "input" : "output"));
        };
        const std::string key = k.key;
        if (key != "files.acc" && key != "files.output") need('i', in_tiles(c));
        if (key == "files.weight" || key == "files.psum") need('o', out_tiles(c));
        const std::string name = fs::path(p.expand(0, 0, 0)).lexically_normal().string();
        const auto [it, fresh] = first_names.emplace(name, k.key);
        if (!fresh)
            throw config_error(fmt::format("keys `{}` and `{}` both name the file \"{}\"", it->second, k.key, name));
        if (name == canonical_names::manifest)
            throw config_error(fmt::format("key `{}`: \"{}\" is the manifest's own name", k.key, name));
    }
    const unsigned per_line = c.format.acc_per_line;
    if (per_line > 1 && per_line != L.kernel_positions())
        throw config_error(fmt::format("key `format.acc_per_line`: expected 1 or {} (the kernel positions of a {}x{} filter), got {}",
                                       L.kernel_positions(), L.kernel_h, L.kernel_w, per_line));
}

std::vector<std::string> write_layout_set(const std::string& dir, const accel_config& layout,
                                          const layer_data& layer, const set_values& values) {
    const layer_keys& L = layout.layer;
    const layer_keys& S = layer.shape;
    if (L.in_channels != S.in_channels || L.out_channels != S.out_channels ||
        L.positions() != S.positions() || L.kernel_h != S.kernel_h || L.kernel_w != S.kernel_w ||
        L.stride != S.stride || L.act_bits != S.act_bits ||
        L.weight_bits != S.weight_bits)
        throw std::invalid_argument("write_layout_set: layout.layer differs from the layer's shape");
    if (values.output.relu != layout.format.output_relu || values.output.out_channels != L.out_channels ||
        values.output.out_positions != L.out_positions())
        throw std::invalid_argument("write_layout_set: the output values do not match the layout");
    check_layout(layout);
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw input_error(fmt::format("{}: cannot create the folder: {}", dir, ec.message()));
    layout_writer w(dir, layout, layer);
    w.activations();
    w.weights();
    if (!layout.files.psum.empty() && values.psums) w.psums(values.psums);
    if (!layout.files.acc.empty()) w.acc(values.acc);
    w.outputs(values.output);
    accel_config described = layout;
    if (!values.psums) described.files.psum.clear();
    write_text(fs::path(dir) / canonical_names::manifest, layout_manifest_text(described));
    return w.written;
}

std::string layout_manifest_text(const accel_config& c) {
    const layer_keys& L = c.layer;
    const accel_config canonical;
    const bool is_canonical = c.files.activation == canonical_names::activation &&
                              c.files.weight == canonical_names::weight &&
                              c.files.output == canonical_names::output &&
                              (c.files.psum.empty() || c.files.psum == canonical_names::psum) &&
                              (c.files.acc.empty() || c.files.acc == canonical_names::acc) &&
                              c.format.lanes == canonical.format.lanes &&
                              c.format.output_lanes == canonical.format.output_lanes &&
                              c.format.weight_2bit_lines == canonical.format.weight_2bit_lines;
    std::string t = is_canonical ? "# Canonical vector set written by satlm gen (docs/vector-format.md).\n"
                                 : "# Vector set written by satlm gen (docs/vector-format.md).\n";
    t += "dir = \".\"\n\n[layer]\n";
    t += fmt::format("in_channels = {}\nout_channels = {}\n", L.in_channels, L.out_channels);
    t += fmt::format("padded_height = {}\npadded_width = {}\n", L.padded_height, L.padded_width);
    if (L.square_kernel()) t += fmt::format("kernel = {}\n", L.kernel_h);
    else t += fmt::format("kernel_h = {}\nkernel_w = {}\n", L.kernel_h, L.kernel_w);
    if (L.stride != 1) t += fmt::format("stride = {}\n", L.stride);
    t += fmt::format("act_bits = {}\nweight_bits = {}\npsum_bits = {}\n", L.act_bits, L.weight_bits, L.psum_bits);
    t += fmt::format("\n[tiles]\nin_channels = {}\nout_channels = {}\n", tile_in(c), tile_out(c));
    t += "\n[files]\n";
    t += fmt::format("activation = {}\n", toml_quote(c.files.activation));
    t += fmt::format("weight = {}\n", toml_quote(c.files.weight));
    t += fmt::format("output = {}\n", toml_quote(c.files.output));
    t += fmt::format("psum = {}\n", toml_quote(c.files.psum));
    t += fmt::format("acc = {}\n", toml_quote(c.files.acc));
    // The files carry exactly the header lines written, so the reader skips exactly those.
    const int lines = c.format.header_lines < 0 ? 3 : c.format.header_lines;
    t += fmt::format("\n[format]\nheader_lines = {}\n", lines);
    t += fmt::format("lane_order = \"{}\"\n", c.get("format.lane_order"));
    t += fmt::format("output_lane_order = \"{}\"\n", c.get("format.output_lane_order"));
    t += fmt::format("weight_2bit_lines = \"{}\"\n", c.get("format.weight_2bit_lines"));
    t += fmt::format("output_relu = {}\n", c.format.output_relu);
    if (c.format.acc_per_line > 1 && !c.files.acc.empty())
        t += fmt::format("acc_per_line = {}\n", c.format.acc_per_line);
    std::string own;
    for (file_kind kind : all_file_kinds) {
        const auto& text = c.format.header_of(kind);
        if (!text) continue;
        std::string items;
        for (const auto& l : *text) items += (items.empty() ? "" : ", ") + toml_quote(l);
        own += fmt::format("{} = [{}]\n", to_string(kind), items);
    }
    if (!own.empty()) t += "\n[format.header]\n" + own;
    return t;
}

}  // namespace satlm
