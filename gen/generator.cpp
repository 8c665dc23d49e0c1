#include "gen/generator.h"

#include "testbench/golden.h"
#include "tlm/bits.h"
#include "tlm/budget.h"
#include "vectors/npy.h"
#include "tlm/report.h"
#include "tlm/set_pairs.h"
#include "vectors/layout_writer.h"
#include "vectors/set_folder.h"
#include "vectors/vector_set.h"
#include "vectors/vector_writer.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <string_view>
#include <tuple>
#include <vector>

namespace satlm {

namespace {

[[noreturn]] void bad_option(const char* option, const std::string& what) {
    throw input_error(fmt::format("{}: {}", option, what));
}

/// Portable draws on top of std::mt19937_64 (whose output sequence the standard fixes);
/// the std:: distributions are implementation-defined, so they are not used.
class portable_rng {
public:
    explicit portable_rng(std::uint64_t seed) : m_engine(seed) {}
    /// Uniform in [0, n), by rejection (no modulo bias).
    std::uint64_t below(std::uint64_t n) {
        const std::uint64_t limit = std::numeric_limits<std::uint64_t>::max() -
                                    std::numeric_limits<std::uint64_t>::max() % n;
        std::uint64_t x;
        do x = m_engine(); while (x >= limit);
        return x % n;
    }
    /// Index i with probability weights[i] / sum(weights).
    std::size_t pick(const std::vector<std::uint64_t>& weights) {
        std::uint64_t total = 0;
        for (auto w : weights) total += w;
        std::uint64_t r = below(total);
        for (std::size_t i = 0; i < weights.size(); ++i) {
            if (r < weights[i]) return i;
            r -= weights[i];
        }
        return weights.size() - 1;
    }

private:
    std::mt19937_64 m_engine;
};

/// Checks an option value is a finite number > 0 (the message is the one line CLI11 prints).
std::function<std::string(const std::string&)> positive_number_check() {
    return [](const std::string& v) -> std::string {
        double d = 0;
        std::size_t used = 0;
        try {
            d = std::stod(v, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (used == v.size() && used > 0 && std::isfinite(d) && d > 0) return {};
        return fmt::format("expected a positive number, got {}", v);
    };
}

}  // namespace

std::optional<std::uint64_t> parse_seed(std::string_view text) {
    if (text.empty() || text.size() > 20) return std::nullopt;
    std::uint64_t v = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        const auto d = static_cast<std::uint64_t>(c - '0');
        if (v > (std::numeric_limits<std::uint64_t>::max() - d) / 10) return std::nullopt;
        v = v * 10 + d;
    }
    return v;
}

namespace {

void validate_common(const gen_options& o) {
    if (o.out_dir.empty()) bad_option("--out", "expected the output folder");
    if (o.act_bits != 2 && o.act_bits != 4)
        bad_option("--act-bits", fmt::format("expected 4 or 2, got {}", o.act_bits));
    if (o.weight_bits < 2 || o.weight_bits > 4)
        bad_option("--weight-bits", fmt::format("expected 2, 3 or 4 (one 4-bit lane), got {}", o.weight_bits));
    const unsigned tin = o.tile_in ? o.tile_in : 32 / o.act_bits;
    if (o.act_bits == 2 && tin % 2 != 0)
        bad_option("--tile-in", fmt::format("2-bit mode packs channels in pairs: expected an even count, got {}", tin));
    if (tin > 1024) bad_option("--tile-in", fmt::format("expected at most 1024 channels, got {}", tin));
    if (o.tile_out == 0 || o.tile_out > 1024)
        bad_option("--tile-out", fmt::format("expected 1..1024 channels, got {}", o.tile_out));
    if (o.act_npy.empty() != o.weight_npy.empty())
        bad_option("--from-npy", "expected two files: ACT.npy WEIGHT.npy");
    if (o.act_npy.empty() && (o.act_alpha != 0 || o.weight_alpha != 0))
        bad_option(o.act_alpha != 0 ? "--act-alpha" : "--weight-alpha",
                   "applies only to float tensors given with --from-npy");
    if (!(o.act_alpha >= 0) || !std::isfinite(o.act_alpha))
        bad_option("--act-alpha", fmt::format("expected a positive number, got {}", o.act_alpha));
    if (!(o.weight_alpha >= 0) || !std::isfinite(o.weight_alpha))
        bad_option("--weight-alpha", fmt::format("expected a positive number, got {}", o.weight_alpha));
}

void validate_shape(const gen_options& o) {
    auto positive = [](const char* opt, unsigned v, unsigned hi) {
        if (v == 0 || v > hi) bad_option(opt, fmt::format("expected 1..{}, got {}", hi, v));
    };
    positive("--in-ch", o.in_channels, 4096);
    positive("--out-ch", o.out_channels, 4096);
    positive("--height", o.height, 4096);
    positive("--width", o.width, 4096);
    positive("--kernel", o.kernel, 4096);
    if (o.kernel_h > 4096 || (o.given.count("kernel-h") && o.kernel_h == 0))
        bad_option("--kernel-h", fmt::format("expected 1..4096, got {}", o.kernel_h));
    if (o.kernel_w > 4096 || (o.given.count("kernel-w") && o.kernel_w == 0))
        bad_option("--kernel-w", fmt::format("expected 1..4096, got {}", o.kernel_w));
    positive("--stride", o.stride, 4096);
    if (o.pad > 64) bad_option("--pad", fmt::format("expected 0..64, got {}", o.pad));
    if (o.height + 2 * o.pad < o.filter_h() || o.width + 2 * o.pad < o.filter_w())
        bad_option(o.kernel_h || o.kernel_w ? (o.height + 2 * o.pad < o.filter_h() ? "--kernel-h" : "--kernel-w")
                                            : "--kernel",
                   fmt::format("a {}x{} kernel does not fit the padded {}x{} map", o.filter_h(), o.filter_w(),
                               o.height + 2 * o.pad, o.width + 2 * o.pad));
    const std::uint64_t act_values = std::uint64_t{o.in_channels} * (o.height + 2 * o.pad) * (o.width + 2 * o.pad);
    const std::uint64_t weights = std::uint64_t{o.in_channels} * o.out_channels * o.filter_h() * o.filter_w();
    if (act_values > (std::uint64_t{1} << 28) || weights > (std::uint64_t{1} << 28))
        bad_option("--in-ch", "the layer is too large to generate (more than 2^28 values)");
}

layer_keys shape_of(const gen_options& o) {
    layer_keys L;
    L.in_channels = o.in_channels;
    L.out_channels = o.out_channels;
    L.padded_height = o.height + 2 * o.pad;
    L.padded_width = o.width + 2 * o.pad;
    L.kernel_h = o.filter_h();
    L.kernel_w = o.filter_w();
    L.stride = o.stride;
    L.act_bits = o.act_bits;
    L.weight_bits = o.weight_bits;
    L.psum_bits = 16;
    return L;
}

// ReLU-like activations: each channel has its own share of zeros (30..80 %), and the nonzero
// values fall off geometrically (most are small, the top code is rare but present).
void random_activations(layer_data& layer, const gen_options& o, portable_rng& rng) {
    const unsigned top = (1U << o.act_bits) - 1;
    std::vector<std::uint64_t> weights;
    std::uint64_t w = 1000;
    for (unsigned v = 1; v <= top; ++v, w = w * 4 / 5) weights.push_back(std::max<std::uint64_t>(w, 40));
    const unsigned pw = layer.shape.padded_width;
    for (unsigned ic = 0; ic < o.in_channels; ++ic) {
        const std::uint64_t zero_pct = 30 + rng.below(51);
        for (unsigned r = 0; r < o.height; ++r)
            for (unsigned c = 0; c < o.width; ++c) {
                const bool zero = rng.below(100) < zero_pct;
                const unsigned v = zero ? 0U : static_cast<unsigned>(1 + rng.pick(weights));
                layer.act_at(ic, (r + o.pad) * pw + (c + o.pad)) = static_cast<std::uint8_t>(v);
            }
    }
}

// Weights over the whole signed range (including the most negative code): a triangular bulk
// around zero plus a uniform fifth, like trained weights clipped at their alpha.
void random_weights(layer_data& layer, const gen_options& o, portable_rng& rng) {
    const int lo = -(1 << (o.weight_bits - 1));
    const int hi = (1 << (o.weight_bits - 1)) - 1;
    std::vector<std::uint64_t> tri;
    for (int v = lo; v <= hi; ++v) tri.push_back(static_cast<std::uint64_t>(std::max(1, hi + 2 - std::abs(v))));
    const unsigned k2 = o.filter_h() * o.filter_w();
    for (unsigned oc = 0; oc < o.out_channels; ++oc)
        for (unsigned ic = 0; ic < o.in_channels; ++ic)
            for (unsigned kij = 0; kij < k2; ++kij) {
                const std::size_t i = rng.below(5) == 0 ? rng.below(tri.size()) : rng.pick(tri);
                layer.weight_at(oc, ic, kij) = static_cast<std::int8_t>(lo + static_cast<int>(i));
            }
}

std::string index_text(const std::vector<std::size_t>& shape, std::size_t flat) {
    std::vector<std::size_t> idx(shape.size());
    for (std::size_t d = shape.size(); d-- > 0;) {
        idx[d] = flat % shape[d];
        flat /= shape[d];
    }
    std::string s = "[";
    for (std::size_t d = 0; d < idx.size(); ++d) s += (d ? ", " : "") + std::to_string(idx[d]);
    return s + "]";
}

// Integer values of a tensor, quantized with alpha when it holds floats.
std::vector<std::int64_t> integer_values(const npy_array& a, double alpha, const char* alpha_opt,
                                         bool is_act, unsigned bits) {
    if (a.is_integer()) {
        if (alpha != 0)
            throw input_error(fmt::format("{}: {} applies to float tensors, this one is {}", a.name,
                                          alpha_opt, a.dtype_name()));
        return a.ints;
    }
    if (alpha == 0)
        throw input_error(fmt::format("{}: a {} tensor needs {} to quantize it (or give integers)",
                                      a.name, a.dtype_name(), alpha_opt));
    std::vector<std::int64_t> out(a.reals.size());
    for (std::size_t i = 0; i < a.reals.size(); ++i) {
        if (!std::isfinite(a.reals[i]))
            throw input_error(fmt::format("{}: element {} is {}: expected finite values", a.name,
                                          index_text(a.shape, i), a.reals[i]));
        out[i] = is_act ? quantize_activation(a.reals[i], alpha, bits)
                        : quantize_weight(a.reals[i], alpha, bits);
    }
    return out;
}

void check_range(const npy_array& a, const std::vector<std::int64_t>& v, std::int64_t lo,
                 std::int64_t hi, const std::string& what) {
    for (std::size_t i = 0; i < v.size(); ++i)
        if (v[i] < lo || v[i] > hi)
            throw input_error(fmt::format("{}: element {} = {} is out of range: expected {} {}..{}",
                                          a.name, index_text(a.shape, i), v[i], what, lo, hi));
}

void check_given(const gen_options& o, const char* key, unsigned value, unsigned from_file,
                 const std::string& file, const char* what) {
    if (o.given.count(key) && value != from_file)
        throw input_error(fmt::format("--{} {} contradicts {}, which has {} {}", key,
                                      value, file, from_file, what));
}

layer_data layer_from_npy(gen_options o) {
    const npy_array act = read_npy(o.act_npy);
    const npy_array wgt = read_npy(o.weight_npy);
    if (act.shape.size() != 3)
        throw input_error(fmt::format("{}: expected an activation tensor [C, H, W] (rank 3), got shape {}",
                                      act.name, act.shape_text()));
    if (wgt.shape.size() != 4)
        throw input_error(fmt::format("{}: expected a weight tensor [K, C, kh, kw] (rank 4), got shape {}",
                                      wgt.name, wgt.shape_text()));
    if (act.size() == 0) throw input_error(fmt::format("{}: the tensor is empty (shape {})", act.name, act.shape_text()));
    if (wgt.size() == 0) throw input_error(fmt::format("{}: the tensor is empty (shape {})", wgt.name, wgt.shape_text()));
    if (wgt.shape[1] != act.shape[0])
        throw input_error(fmt::format("{}: expected {} input channels (dimension 1) to match {}, got shape {}",
                                      wgt.name, act.shape[0], act.name, wgt.shape_text()));
    if (wgt.shape[2] > 4096 || wgt.shape[3] > 4096)
        throw input_error(fmt::format("{}: expected a kernel of at most 4096 x 4096, got shape {}",
                                      wgt.name, wgt.shape_text()));
    auto dim = [](std::size_t d) { return static_cast<unsigned>(std::min<std::size_t>(d, 1U << 30)); };
    check_given(o, "in-ch", o.in_channels, dim(act.shape[0]), act.name, "channels");
    check_given(o, "height", o.height, dim(act.shape[1]), act.name, "rows");
    check_given(o, "width", o.width, dim(act.shape[2]), act.name, "columns");
    check_given(o, "out-ch", o.out_channels, dim(wgt.shape[0]), wgt.name, "output channels");
    check_given(o, "kernel-h", o.filter_h(), dim(wgt.shape[2]), wgt.name, "kernel rows");
    check_given(o, "kernel-w", o.filter_w(), dim(wgt.shape[3]), wgt.name, "kernel columns");
    if (!o.given.count("kernel-h")) check_given(o, "kernel", o.kernel, dim(wgt.shape[2]), wgt.name, "kernel rows");
    if (!o.given.count("kernel-w")) check_given(o, "kernel", o.kernel, dim(wgt.shape[3]), wgt.name, "kernel columns");
    o.in_channels = dim(act.shape[0]);
    o.height = dim(act.shape[1]);
    o.width = dim(act.shape[2]);
    o.out_channels = dim(wgt.shape[0]);
    o.kernel = dim(wgt.shape[2]);
    o.kernel_h = dim(wgt.shape[2]);
    o.kernel_w = dim(wgt.shape[3]);
    validate_shape(o);

    const auto av = integer_values(act, o.act_alpha, "--act-alpha", true, o.act_bits);
    const auto wv = integer_values(wgt, o.weight_alpha, "--weight-alpha", false, o.weight_bits);
    check_range(act, av, 0, (1 << o.act_bits) - 1, fmt::format("{}-bit unsigned activations", o.act_bits));
    check_range(wgt, wv, -(1 << (o.weight_bits - 1)), (1 << (o.weight_bits - 1)) - 1,
                fmt::format("{}-bit signed weights", o.weight_bits));

    layer_data layer(shape_of(o));
    const unsigned pw = layer.shape.padded_width;
    for (unsigned ic = 0; ic < o.in_channels; ++ic)
        for (unsigned r = 0; r < o.height; ++r)
            for (unsigned c = 0; c < o.width; ++c)
                layer.act_at(ic, (r + o.pad) * pw + (c + o.pad)) =
                    static_cast<std::uint8_t>(av[(std::size_t{ic} * o.height + r) * o.width + c]);
    const unsigned k2 = o.filter_h() * o.filter_w();
    for (unsigned oc = 0; oc < o.out_channels; ++oc)
        for (unsigned ic = 0; ic < o.in_channels; ++ic)
            for (unsigned kij = 0; kij < k2; ++kij)  // [K][C][ki][kj] flattens to kij = ki*kw+kj
                layer.weight_at(oc, ic, kij) =
                    static_cast<std::int8_t>(wv[(std::size_t{oc} * o.in_channels + ic) * k2 + kij]);
    return layer;
}

}  // namespace

std::int64_t quantize_activation(double x, double alpha, unsigned bits) {
    const double c = std::min(std::max(x, 0.0), alpha);
    // nearbyint rounds half to even in the default rounding mode.
    return static_cast<std::int64_t>(std::nearbyint(c / alpha * double((1U << bits) - 1)));
}

std::int64_t quantize_weight(double w, double alpha, unsigned bits) {
    const double c = std::min(std::max(w, -alpha), alpha);
    return static_cast<std::int64_t>(std::nearbyint(c / alpha * double((1U << (bits - 1)) - 1)));
}

layer_data make_generated_layer(const gen_options& o) {
    validate_common(o);
    if (!o.act_npy.empty()) return layer_from_npy(o);
    validate_shape(o);
    layer_data layer(shape_of(o));
    portable_rng rng(o.seed);
    random_activations(layer, o, rng);
    random_weights(layer, o, rng);
    return layer;
}

namespace {

/// The limits.* keys given with --set (the only keys `satlm gen` takes).
limits_keys gen_limits(const gen_options& o) {
    accel_config cfg;
    for (const auto& s : o.sets) {
        const auto eq = s.find('=');
        if (eq == std::string::npos || eq == 0)
            bad_option("--set", fmt::format("`{}`: expected KEY=VALUE, e.g. --set limits.gen_files=1000000", s));
        const std::string key = s.substr(0, eq);
        // The other keys are the layout's (gen_sets).
        if (key.rfind("limits.", 0) == 0) cfg.set(key, s.substr(eq + 1), key_source::command_line);
    }
    return cfg.limits;
}

/// Memory of generating: the tensors, the golden outputs, one psum block and the largest file.
void check_gen_memory(const layer_keys& L, unsigned tile_out, const set_size& size, const limits_keys& limits) {
    const double tensors = double(L.in_channels) * L.positions() +
                           double(L.out_channels) * L.in_channels * L.kernel_positions();
    const double outputs = double(L.out_positions()) * L.out_channels * 8 * 2;
    const double psums = double(L.positions()) * tile_out * 8 * 2;
    const double file = std::min(size.bytes, std::max(double(L.out_positions()) * (L.out_channels * 16.0 + 1),
                                                      double(L.positions()) * (tile_out * 16.0 + 1)));
    const double need = tensors + outputs + psums + file;
    if (need > double(limits.memory_mb) * 1024 * 1024)
        throw config_error(fmt::format("key `limits.memory_mb` = {}: generating this layer needs {} (--in-ch, "
                                       "--out-ch, --height x --width, --kernel); raise limits.memory_mb",
                                       limits.memory_mb, format_bytes(need)));
}

/// Splits the --set pairs: manifest keys and pmem.psum_base (the one architecture key that
/// changes the files); every problem, one line each.
std::vector<std::pair<std::string, std::string>> gen_sets(const std::vector<std::string>& sets) {
    return parse_set_pairs(sets, "files.output=out_tile{o}.txt", [](const std::string& key) {
        if (key.rfind("limits.", 0) == 0) return false;  // the budget's (gen_limits)
        const key_info* info = find_key(key);
        if (info && info->section == key_section::architecture && key != "pmem.psum_base")
            throw config_error(fmt::format("--set: key `{}` does not change the files gen writes "
                                           "(of the architecture keys only pmem.psum_base does)", key));
        return true;
    });
}

bool from_layout(const accel_config& layout, const char* key) {
    return layout.given_at_or_above(key, key_source::inferred);
}

}  // namespace

void apply_layout_shape(gen_options& o, const accel_config& layout) {
    const layer_keys& L = layout.layer;
    auto take = [&](const char* option, const char* key, unsigned& field, unsigned value) {
        if (!o.given.count(option) && from_layout(layout, key)) field = value;
    };
    take("in-ch", "layer.in_channels", o.in_channels, L.in_channels);
    take("out-ch", "layer.out_channels", o.out_channels, L.out_channels);
    if (!o.given.count("kernel") && !o.given.count("kernel-h") && !o.given.count("kernel-w") &&
        from_layout(layout, "layer.kernel_h")) {
        o.kernel_h = L.kernel_h;
        o.kernel_w = L.kernel_w;
    }
    if (!o.given.count("stride") && from_layout(layout, "layer.stride")) o.stride = L.stride;
    take("act-bits", "layer.act_bits", o.act_bits, L.act_bits);
    take("weight-bits", "layer.weight_bits", o.weight_bits, L.weight_bits);
    take("tile-in", "tiles.in_channels", o.tile_in, layout.tiles.in_channels);
    take("tile-out", "tiles.out_channels", o.tile_out, layout.tiles.out_channels);
    auto side = [&](const char* option, const char* key, unsigned& field, unsigned padded) {
        if (o.given.count(option) || !from_layout(layout, key)) return;
        if (padded < 2 * o.pad + 1)
            throw config_error(fmt::format("key `{}` = {}: leaves no input row or column inside a "
                                           "zero ring of --pad {}", key, padded, o.pad));
        field = padded - 2 * o.pad;
    };
    side("height", "layer.padded_height", o.height, L.padded_height);
    side("width", "layer.padded_width", o.width, L.padded_width);
}

namespace {

/// Number of positions where two value lists differ.
std::size_t count_differences(const std::vector<std::int64_t>& a, const std::vector<std::int64_t>& b) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) n += a[i] != b[i];
    return n + std::max(a.size(), b.size()) - std::min(a.size(), b.size());
}

psum_source golden_psum_source(const layer_data& layer) {
    return [&layer](unsigned ic0, unsigned nic, unsigned oc0, unsigned noc, unsigned kij) {
        return golden_psums(layer, ic0, nic, oc0, noc, kij);
    };
}

/// Writes the set safely (vectors/set_folder.h: staging folder, --force rules) and says what it
/// wrote.
gen_summary write_set(const std::string& out_dir, bool force, const accel_config& layout,
                      const layer_data& layer, const set_values& values, bool print = true) {
    check_layout(layout);  // a bad layout before the folder is touched
    gen_summary summary;
    const written_set w = write_set_folder(out_dir, force, [&](const std::string& staging) {
        summary.files = write_layout_set(staging, layout, layer, values);
    });
    if (!print) return summary;
    std::size_t psum_files = 0, weight_files = 0, act_files = 0;
    for (const auto& f : summary.files) {
        const auto name = std::filesystem::path(f).filename().string();
        psum_files += name.find("psum") != std::string::npos;
        weight_files += name.find("weight") != std::string::npos;
        act_files += name.find("activation") != std::string::npos;
    }
    fmt::print("wrote {} files, {} bytes into {}: {} activation, {} weight, {} psum, out.txt, "
               "acc_address.txt, vectorset.toml{}\n",
               w.files.size(), w.bytes, out_dir, act_files, weight_files, psum_files,
               w.removed ? fmt::format(" (replaced {} files of the previous set)", w.removed) : "");
    fmt::print("run it:  satlm run {}\n", out_dir);
    return summary;
}

/// The end of every generator run once the layer exists: its budget, the layout's layer and
/// tiles, golden outputs and psums, the folder written.
gen_summary write_layer_set(const gen_options& o, accel_config layout, const limits_keys& limits, layer_data layer,
                            bool print) {
    const unsigned tile_in = o.tile_in ? o.tile_in : 32 / o.act_bits;
    const set_size size = canonical_set_size(layer.shape, tile_in, o.tile_out, !layout.files.psum.empty());
    check_gen_budget(size, limits);
    check_gen_memory(layer.shape, o.tile_out, size, limits);
    layer.shape.psum_bits = layout.layer.psum_bits;
    layout.layer = layer.shape;
    layout.tiles.in_channels = tile_in;
    layout.tiles.out_channels = o.tile_out;
    set_values values{golden_output(layer, layout.format.output_relu), golden_psum_source(layer), {}};
    return write_set(o.out_dir, o.force, layout, layer, values, print);
}

}  // namespace

