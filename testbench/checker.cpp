#include "testbench/checker.h"

#include "dataflow/ws/pass_compute.h"
#include "dataflow/run_result.h"
#include "tlm/bits.h"
#include "dataflow/ws/tiling.h"
#include "vectors/vector_set.h"

#include <fmt/format.h>

#include <algorithm>

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
                                           bool pre_relu, std::uint64_t& mismatches) {
    const bool use_sums = pre_relu && !result.sums.values.empty();
    const layer_output& got = use_sums ? result.sums : result.output;
    std::vector<pixel_verdict> pixels;
    pixels.reserve(got.out_positions);
    mismatches = 0;
    for (unsigned o = 0; o < got.out_positions; ++o) {
        pixel_verdict v{o, {}};
        for (unsigned c = 0; c < got.out_channels; ++c) {
            const std::int64_t want = pre_relu && !use_sums ? relu(expected.at(o, c)) : expected.at(o, c);
            if (got.at(o, c) != want) v.bad_channels.push_back(c);
        }
        mismatches += v.bad_channels.size();
        pixels.push_back(std::move(v));
    }
    return pixels;
}

void check_outputs(const vector_set& vs, const run_result& result, check_report& rep) {
    const layer_output& expected = *vs.expected.output;
    rep.compared_pre_relu = !expected.relu;
    rep.pixels = compare_outputs(expected, result, rep.compared_pre_relu, rep.mismatches);
    rep.outputs = std::uint64_t{expected.out_positions} * expected.out_channels;
    // "Pre-ReLU" inferred from negative values: a corrupted sign bit in a ReLU'd file looks the
    // same, so keep whichever reading of the file explains more of it.
    if (rep.mismatches && rep.compared_pre_relu &&
        vs.config.source_of("format.output_relu") == key_source::inferred) {
        std::uint64_t alt_mismatches = 0;
        auto alt = compare_outputs(expected, result, false, alt_mismatches);
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

}  // namespace

check_report check_run(const vector_set& vs, const run_result& result) {
    check_report rep;
    if (vs.expected.output) {
        rep.checked = true;
        check_outputs(vs, result, rep);
    }
    if (vs.expected.acc) check_acc(vs, result, rep);
    check_psums(vs, result, rep);
    return rep;
}

}  // namespace satlm
