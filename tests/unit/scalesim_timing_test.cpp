// The closed-form SCALE-Sim timing against SCALE-Sim v2's own reports: the shared VGG16
// reference table, and the reports SCALE-Sim wrote for tests/data/scalesim (stride 2..5,
// non-square and 11x11 filters, 1x1 and fully connected layers, GEMMs, arrays 4x4 to 32x8,
// 1 kB and 64 kB SRAMs). The reports are read with a small CSV splitter of their own so that
// this test does not depend on the topology reader.

#include "dataflow/ws/scalesim_timing.h"

#include "tlm/report.h"

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <vector>

using namespace satlm;

namespace {

const std::string shared_ref = std::string(SATLM_SHARED_DIR) + "/reference/scalesim-v2/";
const std::string data_dir = std::string(SATLM_SOURCE_DIR) + "/tests/data/scalesim/";

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return "";
    return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

/// Rows of a CSV file after the header, cells trimmed, the empty cell after a trailing comma
/// dropped, blank lines skipped.
std::vector<std::vector<std::string>> csv_rows(const std::string& path) {
    std::ifstream in(path);
    BOOST_TEST_REQUIRE(in.good(), "cannot open " << path);
    std::vector<std::vector<std::string>> rows;
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
        if (trim(line).empty()) continue;
        std::vector<std::string> cells;
        std::size_t from = 0;
        for (;;) {
            const auto comma = line.find(',', from);
            cells.push_back(trim(line.substr(from, comma - from)));
            if (comma == std::string::npos) break;
            from = comma + 1;
        }
        if (!cells.empty() && cells.back().empty()) cells.pop_back();
        rows.push_back(cells);
    }
    return rows;
}

std::uint64_t u64(const std::string& s) { return std::stoull(s); }

scalesim_layer conv_layer(const std::vector<std::string>& row) {
    return scalesim_layer{u64(row[1]), u64(row[2]), u64(row[3]), u64(row[4]),
                          u64(row[5]), u64(row[6]), u64(row[7])};
}

/// A GEMM row (name, M, N, K) as a 1x1 layer over M positions, K channels, N filters.
scalesim_layer gemm_layer(const std::vector<std::string>& row) {
    return scalesim_layer{u64(row[1]), 1, 1, 1, u64(row[3]), u64(row[2]), 1};
}

/// ArrayHeight, ArrayWidth and the three SRAM sizes of a SCALE-Sim .cfg file.
scalesim_array read_cfg(const std::string& path) {
    std::ifstream in(path);
    BOOST_TEST_REQUIRE(in.good(), "cannot open " << path);
    std::map<std::string, std::uint64_t> v;
    std::string line;
    while (std::getline(in, line)) {
        const auto colon = line.find(':');
        if (colon == std::string::npos) continue;
        const std::string value = trim(line.substr(colon + 1));
        if (!value.empty() && std::isdigit(static_cast<unsigned char>(value[0])))
            v[trim(line.substr(0, colon))] = std::stoull(value);
    }
    return scalesim_array{v.at("ArrayHeight"), v.at("ArrayWidth"), v.at("IfmapSramSzkB"),
                          v.at("FilterSramSzkB"), v.at("OfmapSramSzkB")};
}

struct compared {
    unsigned layers = 0, dram_ifmap = 0, dram_filter = 0, dram_ofmap = 0;
};

/// Start and stop cycles as SCALE-Sim prints them ("9.0"), the count as an integer.
void check_access(const scalesim_access& got, const std::vector<std::string>& d, std::size_t col,
                  const std::string& what) {
    BOOST_TEST(scalesim_number(static_cast<double>(got.start_cycle)) == d[col], what << " start");
    BOOST_TEST(scalesim_number(static_cast<double>(got.stop_cycle)) == d[col + 1], what << " stop");
    BOOST_TEST(std::to_string(got.count) == d[col + 2], what << " count");
}