accel_config resolve_layout(const gen_options& o) {
    if (!o.like.empty() && !o.layout_file.empty())
        throw input_error("--like and --layout: expected one layout, got both");
    accel_config layout;
    if (!o.like.empty()) {
        layout = load_vector_set(o.like, accel_config{}, {}, true).config;
        layout.dir = ".";
    } else if (!o.layout_file.empty()) {
        if (std::filesystem::path(o.layout_file).extension() != ".toml")
            throw input_error(fmt::format("--layout {}: expected a manifest *.toml", o.layout_file));
        load_manifest_file(layout, o.layout_file);
    } else {
        // The canonical layout, with the psum and acc files the reader checks when named.
        layout.files.psum = canonical_names::psum;
        layout.files.acc = canonical_names::acc;
    }
    for (const auto& [key, value] : gen_sets(o.sets)) layout.set(key, value, key_source::command_line);
    return layout;
}

gen_summary run_generator(const gen_options& o) {
    const limits_keys limits = gen_limits(o);
    accel_config layout = resolve_layout(o);
    if (o.no_psums) layout.files.psum.clear();
    if (!o.from_set.empty()) {
        for (const char* opt : {"in-ch", "out-ch", "height", "width", "kernel", "kernel-h", "kernel-w", "stride", "pad",
                                "act-bits", "weight-bits", "seed"})
            if (o.given.count(opt))
                throw input_error(fmt::format("--{}: the tensors come from --from-set {}, expected no shape or seed option",
                                              opt, o.from_set));
        if (!o.act_npy.empty()) throw input_error("--from-npy and --from-set: expected one source of tensors");
        if (o.out_dir.empty()) bad_option("--out", "expected the output folder");
        if (o.given.count("tile-in")) layout.set("tiles.in_channels", std::to_string(o.tile_in), key_source::command_line, "--tile-in");
        if (o.given.count("tile-out")) layout.set("tiles.out_channels", std::to_string(o.tile_out), key_source::command_line, "--tile-out");
        return regenerate_set(o.from_set, layout, o.out_dir, o.force);
    }
    gen_options shaped = o;
    apply_layout_shape(shaped, layout);
    validate_common(shaped);
    const unsigned tile_in = shaped.tile_in ? shaped.tile_in : 32 / shaped.act_bits;
    // The size of the set from the options alone, before any tensor exists (a .npy layer is
    // sized once its files are read: they bound it themselves).
    auto check_budget = [&](const layer_keys& shape) {
        const set_size size = canonical_set_size(shape, tile_in, shaped.tile_out, !layout.files.psum.empty());
        check_gen_budget(size, limits);
        check_gen_memory(shape, shaped.tile_out, size, limits);
    };
    if (shaped.act_npy.empty()) {
        validate_shape(shaped);
        check_budget(shape_of(shaped));
    }
    return write_layer_set(shaped, layout, limits, make_generated_layer(shaped), true);
}

