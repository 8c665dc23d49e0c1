#include "testbench/checker.h"

#include "dataflow/ws/pass_compute.h"
#include "dataflow/run_result.h"
#include "tlm/bits.h"
#include "dataflow/ws/tiling.h"
#include "vectors/vector_set.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace satlm {

namespace {
constexpr std::size_t max_warnings = 10;

/// When every value matches with the channels of each output line mirrored, the file most likely
/// lists channel 0 first (as two of the real sets do): say which key to set.
std::string lane_order_hint(const vector_set& vs, const layer_output& got, const layer_output& expected) {
    const unsigned channels = got.out_channels;
    const unsigned group = vs.config.files.output.find("{o}") != std::string::npos
                               ? vs.config.tiles.out_channels
                               : channels;
    for (unsigned o = 0; o < got.out_positions; ++o)
        for (unsigned c = 0; c < channels; ++c) {
            const unsigned base = c / group * group;
            const unsigned mirror = base + (std::min(group, channels - base) - 1 - (c - base));
            std::int64_t want = expected.at(o, mirror);
            if (!expected.relu && got.relu) want = relu(want);
            if (got.at(o, c) != want) return {};
        }
    const bool low = vs.config.format.output_lanes == lane_order::low_first;
    return fmt::format("every output matches with format.output_lane_order = \"{}\" (channel order "
                       "of the output lines)", low ? "high_first" : "low_first");
}

/// Compares every output value; `pre_relu`: the file holds pre-ReLU sums (compared with the SFU's
/// sums when the model kept them, else after ReLU).
std::vector<pixel_verdict> compare_outputs(const layer_output& expected, const run_result& result,
                                           bool pre_relu, std::uint64_t& mismatches,
                                           const std::map<std::size_t, std::uint64_t>& unknown) {
    const bool use_sums = pre_relu && !result.sums.values.empty();
    const layer_output& got = use_sums ? result.sums : result.output;
    std::vector<pixel_verdict> pixels;
    pixels.reserve(got.out_positions);
    mismatches = 0;
    for (unsigned o = 0; o < got.out_positions; ++o) {
        pixel_verdict v{o, {}};
        for (unsigned c = 0; c < got.out_channels; ++c) {
            const std::int64_t want = pre_relu && !use_sums ? relu(expected.at(o, c)) : expected.at(o, c);
            const bool x = !unknown.empty() && unknown.count(std::size_t{o} * got.out_channels + c);
            if (x || got.at(o, c) != want) v.bad_channels.push_back(c);
        }
        mismatches += v.bad_channels.size();
        pixels.push_back(std::move(v));
    }
    return pixels;
}

void check_outputs(const vector_set& vs, const run_result& result, check_report& rep) {
    const layer_output& expected = *vs.expected.output;
    rep.compared_pre_relu = !expected.relu;
    const auto& unknown = vs.expected.output_unknown;
    rep.pixels = compare_outputs(expected, result, rep.compared_pre_relu, rep.mismatches, unknown);
    rep.outputs = std::uint64_t{expected.out_positions} * expected.out_channels;
    rep.unknown_values = unknown.size();
    // "Pre-ReLU" inferred from negative values: a corrupted sign bit in a ReLU'd file looks the
    // same, so keep whichever reading of the file explains more of it.
    if (rep.mismatches && rep.compared_pre_relu &&
        vs.config.source_of("format.output_relu") == key_source::inferred) {
        std::uint64_t alt_mismatches = 0;
        auto alt = compare_outputs(expected, result, false, alt_mismatches, unknown);
        if (alt_mismatches < rep.mismatches) {
            rep.compared_pre_relu = false;
            rep.pixels = std::move(alt);
            rep.mismatches = alt_mismatches;
            rep.hint = "the output file was read as ReLU'd values: its few negative values look like "
                       "corruption, not pre-ReLU sums (set format.output_relu to decide)";
            return;
        }
    }
    if (rep.mismatches) {
        const bool use_sums = rep.compared_pre_relu && !result.sums.values.empty();
        rep.hint = lane_order_hint(vs, use_sums ? result.sums : result.output, expected);
    }
}

/// The acc-address file against the addresses the model's SFU really read from pmem (when the
/// run kept them, see run_result::acc_reads), else against the model's address rule.
void check_acc(const vector_set& vs, const run_result& result, check_report& rep) {
    const auto& want = *vs.expected.acc;
    const layer_keys& L = vs.config.layer;
    const bool measured = result.acc_reads.size() == std::size_t{L.out_positions()} * L.kernel_positions();
    rep.acc_source = measured ? "the addresses the model's SFU read" : "the model's address rule";
    std::size_t i = 0;
    for (unsigned orow = 0; orow < L.out_height(); ++orow)
        for (unsigned ocol = 0; ocol < L.out_width(); ++ocol)
            for (unsigned kij = 0; kij < L.kernel_positions(); ++kij, ++i) {
                const unsigned got = measured ? result.acc_reads[i]
                                              : vs.config.arch.pmem.psum_base + acc_address(orow, ocol, kij, L);
                ++rep.acc_checked;
                if (i < want.size() && want[i] == got) continue;
                ++rep.acc_mismatches;
                if (rep.warnings.size() < max_warnings)
                    rep.warnings.push_back(fmt::format(
                        "{}: address {} (pixel {}, kij {}): the model reads {}, the file has {}",
                        vs.expected.acc_desc, i, orow * L.out_width() + ocol, kij, got,
                        i < want.size() ? std::to_string(want[i]) : std::string("nothing")));
            }
}

/// Psum files hold the files' own tiling. When the model ran the same single tile, its pmem is
/// compared (run_result::pmem_psums); otherwise the array's pass function, configured with the
/// files' tile sizes, recomputes each block.
void check_psums(const vector_set& vs, const run_result& result, check_report& rep) {
    if (vs.expected.psums.empty()) return;
    const layer_keys& L = vs.config.layer;
    const unsigned n = L.positions();
    const auto& first = vs.expected.psums.front();
    tiling_plan files;
    files.pass_in_channels = vs.config.tile_in_channels();
    files.pass_out_channels = static_cast<unsigned>(first.values.size() / n);
    files.in_tiles = static_cast<unsigned>(ceil_div(L.in_channels, files.pass_in_channels));
    files.out_tiles = static_cast<unsigned>(ceil_div(L.out_channels, files.pass_out_channels));
    files.chunk = n;
    files.bands.push_back({0, L.out_height()});
    const unsigned cols = files.pass_out_channels;
    const bool from_pmem = !result.pmem_psums.empty() && files.in_tiles == 1 && files.out_tiles == 1 &&
                           result.plan.pass_out_channels == cols &&
                           result.pmem_psums.size() == std::size_t{L.kernel_positions()} * n * cols;
    rep.psum_source = from_pmem ? "the model's pmem" : "the array pass function in the files' tiling";
    const pass_compute array(vs.layer, files);
    for (const auto& block : vs.expected.psums) {
        const auto got = from_pmem ? std::vector<std::int64_t>(
                                         result.pmem_psums.begin() + std::ptrdiff_t{block.kij} * n * cols,
                                         result.pmem_psums.begin() + std::ptrdiff_t{block.kij + 1} * n * cols)
                                   : array.psums(block.otile, block.itile, block.kij, 0, n);
        for (unsigned nij = 0; nij < n; ++nij)
            for (unsigned c = 0; c < cols; ++c) {
                ++rep.psum_checked;
                const std::int64_t want = block.values[std::size_t{nij} * cols + c];
                const std::int64_t have = got[std::size_t{nij} * cols + c];
                if (want == have) continue;
                ++rep.psum_mismatches;
                if (rep.warnings.size() < max_warnings)
                    rep.warnings.push_back(fmt::format("{}: psum kij {} position {} channel {}: {} has {}, the file has {}",
                                                       block.file, block.kij, nij, block.otile * cols + c,
                                                       rep.psum_source, have, want));
            }
    }
}

/// Output values whose exact arithmetic leaves the psum_bits range somewhere on the way: a
/// kernel position's psum, or the running sum of the SFU. Exact 64-bit sums of the layer's own
/// tensors, independent of the model.
std::uint64_t count_wrapped(const layer_data& layer) {
    const layer_keys& L = layer.shape;
    const std::int64_t hi = (std::int64_t{1} << (L.psum_bits - 1)) - 1, lo = -hi - 1;
    const unsigned ow = L.out_width(), kw = L.kernel_w, k2 = L.kernel_positions(), stride = L.stride;
    std::uint64_t wrapped = 0;
    std::vector<std::int64_t> psum(k2);
    for (unsigned oc = 0; oc < L.out_channels; ++oc)
        for (unsigned o = 0; o < L.out_positions(); ++o) {
            std::fill(psum.begin(), psum.end(), 0);
            // The window of output (orow, ocol) starts at input (orow x stride, ocol x stride).
            const unsigned row0 = o / ow * stride, col0 = o % ow * stride;
            for (unsigned ic = 0; ic < L.in_channels; ++ic)
                for (unsigned kij = 0; kij < k2; ++kij) {
                    const unsigned nij = (row0 + kij / kw) * L.padded_width + col0 + kij % kw;
                    psum[kij] += std::int64_t{layer.weight_at(oc, ic, kij)} * layer.act_at(ic, nij);
                }
            std::int64_t sum = 0;
            bool out_of_range = false;
            for (unsigned kij = 0; kij < k2; ++kij) {
                sum += psum[kij];
                out_of_range |= psum[kij] < lo || psum[kij] > hi || sum < lo || sum > hi;
            }
            wrapped += out_of_range ? 1 : 0;
        }
    return wrapped;
}

std::string bit_pattern(std::int64_t v, unsigned bits, std::uint64_t unknown = 0) {
    std::string s;
    const std::uint64_t f = to_field(v, bits);
    for (unsigned b = bits; b-- > 0;)
        s.push_back((unknown >> b) & 1U ? 'x' : ((f >> b) & 1U ? '1' : '0'));
    return s;
}

unsigned popcount(std::uint64_t v) {
    unsigned n = 0;
    for (; v; v &= v - 1) ++n;
    return n;
}

}  // namespace