/// One SCALE-Sim run: its topology and cfg against its three reports, every column we model.
compared check_run(const std::string& topology, bool gemm, const std::string& cfg,
                   const std::string& report_dir) {
    const auto layers = csv_rows(data_dir + topology);
    const auto array = read_cfg(data_dir + cfg);
    const auto comp = csv_rows(report_dir + "/COMPUTE_REPORT.csv");
    const auto bw = csv_rows(report_dir + "/BANDWIDTH_REPORT.csv");
    const auto det = csv_rows(report_dir + "/DETAILED_ACCESS_REPORT.csv");
    BOOST_TEST_REQUIRE(comp.size() == layers.size());
    BOOST_TEST_REQUIRE(bw.size() == layers.size());
    BOOST_TEST_REQUIRE(det.size() == layers.size());
    compared n;
    for (std::size_t i = 0; i < layers.size(); ++i) {
        BOOST_TEST_CONTEXT(report_dir << " layer " << i << " (" << layers[i][0] << ")") {
            const auto shape = gemm ? gemm_layer(layers[i]) : conv_layer(layers[i]);
            const auto r = scalesim_ws_timing(shape, array, scalesim_dram::replay);
            const auto& c = comp[i];
            const auto& b = bw[i];
            const auto& d = det[i];
            BOOST_TEST(r.total_cycles == u64(c[1]));
            BOOST_TEST(r.stall_cycles == u64(c[2]));
            // Formed as SCALE-Sim's Python forms them, printed as it prints them: same text.
            BOOST_TEST(scalesim_number(r.overall_util_pct) == c[3]);
            BOOST_TEST(scalesim_number(r.mapping_efficiency_pct) == c[4]);
            BOOST_TEST(scalesim_number(r.compute_util_pct) == c[5]);
            BOOST_TEST(scalesim_number(r.ifmap_sram_bw()) == b[1]);
            BOOST_TEST(scalesim_number(r.filter_sram_bw()) == b[2]);
            BOOST_TEST(scalesim_number(r.ofmap_sram_bw()) == b[3]);
            check_access(r.ifmap_sram, d, 1, "SRAM IFMAP");
            check_access(r.filter_sram, d, 4, "SRAM Filter");
            check_access(r.ofmap_sram, d, 7, "SRAM OFMAP");
            BOOST_TEST(r.filter_dram_reads == u64(d[15]));
            if (r.ifmap_dram) {
                check_access(*r.ifmap_dram, d, 10, "DRAM IFMAP");
                BOOST_TEST(scalesim_number(r.ifmap_dram->span_bandwidth()) == b[4]);
                ++n.dram_ifmap;
            }
            if (r.filter_dram) {
                check_access(*r.filter_dram, d, 13, "DRAM Filter");
                BOOST_TEST(scalesim_number(r.filter_dram->span_bandwidth()) == b[5]);
                ++n.dram_filter;
            }
            if (r.ofmap_dram) {
                check_access(*r.ofmap_dram, d, 16, "DRAM OFMAP");
                BOOST_TEST(scalesim_number(r.ofmap_dram->span_bandwidth()) == b[6]);
                ++n.dram_ofmap;
            }
            ++n.layers;
        }
    }
    return n;
}

const std::vector<std::string> configs = {"ws4x4_calc",  "ws8x8_calc",  "ws16x16_calc",
                                          "ws32x8_calc", "ws8x32_calc", "ws8x32_calc_1k"};

}  // namespace

BOOST_AUTO_TEST_CASE(vgg16_8ch_reference_table_every_row) {
    const auto topo = csv_rows(shared_ref + "vgg16-cifar10-8ch.csv");
    const auto table = csv_rows(shared_ref + "vgg16-cifar10-8ch_ws8x8_results.csv");
    BOOST_TEST_REQUIRE(topo.size() == 13u);
    BOOST_TEST_REQUIRE(table.size() == topo.size());
    const scalesim_array array{8, 8, 64, 64, 64};
    std::uint64_t total = 0;
    unsigned dram_ifmap = 0, dram_ofmap = 0;
    for (std::size_t i = 0; i < topo.size(); ++i) {
        const auto& t = table[i];
        BOOST_TEST_CONTEXT("layer " << t[0]) {
            BOOST_TEST(topo[i][0] == t[0]);
            const auto r = scalesim_ws_timing(conv_layer(topo[i]), array, scalesim_dram::replay);
            BOOST_TEST(r.total_cycles == u64(t[1]));
            BOOST_TEST(r.stall_cycles == u64(t[2]));
            BOOST_TEST(std::fabs(r.overall_util_pct - std::stod(t[3])) <= 0.05 + 1e-9);
            BOOST_TEST(std::fabs(r.mapping_efficiency_pct - std::stod(t[4])) <= 0.05 + 1e-9);
            BOOST_TEST(r.ifmap_sram.count == u64(t[5]));
            BOOST_TEST(r.filter_sram.count == u64(t[6]));
            BOOST_TEST(r.ofmap_sram.count == u64(t[7]));
            if (r.ifmap_dram) {
                BOOST_TEST(r.ifmap_dram->count == u64(t[8]));
                ++dram_ifmap;
            }
            BOOST_TEST(r.filter_dram_reads == u64(t[9]));
            if (r.ofmap_dram) {
                BOOST_TEST(r.ofmap_dram->count == u64(t[10]));
                ++dram_ofmap;
            }
            total += r.total_cycles;
        }
    }
    BOOST_TEST(total == 6486729u);
    BOOST_TEST(scalesim_ws_timing(conv_layer(topo[8]), array).total_cycles == 341u);
    BOOST_TEST(dram_ifmap == 13u);
    BOOST_TEST(dram_ofmap == 13u);
}