gen_summary write_generated_set(const gen_options& o, layer_data layer) {
    const limits_keys limits = gen_limits(o);
    accel_config layout = resolve_layout(o);
    if (o.no_psums) layout.files.psum.clear();
    validate_common(o);
    return write_layer_set(o, layout, limits, std::move(layer), false);
}

gen_summary regenerate_set(const std::string& from_set, accel_config layout, const std::string& out_dir,
                           bool force) {
    const vector_set vs = load_vector_set(from_set, accel_config{}, {}, true);
    const accel_config& src = vs.config;
    layout.layer = src.layer;
    // What the layout leaves open is the set's own (its tiling, psum base, acc addresses per line).
    for (const char* key : {"tiles.in_channels", "tiles.out_channels", "pmem.psum_base", "format.acc_per_line"})
        if (!layout.given_at_or_above(key, key_source::inferred)) layout.set(key, src.get(key), key_source::inferred, from_set);
    const layer_data& layer = vs.layer;
    gen_summary summary;
    auto note = [&](std::size_t differ, std::size_t total, const char* what, const std::string& where) {
        if (differ)
            summary.notes.push_back(fmt::format("{}: {} of {} {} differ from the golden model; written as read",
                                                where, differ, total, what));
    };

    const bool relu = layout.format.output_relu;
    layer_output golden = golden_output(layer, relu);
    layer_output out = golden;
    if (vs.expected.output && (vs.expected.output->relu == relu || relu)) {
        out = *vs.expected.output;
        if (!out.relu && relu)
            for (auto& v : out.values) v = satlm::relu(v);
        out.relu = relu;
        note(count_differences(out.values, golden.values), out.values.size(), "output values", vs.expected.output_desc);
    }

    psum_source psums = golden_psum_source(layer);
    const bool same_tiling = src.tile_in_channels() == layout.tile_in_channels() &&
                             src.tiles.out_channels == layout.tiles.out_channels;
    if (!vs.expected.psums.empty() && same_tiling) {
        std::map<std::tuple<unsigned, unsigned, unsigned>, const expected_data::psum_block*> blocks;
        std::size_t differ = 0, total = 0;
        for (const auto& b : vs.expected.psums) {
            blocks[{b.itile, b.otile, b.kij}] = &b;
            const unsigned to = layout.tiles.out_channels, ti = layout.tile_in_channels();
            differ += count_differences(b.values, golden_psums(layer, b.itile * ti, ti, b.otile * to, to, b.kij));
            total += b.values.size();
        }
        note(differ, total, "psums", from_set);
        psums = [blocks, &layer](unsigned ic0, unsigned nic, unsigned oc0, unsigned noc, unsigned kij) {
            const auto it = blocks.find({ic0 / nic, oc0 / noc, kij});
            return it != blocks.end() ? it->second->values : golden_psums(layer, ic0, nic, oc0, noc, kij);
        };
    }
    std::vector<std::uint32_t> acc;
    if (vs.expected.acc && layout.arch.pmem.psum_base == src.arch.pmem.psum_base) acc = *vs.expected.acc;

    set_values values{std::move(out), psums, std::move(acc)};
    const gen_summary written = write_set(out_dir, force, layout, layer, values);
    summary.files = written.files;
    return summary;
}

