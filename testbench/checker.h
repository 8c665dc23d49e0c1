#pragma once
/// Compares what the model computed with the expected files, after the run.

#include "tlm/config.h"
#include "tlm/layer.h"

#include <cstdint>
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
};

/// Checks outputs (ReLU'd, or pre-ReLU sums when the file holds them), the psum files (recomputed
/// by the array's pass function in the files' own tiling) and the acc addresses.
check_report check_run(const vector_set& vs, const run_result& result);

}  // namespace satlm