BOOST_AUTO_TEST_CASE(generated_conv_shapes_every_array) {
    compared all;
    for (const auto& cfg : configs) {
        const auto n =
            check_run("shapes.csv", false, cfg + ".cfg", data_dir + "results/shapes/" + cfg);
        BOOST_TEST(n.layers == 13u);
        all.dram_ifmap += n.dram_ifmap;
        all.dram_filter += n.dram_filter;
        all.dram_ofmap += n.dram_ofmap;
    }
    // The DRAM columns are compared on every layer.
    BOOST_TEST(all.dram_ifmap == 78u);
    BOOST_TEST(all.dram_filter == 78u);
    BOOST_TEST(all.dram_ofmap == 78u);
}

BOOST_AUTO_TEST_CASE(generated_gemms_every_array) {
    for (const auto& cfg : configs) {
        const auto n = check_run("gemm.csv", true, cfg + ".cfg", data_dir + "results/gemm/" + cfg);
        BOOST_TEST(n.layers == 3u);
        BOOST_TEST(n.dram_ifmap == 3u);
        BOOST_TEST(n.dram_ofmap == 3u);
    }
}

BOOST_AUTO_TEST_CASE(generated_long_folds_small_srams) {
    // Long folds drained many times by 1 kB and 2 kB OFMAP buffers: the fast replay jumps
    // over repeated drain states here.
    for (const std::string cfg :
         {"ws8x8_calc_1k", "ws4x4_calc_2k", "ws8x32_calc_1k", "ws16x16_calc"}) {
        const auto n = check_run("long.csv", false, cfg + ".cfg", data_dir + "results/long/" + cfg);
        BOOST_TEST(n.layers == 4u);
        BOOST_TEST(n.dram_ifmap == 4u);
        BOOST_TEST(n.dram_ofmap == 4u);
    }
}

BOOST_AUTO_TEST_CASE(fast_write_buffer_replay_equals_one_drain_at_a_time) {
    std::mt19937_64 rng(20261130);
    auto pick = [&](std::uint64_t lo, std::uint64_t hi) {
        return std::uniform_int_distribution<std::uint64_t>(lo, hi)(rng);
    };
    const std::uint64_t dims[] = {1, 2, 3, 4, 5, 8, 16, 32};
    const std::uint64_t kbs[] = {1, 2, 3, 64};
    unsigned skipped_work = 0;
    for (int i = 0; i < 300; ++i) {
        scalesim_layer l;
        l.ifmap_h = pick(1, 90);
        l.ifmap_w = pick(1, 90);
        l.filter_h = pick(1, std::min<std::uint64_t>(l.ifmap_h, 7));
        l.filter_w = pick(1, std::min<std::uint64_t>(l.ifmap_w, 7));
        l.channels = pick(1, 12);
        l.filters = pick(1, 40);
        l.stride = pick(1, 4);
        const scalesim_array a{dims[pick(0, 7)], dims[pick(0, 7)], 64, 64, kbs[pick(0, 3)]};
        BOOST_TEST_CONTEXT("layer " << l.ifmap_h << "x" << l.ifmap_w << " f" << l.filter_h << "x"
                                    << l.filter_w << " c" << l.channels << " n" << l.filters << " s"
                                    << l.stride << " on " << a.rows << "x" << a.cols << " "
                                    << a.ofmap_sram_kb << " kB") {
            const auto fast = scalesim_ws_timing(l, a, scalesim_dram::replay).ofmap_dram;
            const auto plain = detail::scalesim_ofmap_dram_one_by_one(l, a);
            BOOST_TEST_REQUIRE(fast.has_value());
            BOOST_TEST_REQUIRE(plain.has_value());
            BOOST_TEST(fast->start_cycle == plain->start_cycle);
            BOOST_TEST(fast->stop_cycle == plain->stop_cycle);
            BOOST_TEST(fast->count == plain->count);
            if (fast->count > 8 * a.ofmap_sram_kb * 1024) ++skipped_work;
        }
    }
    BOOST_TEST(skipped_work >= 30u);  // many layers drain several times
}

