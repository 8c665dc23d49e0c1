#include "vectors/vector_writer.h"

#include "tlm/bits.h"
#include "tlm/report.h"
#include "tlm/safe_file.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>

namespace satlm {

namespace {

void append_bits(std::string& line, std::uint64_t field, unsigned width) {
    for (unsigned b = width; b-- > 0;) line.push_back(((field >> b) & 1U) ? '1' : '0');
}

// One header line naming the fields of a data line from the most significant one:
// "#time0row7[msb-lsb],time0row6[msb-lst],....,time0row0[msb-lst]#" (the notebook's text,
// including its "lst" spelling). `labels` lists the field indices, most significant first.
std::string label_line(const std::string& prefix, const std::vector<unsigned>& labels) {
    std::string s = "#" + prefix + std::to_string(labels.front()) + "[msb-lsb]";
    if (labels.size() >= 3)
        s += "," + prefix + std::to_string(labels[1]) + "[msb-lst],....";
    if (labels.size() >= 2) s += "," + prefix + std::to_string(labels.back()) + "[msb-lst]";
    return s + "#\n";
}

std::vector<unsigned> descending(unsigned top, unsigned step = 1) {
    std::vector<unsigned> v;
    for (unsigned i = top;; i -= step) {
        v.push_back(i);
        if (i < step) break;
    }
    return v;
}

const char* const dots_line = "#................#\n";

// Through a temporary file renamed into place: a failed write never leaves a cut file behind.
void write_text(const std::string& path, const std::string& text) {
    write_file_atomically(path, text, "");
}

std::string expand(std::string s, unsigned i, unsigned o, unsigned k) {
    const std::pair<const char*, unsigned> subs[] = {{"{i}", i}, {"{o}", o}, {"{k}", k}};
    for (const auto& [ph, v] : subs)
        for (auto pos = s.find(ph); pos != std::string::npos; pos = s.find(ph))
            s.replace(pos, 3, std::to_string(v));
    return s;
}

// kij x N + (orow x stride + ki) x padded_width + (ocol x stride + kj), ki = kij / kernel_w,
// kj = kij % kernel_w: the pmem word of psum(kij, input pixel).
std::uint64_t acc_word(const layer_keys& L, unsigned onij, unsigned kij) {
    const unsigned orow = onij / L.out_width(), ocol = onij % L.out_width();
    const unsigned ki = kij / L.kernel_w, kj = kij % L.kernel_w;
    return std::uint64_t{kij} * L.positions() + std::uint64_t{orow * L.stride + ki} * L.padded_width +
           (ocol * L.stride + kj);
}

std::string psum_lines_header(unsigned channels) {
    return label_line("time0col", descending(channels - 1)) +
           label_line("time1col", descending(channels - 1)) + dots_line;
}

}  // namespace

unsigned acc_address_width(const layer_keys& shape) {
    const std::uint64_t last = std::uint64_t{shape.kernel_positions()} * shape.positions() - 1;
    return std::max(11U, bits_for(last));
}

void write_output_file(const std::string& path, const layer_output& output, unsigned psum_bits) {
    write_text(path, output_file_text(output, psum_bits));
}

std::string output_file_text(const layer_output& output, unsigned psum_bits) {
    std::string text = psum_lines_header(output.out_channels);
    text.reserve(text.size() + std::size_t{output.out_positions} * (output.out_channels * psum_bits + 1));
    for (unsigned onij = 0; onij < output.out_positions; ++onij) {
        for (unsigned oc = output.out_channels; oc-- > 0;)
            append_bits(text, to_field(output.at(onij, oc), psum_bits), psum_bits);
        text.push_back('\n');
    }
    return text;
}

void write_activation_file(const std::string& path, const layer_data& layer, unsigned itile,
                           unsigned tile_in) {
    const layer_keys& L = layer.shape;
    std::string text = label_line("time0row", descending(tile_in - 1)) +
                       label_line("time1row", descending(tile_in - 1)) + dots_line;
    for (unsigned nij = 0; nij < L.positions(); ++nij) {
        for (unsigned j = tile_in; j-- > 0;) {
            const unsigned ic = itile * tile_in + j;
            append_bits(text, ic < L.in_channels ? layer.act_at(ic, nij) : 0U, L.act_bits);
        }
        text.push_back('\n');
    }
    write_text(path, text);
}

void write_weight_file(const std::string& path, const layer_data& layer, unsigned itile,
                       unsigned otile, unsigned kij, unsigned tile_in, unsigned tile_out) {
    const layer_keys& L = layer.shape;
    const bool two_bit = L.act_bits == 2;
    // Reads the tensor, never modifies it (the notebook's writer wrapped its weights in place).
    auto field = [&](unsigned c, unsigned j) -> std::uint64_t {
        const unsigned oc = otile * tile_out + c;
        const unsigned ic = itile * tile_in + j;
        if (oc >= L.out_channels || ic >= L.in_channels) return 0;
        return to_field(layer.weight_at(oc, ic, kij), L.weight_bits);
    };
    std::string text;
    if (two_bit) {
        text = label_line("col0row", descending(tile_in - 2, 2)) +
               label_line("col0row", descending(tile_in - 1, 2)) + dots_line;
    } else {
        text = label_line("col0row", descending(tile_in - 1)) +
               label_line("col1row", descending(tile_in - 1)) + dots_line;
    }
    for (unsigned c = 0; c < tile_out; ++c) {
        if (two_bit) {
            for (unsigned parity = 0; parity < 2; ++parity) {  // even-channel line first
                for (unsigned j = tile_in - 2 + parity;; j -= 2) {
                    append_bits(text, field(c, j), L.weight_bits);
                    if (j < 2) break;
                }
                text.push_back('\n');
            }
        } else {
            for (unsigned j = tile_in; j-- > 0;) append_bits(text, field(c, j), L.weight_bits);
            text.push_back('\n');
        }
    }
    write_text(path, text);
}

void write_psum_file(const std::string& path, const std::vector<std::int64_t>& psums,
                     unsigned positions, unsigned tile_out, unsigned psum_bits) {
    if (psums.size() != std::size_t{positions} * tile_out)
        throw std::invalid_argument(fmt::format("write_psum_file: {} psums for {} x {}",
                                                psums.size(), positions, tile_out));
    std::string text = psum_lines_header(tile_out);
    for (unsigned nij = 0; nij < positions; ++nij) {
        for (unsigned c = tile_out; c-- > 0;)
            append_bits(text, to_field(psums[std::size_t{nij} * tile_out + c], psum_bits), psum_bits);
        text.push_back('\n');
    }
    write_text(path, text);
}

void write_acc_file(const std::string& path, const layer_keys& shape) {
    const unsigned width = acc_address_width(shape);
    std::string text = "#onij0kij0[msb-lsb]#\n#onij0kij1[msb-lsb]#\n";
    text += dots_line;
    for (unsigned onij = 0; onij < shape.out_positions(); ++onij)
        for (unsigned kij = 0; kij < shape.kernel_positions(); ++kij) {
            append_bits(text, acc_word(shape, onij, kij), width);
            text.push_back('\n');
        }
    write_text(path, text);
}

void write_manifest(const std::string& path, const layer_keys& shape, unsigned tile_in,
                    unsigned tile_out, bool with_psum, bool with_acc, bool output_relu) {
    std::string t;
    t += "# Canonical vector set written by satlm gen (docs/vector-format.md).\n";
    t += "dir = \".\"\n\n[layer]\n";
    t += fmt::format("in_channels = {}\nout_channels = {}\n", shape.in_channels, shape.out_channels);
    t += fmt::format("padded_height = {}\npadded_width = {}\n", shape.padded_height, shape.padded_width);
    if (shape.square_kernel()) t += fmt::format("kernel = {}\n", shape.kernel_h);
    else t += fmt::format("kernel_h = {}\nkernel_w = {}\n", shape.kernel_h, shape.kernel_w);
    if (shape.stride != 1) t += fmt::format("stride = {}\n", shape.stride);
    t += fmt::format("act_bits = {}\nweight_bits = {}\npsum_bits = {}\n", shape.act_bits,
                     shape.weight_bits, shape.psum_bits);
    t += fmt::format("\n[tiles]\nin_channels = {}\nout_channels = {}\n", tile_in, tile_out);
    t += "\n[files]\n";
    t += fmt::format("activation = \"{}\"\n", canonical_names::activation);
    t += fmt::format("weight = \"{}\"\n", canonical_names::weight);
    t += fmt::format("output = \"{}\"\n", canonical_names::output);
    t += fmt::format("psum = \"{}\"\n", with_psum ? canonical_names::psum : "");
    t += fmt::format("acc = \"{}\"\n", with_acc ? canonical_names::acc : "");
    t += "\n[format]\nheader_lines = 3\nlane_order = \"high_first\"\n";
    t += "output_lane_order = \"high_first\"\nweight_2bit_lines = \"even_first\"\n";
    t += fmt::format("output_relu = {}\n", output_relu);
    write_text(path, t);
}

void write_vector_set(const std::string& dir, const layer_data& layer, const tile_keys& tiles,
                      const layer_output& output, const psum_source& psums) {
    const layer_keys& L = layer.shape;
    const unsigned tile_in = tiles.in_channels ? tiles.in_channels : 32 / L.act_bits;
    const unsigned tile_out = tiles.out_channels;
    if (tile_in == 0 || tile_out == 0)
        throw input_error("tiles: expected at least one channel per tile");
    if (L.act_bits == 2 && tile_in % 2 != 0)
        throw input_error(fmt::format(
            "tiles.in_channels: 2-bit mode packs channels in pairs: expected an even count, got {}",
            tile_in));
    if (output.out_channels != L.out_channels || output.out_positions != L.out_positions())
        throw std::invalid_argument("write_vector_set: output does not match the layer shape");

    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) throw input_error(fmt::format("{}: cannot create the folder: {}", dir, ec.message()));
    const std::filesystem::path base(dir);
    auto at = [&base](const std::string& name) { return (base / name).string(); };

    const unsigned in_tiles = static_cast<unsigned>(ceil_div(L.in_channels, tile_in));
    const unsigned out_tiles = static_cast<unsigned>(ceil_div(L.out_channels, tile_out));
    for (unsigned i = 0; i < in_tiles; ++i) {
        write_activation_file(at(expand(canonical_names::activation, i, 0, 0)), layer, i, tile_in);
        for (unsigned o = 0; o < out_tiles; ++o)
            for (unsigned k = 0; k < L.kernel_positions(); ++k) {
                write_weight_file(at(expand(canonical_names::weight, i, o, k)), layer, i, o, k,
                                  tile_in, tile_out);
                if (psums)
                    write_psum_file(at(expand(canonical_names::psum, i, o, k)),
                                    psums(i * tile_in, tile_in, o * tile_out, tile_out, k),
                                    L.positions(), tile_out, L.psum_bits);
            }
    }
    write_acc_file(at(canonical_names::acc), L);
    write_output_file(at(canonical_names::output), output, L.psum_bits);
    write_manifest(at(canonical_names::manifest), L, tile_in, tile_out, bool(psums), true,
                   output.relu);
}

}  // namespace satlm
