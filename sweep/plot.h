#pragma once
/// `satlm plot DIR`: figures of a sweep's results with gnuplot (PNG and SVG in DIR/plots/) and a
/// self-contained HTML report (figures inline, the sweep file, a sortable table of points, the
/// failed points with their errors). The axes follow the keys the sweep varied:
///   - cycles and PE utilization against array size (array.rows / array.cols varied);
///   - stall cycles against off-chip bandwidth (offchip.bytes_per_cycle) and SRAM size
///     (xmem.words, pmem.words);
///   - a Pareto front of cycles against on-chip SRAM bytes (when the SRAM bytes differ);
///   - the per-layer cycle buckets, stacked, of chosen points (default: fastest and slowest);
///   - cycles against the first varied key when none of the above applies.

#include <string>
#include <vector>

namespace satlm {

struct figure {
    std::string name;     ///< file stem in DIR/plots (name.png, name.svg)
    std::string title;
    std::string caption;  ///< what the figure shows, one sentence
};

struct plot_options {
    std::vector<std::string> breakdown_points;  ///< point ids for the per-layer figures
};

struct plot_output {
    std::vector<figure> figures;
    std::string html;  ///< the report page (the caller writes DIR/report.html)
};

/// Renders every figure of the sweep in `dir` into dir/plots (each file written beside and
/// renamed into place) and builds the report page. Throws input_error (no store, no gnuplot,
/// unknown point id).
plot_output plot_sweep(const std::string& dir, const plot_options& options);

}  // namespace satlm