mismatch_info describe_mismatch(const vector_set& vs, const run_result& result,
                                const check_report& check, unsigned onij, unsigned c) {
    const layer_keys& L = vs.config.layer;
    const expected_data& e = vs.expected;
    const bool use_sums = check.compared_pre_relu && !result.sums.values.empty();
    const layer_output& got = use_sums ? result.sums : result.output;
    const unsigned ow = L.out_width();
    const unsigned per_file = e.output_file_channels ? e.output_file_channels : L.out_channels;
    mismatch_info m;
    const unsigned file = e.output_files.size() > 1 ? c / per_file : 0;
    if (file < e.output_files.size()) {
        m.file = e.output_files[file];
        m.line = e.output_lines[file][onij];
    }
    m.tile = c / std::max(1u, vs.config.tiles.out_channels);
    m.pixel = onij;
    m.row = onij / ow;
    m.col = onij % ow;
    m.channel = c;
    const std::int64_t stored = e.output->at(onij, c);
    m.expected = check.compared_pre_relu && !use_sums ? relu(stored) : stored;
    m.got = got.at(onij, c);
    const auto unknown = e.output_unknown.find(std::size_t{onij} * L.out_channels + c);
    const std::uint64_t mask = unknown == e.output_unknown.end() ? 0 : unknown->second;
    m.unknown_bits = popcount(mask);
    m.expected_bits = bit_pattern(stored, L.psum_bits, mask);
    m.got_bits = bit_pattern(m.got, L.psum_bits);
    if (!result.sums.values.empty()) m.pre_relu = result.sums.at(onij, c);
    return m;
}