BOOST_AUTO_TEST_CASE(skip_leaves_out_only_the_replayed_traces) {
    // 1,800 IFMAP words and 16,464 OFMAP writes rotate through 1 kB buffers (500- and 512-word
    // halves); with 64 kB both fit and have closed forms.
    const scalesim_layer l{30, 30, 3, 3, 2, 7, 1};
    const scalesim_array small{8, 8, 1, 64, 1}, large{8, 8, 64, 64, 64};
    const auto replayed = scalesim_ws_timing(l, small, scalesim_dram::replay);
    const auto skipped = scalesim_ws_timing(l, small);
    BOOST_TEST(replayed.ifmap_dram.has_value());
    BOOST_TEST(replayed.ofmap_dram.has_value());
    BOOST_TEST(!skipped.ifmap_dram);
    BOOST_TEST(!skipped.ofmap_dram);
    BOOST_TEST(skipped.filter_dram.has_value());
    BOOST_TEST(skipped.total_cycles == replayed.total_cycles);
    BOOST_TEST(skipped.ifmap_sram.stop_cycle == replayed.ifmap_sram.stop_cycle);
    const auto fits = scalesim_ws_timing(l, large);
    BOOST_TEST(fits.ifmap_dram.has_value());
    BOOST_TEST(fits.ofmap_dram.has_value());
    const auto fits_replayed = scalesim_ws_timing(l, large, scalesim_dram::replay);
    BOOST_TEST(fits.ofmap_dram->count == fits_replayed.ofmap_dram->count);
    BOOST_TEST(fits.ifmap_dram->count == fits_replayed.ifmap_dram->count);
}

BOOST_AUTO_TEST_CASE(numbers_print_as_python_repr) {
    BOOST_TEST(scalesim_number(3.0) == "3.0");
    BOOST_TEST(scalesim_number(-66.0) == "-66.0");
    BOOST_TEST(scalesim_number(0.0) == "0.0");
    BOOST_TEST(scalesim_number(82.03125) == "82.03125");
    BOOST_TEST(scalesim_number(29.166666666666668) == "29.166666666666668");
    BOOST_TEST(scalesim_number(1e15) == "1000000000000000.0");
    BOOST_TEST(scalesim_number(1e16) == "1e+16");
    BOOST_TEST(scalesim_number(0.0001) == "0.0001");
    BOOST_TEST(scalesim_number(0.00001) == "1e-05");
}

BOOST_AUTO_TEST_CASE(output_size_rounds_up_where_the_stride_does_not_divide) {
    BOOST_TEST(scalesim_ofmap_size(34, 3, 1) == 32u);
    BOOST_TEST(scalesim_ofmap_size(8, 3, 2) == 4u);  // floor((8-3)/2)+1 = 3
    BOOST_TEST(scalesim_ofmap_size(9, 3, 2) == 4u);
    BOOST_TEST(scalesim_ofmap_size(5, 1, 5) == 2u);  // the second window lies outside
    BOOST_TEST(scalesim_ofmap_size(1, 1, 1) == 1u);
}

BOOST_AUTO_TEST_CASE(huge_layers_take_no_time_and_do_not_overflow) {
    // UNet's first layer at 4k: 4.2 M output positions; GPT-sized GEMM on a 128x128 array.
    const auto r = scalesim_ws_timing({2048, 2048, 3, 3, 1, 64, 1}, {8, 8, 64, 64, 64});
    BOOST_TEST(r.ofmap_pixels == 2046u * 2046u);
    BOOST_TEST(r.total_cycles == 2u * 8u * (16u + 8u + 2046u * 2046u - 2u) - 1u);
    const auto g = scalesim_ws_timing({1u << 20, 1, 1, 1, 1u << 14, 1u << 14, 1},
                                      {128, 128, 1024, 1024, 1024});
    BOOST_TEST(g.macs == (std::uint64_t{1} << 48));
    BOOST_TEST(g.total_cycles == std::uint64_t{128} * 128 * (256 + 128 + (1u << 20) - 2) - 1);
}

BOOST_AUTO_TEST_CASE(shapes_scalesim_rejects_are_config_errors) {
    const scalesim_array a{8, 8, 64, 64, 64};
    BOOST_CHECK_THROW(scalesim_ws_timing({4, 4, 5, 3, 1, 1, 1}, a), config_error);
    BOOST_CHECK_THROW(scalesim_ws_timing({4, 4, 3, 3, 1, 1, 0}, a), config_error);
    BOOST_CHECK_THROW(scalesim_ws_timing({4, 4, 3, 3, 0, 1, 1}, a), config_error);
    BOOST_CHECK_THROW(scalesim_ws_timing({4, 4, 3, 3, 1, 1, 1}, {0, 8, 64, 64, 64}), config_error);
    BOOST_CHECK_THROW(scalesim_ws_timing({4, 4, 3, 3, 1, 1, 1}, {8, 8, 0, 64, 64}), config_error);
    const std::uint64_t big = std::uint64_t{1} << 40;
    BOOST_CHECK_THROW(scalesim_ws_timing({big, big, 1, 1, 1, 1, 1}, a), config_error);
    BOOST_CHECK_THROW(scalesim_ws_timing({1024, 1024, 1, 1, big, big, 1}, a), config_error);
    BOOST_CHECK_THROW(scalesim_ws_timing({4, 4, 3, 3, 1, 1, 1}, {8, 8, 64, 64, big << 20}),
                      config_error);
}
