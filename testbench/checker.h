#pragma once
/// Compares what the model computed with the expected files, after the run.

#include "tlm/config.h"
#include "tlm/layer.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace satlm {

struct vector_set;
struct run_result;

/// One output pixel's verdict (a line of the run listing).
struct pixel_verdict {
    unsigned onij = 0;
    std::vector<unsigned> bad_channels;  ///< channels that differ (empty = matched)
};

struct check_report {
    bool checked = false;             ///< false with --no-check
    std::uint64_t outputs = 0;        ///< output values checked (pixels x channels)
    std::uint64_t mismatches = 0;     ///< output values that differ
    bool compared_pre_relu = false;   ///< the output file was read as pre-ReLU sums
    std::vector<pixel_verdict> pixels;
    std::uint64_t psum_checked = 0, psum_mismatches = 0;  ///< warnings only
    std::uint64_t acc_checked = 0, acc_mismatches = 0;    ///< warnings only
    std::string psum_source, acc_source;                  ///< what the files were compared with
    std::vector<std::string> warnings;                    ///< first few psum/acc differences
    std::string hint;  ///< when outputs differ: a format key under which they would all match
    std::uint64_t unknown_values = 0;  ///< expected values with x/z bits (counted as mismatches)
    std::uint64_t wrapped = 0;         ///< output values whose psums or sum left layer.psum_bits
    /// Psum and acc file differences and wrap-around: what --strict turns into a failure.
    std::uint64_t warning_count() const { return psum_mismatches + acc_mismatches + wrapped; }
};

/// One differing output value, with what an RTL engineer needs to find it in the design.
struct mismatch_info {
    std::string file;         ///< the expected output file
    std::uint32_t line = 0;   ///< its line holding the pixel
    unsigned tile = 0;        ///< output tile of the files (channel / tiles.out_channels)
    unsigned pixel = 0, row = 0, col = 0, channel = 0;
    std::int64_t expected = 0, got = 0;    ///< as compared (pre-ReLU when the file holds sums)
    std::string expected_bits, got_bits;   ///< layer.psum_bits patterns, x for unknown bits
    std::optional<std::int64_t> pre_relu;  ///< the model's SFU sum before ReLU
    unsigned unknown_bits = 0;             ///< x/z bits in the expected value
};

/// The details of the differing value (onij, channel).
mismatch_info describe_mismatch(const vector_set& vs, const run_result& result,
                                const check_report& check, unsigned onij, unsigned channel);
/// The differing values in pixel-then-channel order, at most `limit` of them.
std::vector<mismatch_info> list_mismatches(const vector_set& vs, const run_result& result,
                                           const check_report& check, std::size_t limit);
/// One line: "out.txt:17: otile 0, pixel 13 (row 2, col 1), ch 5: expected 32 (0000000000100000),
/// got 0 (0000000000000000), model pre-ReLU sum -7".
std::string format_mismatch(const mismatch_info& m);

/// Checks outputs (ReLU'd, or pre-ReLU sums when the file holds them), the psum files (recomputed
/// by the array's pass function in the files' own tiling) and the acc addresses.
check_report check_run(const vector_set& vs, const run_result& result);

}  // namespace satlm