std::vector<mismatch_info> list_mismatches(const vector_set& vs, const run_result& result,
                                           const check_report& check, std::size_t limit) {
    std::vector<mismatch_info> out;
    if (!check.checked || !vs.expected.output) return out;
    for (const auto& p : check.pixels)
        for (unsigned c : p.bad_channels) {
            if (out.size() >= limit) return out;
            out.push_back(describe_mismatch(vs, result, check, p.onij, c));
        }
    return out;
}

std::string format_mismatch(const mismatch_info& m) {
    const std::string expected =
        m.unknown_bits ? fmt::format("{} ({} unknown x/z bit{})", m.expected_bits, m.unknown_bits,
                                     m.unknown_bits == 1 ? "" : "s")
                       : fmt::format("{} ({})", m.expected, m.expected_bits);
    return fmt::format("{}:{}: otile {}, pixel {} (row {}, col {}), ch {}: expected {}, got {} ({}){}",
                       m.file, m.line, m.tile, m.pixel, m.row, m.col, m.channel, expected, m.got,
                       m.got_bits,
                       m.pre_relu ? fmt::format(", model pre-ReLU sum {}", *m.pre_relu) : std::string());
}

check_report check_run(const vector_set& vs, const run_result& result) {
    check_report rep;
    rep.wrapped = count_wrapped(vs.layer);
    if (rep.wrapped) {
        const layer_keys& L = vs.config.layer;
        const std::int64_t hi = (std::int64_t{1} << (L.psum_bits - 1)) - 1;
        rep.warnings.push_back(fmt::format(
            "{} of {} output values wrap around layer.psum_bits = {} (a psum or the running sum "
            "leaves {}..{})",
            rep.wrapped, std::uint64_t{L.out_positions()} * L.out_channels, L.psum_bits, -hi - 1, hi));
    }
    if (vs.expected.output) {
        rep.checked = true;
        check_outputs(vs, result, rep);
    }
    if (vs.expected.acc) check_acc(vs, result, rep);
    check_psums(vs, result, rep);
    return rep;
}

}  // namespace satlm