void add_gen_options(CLI::App& sub, gen_options& o) {
    auto shape = [&o](CLI::Option* opt, const char* key) {
        opt->each([&o, key](const std::string&) { o.given.insert(key); });
    };
    sub.add_option("--out", o.out_dir, "output folder of the vector set (new or empty, see --force)")->required();
    sub.add_flag("--force", o.force,
                 "write into a non-empty folder: replaces only the files its vectorset.toml lists");
    sub.add_flag("--no-psums", o.no_psums, "do not write the psum files");
    sub.add_option("--set", o.sets, "KEY=VALUE: a layout key, pmem.psum_base, or a budget key limits.gen_files, limits.gen_mb, limits.memory_mb")
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    shape(sub.add_option("--in-ch", o.in_channels, "input channels")->capture_default_str(), "in-ch");
    shape(sub.add_option("--out-ch", o.out_channels, "output channels")->capture_default_str(), "out-ch");
    shape(sub.add_option("--height", o.height, "input rows (unpadded)")->capture_default_str(), "height");
    shape(sub.add_option("--width", o.width, "input columns (unpadded)")->capture_default_str(), "width");
    shape(sub.add_option("--kernel", o.kernel, "kernel size k of a k x k filter")->capture_default_str(), "kernel");
    shape(sub.add_option("--kernel-h", o.kernel_h, "filter rows (default --kernel)"), "kernel-h");
    shape(sub.add_option("--kernel-w", o.kernel_w, "filter columns (default --kernel)"), "kernel-w");
    shape(sub.add_option("--stride", o.stride, "stride in both dimensions")->capture_default_str(), "stride");
    shape(sub.add_option("--pad", o.pad, "zero padding around the map")->capture_default_str(), "pad");
    shape(sub.add_option("--act-bits", o.act_bits, "activation bits: 4 or 2")->capture_default_str(), "act-bits");
    shape(sub.add_option("--weight-bits", o.weight_bits, "weight bits (two's complement)")->capture_default_str(), "weight-bits");
    shape(sub.add_option("--tile-in", o.tile_in, "channels per activation line (default 32 / act-bits)"), "tile-in");
    shape(sub.add_option("--tile-out", o.tile_out, "output channels per weight/psum file")->capture_default_str(), "tile-out");
    // CLI11 converts "-1" to 2^64-1 and saturates overflow: accept only plain digits that fit.
    shape(sub.add_option("--seed", o.seed, "seed of the random tensors (0..2^64-1)"), "seed");
    sub.get_option("--seed")
        ->capture_default_str()
        ->check(
            [](const std::string& v) -> std::string {
                if (parse_seed(v)) return {};
                return fmt::format("expected a whole number 0..{}, got {}",
                                   std::numeric_limits<std::uint64_t>::max(), v);
            },
            "UINT64");
    sub.add_option_function<std::vector<std::string>>(
           "--from-npy",
           [&o](const std::vector<std::string>& v) {
               o.act_npy = v.at(0);
               o.weight_npy = v.at(1);
           },
           "ACT.npy [C,H,W] and WEIGHT.npy [K,C,kh,kw] tensors instead of random ones")
        ->expected(2);
    // CLI::PositiveNumber's message prints the whole double range: say it in a few words.
    sub.add_option("--act-alpha", o.act_alpha, "clip value of float activations (quantizes them)")
        ->check(positive_number_check(), "POSITIVE");
    sub.add_option("--weight-alpha", o.weight_alpha, "clip value of float weights (quantizes them)")
        ->check(positive_number_check(), "POSITIVE");
    sub.add_option("--layout", o.layout_file, "manifest (*.toml) of the layout to write (files, headers, lane orders)");
    sub.add_option("--like", o.like, "write the layout of this set (folder or manifest), inferred as `satlm run` does");
    sub.add_option("--from-set", o.from_set, "take the tensors and expected values of this set (round trip)");
}

}  // namespace satlm
