// satlm gen and the canonical writers: format against the real sets, bit-exact rewrites of
// real sets, decoding the files back, options, .npy input and the PyTorch export.
#include "engine/engine.h"
#include "gen/generator.h"
#include "testbench/golden.h"
#include "vectors/npy.h"
#include "tlm/bits.h"
#include "tlm/config.h"
#include "tlm/report.h"
#include "vectors/vector_set.h"
#include "vectors/vector_writer.h"

#include "support/error_of.h"
#include "support/sc_fixture.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <unistd.h>

using namespace satlm;
using satlm::test::error_of;
namespace fs = std::filesystem;

namespace {

const std::string py = "/usr/bin/python3";  // Debian's python with python3-numpy / -torch

std::string external(const std::string& set) {
    return satlm::test::shared_dir() + "/vectors/external/" + set + "/";
}

/// A fresh temporary folder, removed at the end of the test.
struct temp_dir {
    fs::path path;
    explicit temp_dir(const std::string& tag) {
        static int n = 0;
        path = fs::temp_directory_path() /
               ("satlm_gen_test_" + std::to_string(::getpid()) + "_" + tag + std::to_string(n++));
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~temp_dir() { fs::remove_all(path); }
    std::string operator/(const std::string& name) const { return (path / name).string(); }
    std::string str() const { return path.string(); }
};

std::string slurp(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    BOOST_REQUIRE_MESSAGE(f, "cannot open " << path);
    std::ostringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

struct text_file {
    std::vector<std::string> header;  ///< lines before the first data line
    std::vector<std::string> data;    ///< binary lines
};

text_file read_text(const std::string& path) {
    text_file t;
    std::istringstream in(slurp(path));
    std::string line;
    while (std::getline(in, line)) {
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
        if (line.empty()) continue;
        const bool binary = line.find_first_not_of("01") == std::string::npos;
        if (binary) t.data.push_back(line);
        else {
            BOOST_REQUIRE_MESSAGE(t.data.empty(), path << ": text after data: " << line);
            t.header.push_back(line);
        }
    }
    return t;
}

std::uint64_t field(const std::string& line, unsigned index, unsigned width) {
    return std::stoull(line.substr(std::size_t{index} * width, width), nullptr, 2);
}

std::string name(const char* pattern, unsigned i, unsigned o, unsigned k) {
    std::string s = pattern;
    const std::pair<const char*, unsigned> subs[] = {{"{i}", i}, {"{o}", o}, {"{k}", k}};
    for (const auto& [ph, v] : subs)
        for (auto p = s.find(ph); p != std::string::npos; p = s.find(ph)) s.replace(p, 3, std::to_string(v));
    return s;
}

/// Decodes a canonical set (this test's own reading of docs/cli.md section 3) into a layer.
layer_data decode_set(const std::string& dir, const layer_keys& L, unsigned tin, unsigned tout,
                      const char* act_pat = canonical_names::activation,
                      const char* w_pat = canonical_names::weight) {
    layer_data d(L);
    const unsigned itiles = (L.in_channels + tin - 1) / tin, otiles = (L.out_channels + tout - 1) / tout;
    for (unsigned i = 0; i < itiles; ++i) {
        const auto a = read_text(dir + "/" + name(act_pat, i, 0, 0));
        BOOST_REQUIRE_EQUAL(a.data.size(), L.positions());
        for (unsigned nij = 0; nij < L.positions(); ++nij) {
            BOOST_REQUIRE_EQUAL(a.data[nij].size(), tin * L.act_bits);
            for (unsigned j = 0; j < tin; ++j) {
                const auto v = field(a.data[nij], tin - 1 - j, L.act_bits);
                if (i * tin + j < L.in_channels) d.act_at(i * tin + j, nij) = static_cast<std::uint8_t>(v);
                else BOOST_REQUIRE_EQUAL(v, 0u);
            }
        }
        for (unsigned o = 0; o < otiles; ++o)
            for (unsigned k = 0; k < L.kernel_positions(); ++k) {
                const auto w = read_text(dir + "/" + name(w_pat, i, o, k));
                const bool two = L.act_bits == 2;
                BOOST_REQUIRE_EQUAL(w.data.size(), tout * (two ? 2 : 1));
                for (unsigned c = 0; c < tout; ++c)
                    for (unsigned j = 0; j < tin; ++j) {
                        // 2-bit: line 2c holds channels 14,12,..,0 (of 16), line 2c+1 holds 15,..,1.
                        const std::string& line = two ? w.data[2 * c + j % 2] : w.data[c];
                        const unsigned per_line = two ? tin / 2 : tin;
                        BOOST_REQUIRE_EQUAL(line.size(), per_line * L.weight_bits);
                        const unsigned idx = per_line - 1 - (two ? j / 2 : j);
                        const auto v = sign_extend(field(line, idx, L.weight_bits), L.weight_bits);
                        const unsigned oc = o * tout + c, ic = i * tin + j;
                        if (oc < L.out_channels && ic < L.in_channels) d.weight_at(oc, ic, k) = static_cast<std::int8_t>(v);
                        else BOOST_REQUIRE_EQUAL(v, 0);
                    }
            }
    }
    return d;
}

/// [line][channel] values of an out/psum-style file, `channels` fields of `bits`, highest first.
std::vector<std::vector<std::int64_t>> decode_lanes(const std::string& path, unsigned channels, unsigned bits) {
    const auto t = read_text(path);
    std::vector<std::vector<std::int64_t>> v;
    for (const auto& line : t.data) {
        BOOST_REQUIRE_EQUAL(line.size(), channels * bits);
        std::vector<std::int64_t> row(channels);
        for (unsigned c = 0; c < channels; ++c) row[c] = sign_extend(field(line, channels - 1 - c, bits), bits);
        v.push_back(row);
    }
    return v;
}

/// Every check a generated set must pass: the files decode to the layer, out.txt is the golden
/// output, the psum files are the golden psums and the acc addresses pick them into out.txt.
void check_generated_set(const std::string& dir, const layer_data& layer, unsigned tin, unsigned tout) {
    const layer_keys& L = layer.shape;
    const layer_data back = decode_set(dir, L, tin, tout);
    BOOST_TEST(back.act == layer.act, boost::test_tools::per_element());
    BOOST_TEST(back.weight == layer.weight, boost::test_tools::per_element());

    const auto out = decode_lanes(dir + "/out.txt", L.out_channels, L.psum_bits);
    const layer_output gold = golden_output(layer, true);
    BOOST_REQUIRE_EQUAL(out.size(), L.out_positions());
    for (unsigned o = 0; o < L.out_positions(); ++o)
        for (unsigned oc = 0; oc < L.out_channels; ++oc)
            BOOST_TEST(relu(out[o][oc]) == gold.at(o, oc));  // out fields are 16-bit, ReLU'd: non-negative

    const auto acc_t = read_text(dir + "/acc_address.txt");
    BOOST_REQUIRE_EQUAL(acc_t.data.size(), std::size_t{L.out_positions()} * L.kernel_positions());
    BOOST_TEST(acc_t.header == (std::vector<std::string>{"#acc_address", fmt::format("#kij*{}+nij,{}b", L.positions(),
                                                                                     acc_t.data.front().size()),
                                                         "#lines:onij0kij0,onij0kij1.."}),
               boost::test_tools::per_element());
    const unsigned itiles = (L.in_channels + tin - 1) / tin, otiles = (L.out_channels + tout - 1) / tout;
    std::vector<std::vector<std::int64_t>> acc(L.out_positions(), std::vector<std::int64_t>(otiles * tout, 0));
    for (unsigned i = 0; i < itiles; ++i)
        for (unsigned o = 0; o < otiles; ++o) {
            std::vector<std::vector<std::int64_t>> flat;  // [kij * N + nij][c]: the pmem image
            for (unsigned k = 0; k < L.kernel_positions(); ++k) {
                const auto p = decode_lanes(dir + "/" + name(canonical_names::psum, i, o, k), tout, L.psum_bits);
                BOOST_REQUIRE_EQUAL(p.size(), L.positions());
                const auto g = golden_psums(layer, i * tin, tin, o * tout, tout, k);
                for (unsigned nij = 0; nij < L.positions(); ++nij)
                    for (unsigned c = 0; c < tout; ++c) BOOST_TEST(p[nij][c] == g[std::size_t{nij} * tout + c]);
                flat.insert(flat.end(), p.begin(), p.end());
            }
            for (unsigned o2 = 0; o2 < L.out_positions(); ++o2)
                for (unsigned k = 0; k < L.kernel_positions(); ++k) {
                    const auto addr = std::stoull(acc_t.data[std::size_t{o2} * L.kernel_positions() + k], nullptr, 2);
                    BOOST_REQUIRE_LT(addr, flat.size());
                    for (unsigned c = 0; c < tout; ++c)
                        acc[o2][o * tout + c] = wrap_signed(acc[o2][o * tout + c] + flat[addr][c], L.psum_bits);
                }
        }
    for (unsigned o = 0; o < L.out_positions(); ++o)
        for (unsigned oc = 0; oc < otiles * tout; ++oc)
            BOOST_TEST(relu(acc[o][oc]) == (oc < L.out_channels ? gold.at(o, oc) : 0));
}

gen_options options_in(const temp_dir& t) {
    gen_options o;
    o.out_dir = t.str();
    return o;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(generator)

BOOST_AUTO_TEST_CASE(canonical_style_has_the_4bit_format_of_inq_ws4_p1) {
    temp_dir t("inq");
    gen_options o = options_in(t);
    o.sets = {"format.header_style=canonical"};
    run_generator(o);
    const std::string ref = external("inq-ws4-p1");
    unsigned compared = 0;
    for (const auto& e : fs::directory_iterator(ref)) {
        const std::string fname = e.path().filename().string();
        if (fname == "SOURCE.md") continue;
        BOOST_REQUIRE_MESSAGE(fs::exists(t / fname), "gen did not write " << fname);
        const auto mine = read_text(t / fname), theirs = read_text(ref + fname);
        BOOST_TEST(mine.data.size() == theirs.data.size(), fname);
        BOOST_TEST(mine.data.front().size() == theirs.data.front().size(), fname);
        if (fname == "out.txt")  // inq's out.txt has the typo "co7"; the notebook text is yas-2b's
            BOOST_TEST(mine.header == read_text(external("yas-2b") + "out.txt").header, boost::test_tools::per_element());
        else
            BOOST_TEST(mine.header == theirs.header, boost::test_tools::per_element());
        ++compared;
    }
    BOOST_TEST(compared == 11u);
    // Every line ends with \n (no \r), the file ends with one.
    const std::string raw = slurp(t / "activation_tile0.txt");
    BOOST_TEST(raw.find('\r') == std::string::npos);
    BOOST_TEST(raw.back() == '\n');
}

BOOST_AUTO_TEST_CASE(two_bit_set_has_the_format_of_yas_2b) {
    temp_dir t("yas");
    gen_options o = options_in(t);
    o.in_channels = 16;
    o.act_bits = 2;
    o.sets = {"format.header_style=canonical"};
    run_generator(o);
    const std::string ref = external("yas-2b");
    auto same_shape = [](const std::string& mine_path, const std::string& ref_path) {
        const auto mine = read_text(mine_path), theirs = read_text(ref_path);
        BOOST_TEST(mine.header == theirs.header, boost::test_tools::per_element());
        BOOST_TEST(mine.data.size() == theirs.data.size(), mine_path);
        BOOST_TEST(mine.data.front().size() == theirs.data.front().size(), mine_path);
    };
    same_shape(t / "activation_tile0.txt", ref + "activation.txt");
    for (unsigned k = 0; k < 9; ++k)
        same_shape(t / name(canonical_names::weight, 0, 0, k), ref + "weight_kij" + std::to_string(k) + ".txt");
    same_shape(t / "out.txt", ref + "out.txt");
}

BOOST_AUTO_TEST_CASE(rewrites_real_sets_bit_for_bit) {
    // Decode the instructor-format sets with this test's reader, write them back with the
    // canonical writers: every file must come out byte-identical (inq's out.txt header aside).
    struct real_set {
        const char* dir;
        unsigned in_ch, act_bits;
        const char* act;
        const char* weight;
    };
    for (const real_set& s : {real_set{"inq-ws4-p1", 8, 4, "activation_tile0.txt", "weight_itile0_otile0_kij{k}.txt"},
                              real_set{"yas-2b", 16, 2, "activation.txt", "weight_kij{k}.txt"}}) {
        BOOST_TEST_CONTEXT(s.dir) {
            layer_keys L;
            L.in_channels = s.in_ch;
            L.act_bits = s.act_bits;
            const layer_data d = decode_set(external(s.dir), L, s.in_ch, 8, s.act, s.weight);
            temp_dir t("rw");
            write_vector_set(t.str(), d, tile_keys{s.in_ch, 8}, golden_output(d, true));
            BOOST_TEST(slurp(t / "activation_tile0.txt") == slurp(external(s.dir) + s.act));
            for (unsigned k = 0; k < 9; ++k)
                BOOST_TEST(slurp(t / name(canonical_names::weight, 0, 0, k)) == slurp(external(s.dir) + name(s.weight, 0, 0, k)),
                           "kij " << k);
            BOOST_TEST(read_text(t / "out.txt").data == read_text(external(s.dir) + "out.txt").data,
                       boost::test_tools::per_element());
            if (std::string(s.dir) == "yas-2b") BOOST_TEST(slurp(t / "out.txt") == slurp(external(s.dir) + "out.txt"));
            BOOST_TEST(!fs::exists(t / "psum_itile0_otile0_kij0.txt"));  // no psum source given
        }
    }
}

BOOST_AUTO_TEST_CASE(writes_psum_and_acc_files_like_the_10x10_set) {
    // yrn-ws4-10x10 ships psum and acc files (10x10 padded -> 8x8 outputs, 576 addresses).
    layer_keys L;
    L.padded_height = L.padded_width = 10;
    const std::string ref = external("yrn-ws4-10x10");
    const layer_data d = decode_set(ref, L, 8, 8);
    temp_dir t("yrn");
    write_vector_set(t.str(), d, tile_keys{8, 8}, golden_output(d, true),
                     [&d](unsigned a, unsigned b, unsigned c, unsigned e, unsigned k) { return golden_psums(d, a, b, c, e, k); });
    for (unsigned k = 0; k < 9; ++k)
        BOOST_TEST(slurp(t / name(canonical_names::psum, 0, 0, k)) == slurp(ref + "psum_kij" + std::to_string(k) + ".txt"),
                   "kij " << k);
    BOOST_TEST(read_text(t / "acc_address.txt").data == read_text(ref + "acc_address.txt").data, boost::test_tools::per_element());
    BOOST_TEST(read_text(t / "out.txt").data == read_text(ref + "out.txt").data, boost::test_tools::per_element());
    // dsanei-ws4 lists the 6x6 addresses (with 3 header lines of its own).
    temp_dir t6("acc6");
    write_acc_file(t6 / "acc.txt", layer_keys{});
    BOOST_TEST(read_text(t6 / "acc.txt").data == read_text(external("dsanei-ws4") + "acc.txt").data, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(generated_sets_decode_back_to_their_layer) {
    struct point {
        unsigned in_ch, out_ch, h, w, k, pad, act_bits, weight_bits, tin, tout;
    };
    const point points[] = {
        {8, 8, 4, 4, 3, 1, 4, 4, 0, 8},     // layer 27
        {20, 3, 7, 5, 3, 1, 4, 4, 8, 8},    // 3 input tiles (last partial), 1 partial output tile
        {3, 20, 4, 4, 3, 0, 2, 4, 4, 16},   // 2-bit, narrow input tile, 2 output tiles
        {16, 16, 1, 1, 3, 1, 2, 3, 16, 8},  // 1x1 map, 3-bit weights
        {5, 7, 6, 6, 5, 2, 4, 2, 16, 4},    // 5x5 kernel, wide input tile
        {1, 1, 3, 3, 1, 0, 4, 4, 0, 8},     // one channel, 1x1 kernel
    };
    for (const point& p : points) {
        temp_dir t("pt");
        gen_options o = options_in(t);
        o.in_channels = p.in_ch;
        o.out_channels = p.out_ch;
        o.height = p.h;
        o.width = p.w;
        o.kernel = p.k;
        o.pad = p.pad;
        o.act_bits = p.act_bits;
        o.weight_bits = p.weight_bits;
        o.tile_in = p.tin;
        o.tile_out = p.tout;
        o.seed = 1000 + p.in_ch;
        BOOST_TEST_CONTEXT("in " << p.in_ch << " out " << p.out_ch << " map " << p.h << "x" << p.w << " k " << p.k
                                 << " act " << p.act_bits << " tiles " << p.tin << "x" << p.tout) {
            run_generator(o);
            const layer_data layer = make_generated_layer(o);
            BOOST_TEST(layer.shape.padded_height == p.h + 2 * p.pad);
            // The padding ring is zero.
            for (unsigned ic = 0; ic < p.in_ch; ++ic)
                for (unsigned r = 0; r < layer.shape.padded_height; ++r)
                    for (unsigned c = 0; c < layer.shape.padded_width; ++c)
                        if (r < p.pad || c < p.pad || r >= p.pad + p.h || c >= p.pad + p.w)
                            BOOST_TEST(layer.act_at(ic, r * layer.shape.padded_width + c) == 0);
            check_generated_set(t.str(), layer, p.tin ? p.tin : 32 / p.act_bits, p.tout);
        }
    }
}

BOOST_AUTO_TEST_CASE(round_trips_through_the_vector_set_reader) {
    struct point {
        unsigned in_ch, out_ch, h, w, k, act_bits, tin, tout;
    };
    for (const point& p : {point{8, 8, 4, 4, 3, 4, 0, 8}, point{20, 12, 7, 5, 3, 2, 0, 16},
                           point{3, 20, 4, 6, 3, 2, 4, 16}, point{9, 5, 3, 3, 5, 4, 8, 4}}) {
        temp_dir t("rt");
        gen_options o = options_in(t);
        o.in_channels = p.in_ch;
        o.out_channels = p.out_ch;
        o.height = p.h;
        o.width = p.w;
        o.kernel = p.k;
        o.pad = p.k / 2;
        o.act_bits = p.act_bits;
        o.tile_in = p.tin;
        o.tile_out = p.tout;
        BOOST_TEST_CONTEXT("in " << p.in_ch << " out " << p.out_ch << " k " << p.k << " act " << p.act_bits) {
            run_generator(o);
            const layer_data layer = make_generated_layer(o);
            const vector_set vs = load_vector_set(t.str(), accel_config{}, {}, true);
            BOOST_TEST(vs.layer.shape.in_channels == p.in_ch);
            BOOST_TEST(vs.layer.shape.out_channels == p.out_ch);
            BOOST_TEST(vs.layer.shape.padded_height == layer.shape.padded_height);
            BOOST_TEST(vs.layer.shape.kernel_h == p.k);
            BOOST_TEST(vs.layer.shape.kernel_w == p.k);
            BOOST_TEST(vs.layer.act == layer.act, boost::test_tools::per_element());
            BOOST_TEST(vs.layer.weight == layer.weight, boost::test_tools::per_element());
            BOOST_REQUIRE(vs.expected.output.has_value());
            BOOST_TEST(vs.expected.output->values == golden_output(layer, true).values, boost::test_tools::per_element());
            const unsigned tin = vs.config.tile_in_channels(), tout = vs.config.tiles.out_channels;
            const unsigned blocks = ((p.in_ch + tin - 1) / tin) * ((p.out_ch + tout - 1) / tout) * p.k * p.k;
            BOOST_TEST(vs.expected.psums.size() == blocks);
            for (const auto& b : vs.expected.psums)
                BOOST_TEST(b.values == golden_psums(layer, b.itile * tin, tin, b.otile * tout, tout, b.kij),
                           boost::test_tools::per_element());
            BOOST_REQUIRE(vs.expected.acc.has_value());
            BOOST_TEST(vs.expected.acc->size() == std::size_t{layer.shape.out_positions()} * p.k * p.k);
        }
    }
}

BOOST_AUTO_TEST_CASE(strided_and_non_square_sets_run_bit_exact) {
    // --stride, --kernel-h, --kernel-w: the manifest carries the keys, the acc addresses sum the
    // psums into the golden output (check_generated_set), the reader decodes the same layer,
    // and the model (both fidelities, both schedules, an array and memories that split it)
    // reproduces out.txt.
    struct point {
        unsigned in_ch, out_ch, h, w, kh, kw, stride, pad;
    };
    for (const point& p : {point{5, 9, 7, 6, 3, 3, 2, 1}, point{4, 6, 6, 7, 3, 1, 1, 1}, point{9, 3, 5, 8, 1, 3, 3, 0},
                           point{6, 10, 8, 8, 2, 2, 2, 0}, point{3, 4, 9, 9, 7, 5, 2, 1}, point{12, 5, 1, 1, 1, 1, 1, 0}}) {
        temp_dir t("st");
        gen_options o = options_in(t);
        o.in_channels = p.in_ch;
        o.out_channels = p.out_ch;
        o.height = p.h;
        o.width = p.w;
        o.kernel_h = p.kh;
        o.kernel_w = p.kw;
        o.stride = p.stride;
        o.pad = p.pad;
        BOOST_TEST_CONTEXT("in " << p.in_ch << " out " << p.out_ch << " map " << p.h << "x" << p.w << " filter "
                                 << p.kh << "x" << p.kw << " stride " << p.stride) {
            run_generator(o);
            const layer_data layer = make_generated_layer(o);
            BOOST_TEST(layer.shape.out_height() == (p.h + 2 * p.pad - p.kh) / p.stride + 1);
            check_generated_set(t.str(), layer, 8, 8);
            const vector_set vs = load_vector_set(t.str(), accel_config{}, {}, true);
            BOOST_TEST(vs.layer.shape.kernel_h == p.kh);
            BOOST_TEST(vs.layer.shape.kernel_w == p.kw);
            BOOST_TEST(vs.layer.shape.stride == p.stride);
            BOOST_TEST(vs.layer.weight == layer.weight, boost::test_tools::per_element());
            BOOST_REQUIRE(vs.expected.output.has_value());
            for (auto kind : {schedule_kind::reference, schedule_kind::overlapped})
                for (auto f : {fidelity::cycle, fidelity::lt}) {
                    accel_config cfg = vs.config;
                    cfg.arch.schedule = kind;
                    cfg.arch.model = f;
                    cfg.arch.rows = 4;
                    cfg.arch.cols = 4;
                    cfg.arch.xmem.words = 2 * std::max(8u, p.kh * p.kw + 1 + 6);
                    cfg.arch.pmem.words = p.kh * p.kw + 2 + 5;
                    const run_result r = run_layer(cfg, vs.layer);
                    BOOST_TEST(r.output.values == vs.expected.output->values, boost::test_tools::per_element());
                }
        }
    }
}

BOOST_AUTO_TEST_CASE(manifest_describes_the_set) {
    temp_dir t("toml");
    gen_options o = options_in(t);
    o.in_channels = 20;
    o.out_channels = 12;
    o.height = 7;
    o.width = 5;
    o.act_bits = 2;
    o.tile_out = 16;
    run_generator(o);
    accel_config cfg;
    load_manifest_file(cfg, t / "vectorset.toml");
    BOOST_TEST(cfg.dir == ".");
    BOOST_TEST(cfg.layer.in_channels == 20u);
    BOOST_TEST(cfg.layer.out_channels == 12u);
    BOOST_TEST(cfg.layer.padded_height == 9u);
    BOOST_TEST(cfg.layer.padded_width == 7u);
    BOOST_TEST(cfg.layer.act_bits == 2u);
    BOOST_TEST(cfg.tiles.in_channels == 16u);
    BOOST_TEST(cfg.tiles.out_channels == 16u);
    BOOST_TEST(cfg.files.psum == "psum_itile{i}_otile{o}_kij{k}.txt");
    BOOST_TEST(cfg.files.acc == "acc_address.txt");
    BOOST_TEST(cfg.format.header_lines == 3);
    BOOST_TEST(cfg.format.output_relu);
    BOOST_TEST(cfg.problems().empty());
    // Both tiles' files exist, nothing more.
    BOOST_TEST(fs::exists(t / "activation_tile1.txt"));
    BOOST_TEST(!fs::exists(t / "activation_tile2.txt"));
    BOOST_TEST(fs::exists(t / "weight_itile1_otile0_kij8.txt"));
    BOOST_TEST(!fs::exists(t / "weight_itile0_otile1_kij0.txt"));
}

BOOST_AUTO_TEST_CASE(random_tensors_are_seeded_and_realistic) {
    gen_options o;
    o.out_dir = "unused";
    o.in_channels = 64;
    o.out_channels = 64;
    o.height = o.width = 8;
    const layer_data a = make_generated_layer(o);
    const layer_data b = make_generated_layer(o);
    BOOST_TEST(a.act == b.act, boost::test_tools::per_element());
    BOOST_TEST(a.weight == b.weight, boost::test_tools::per_element());
    o.seed = 2;
    const layer_data c = make_generated_layer(o);
    BOOST_TEST((a.act != c.act && a.weight != c.weight));

    std::size_t zeros = 0, top = 0, inner = 0;
    const unsigned pw = a.shape.padded_width;
    for (unsigned ic = 0; ic < 64; ++ic)
        for (unsigned r = 1; r <= 8; ++r)
            for (unsigned col = 1; col <= 8; ++col, ++inner) {
                const auto v = a.act_at(ic, r * pw + col);
                zeros += v == 0;
                top += v == 15;
            }
    const double zero_share = double(zeros) / double(inner);
    BOOST_TEST(zero_share > 0.35);  // ReLU-like: many zeros ...
    BOOST_TEST(zero_share < 0.75);
    BOOST_TEST(top > 0u);           // ... and the whole range
    std::vector<std::size_t> hist(16, 0);
    for (auto w : a.weight) ++hist[static_cast<std::size_t>(w + 8)];
    for (unsigned v = 0; v < 16; ++v) BOOST_TEST(hist[v] > 0u, "weight " << int(v) - 8 << " never drawn");
    BOOST_TEST(hist[8] > hist[0]);  // concentrated around zero
}

BOOST_AUTO_TEST_CASE(bundled_default_set_is_the_documented_command) {
    // vectors/default/ = satlm gen --out vectors/default --set format.header_style=canonical
    // (all defaults, seed 1; the bundled set keeps the notebook's header lines).
    temp_dir t("def");
    gen_options o = options_in(t);
    o.sets = {"format.header_style=canonical"};
    run_generator(o);
    const std::string bundled = satlm::test::source_dir() + "/vectors/default/";
    unsigned files = 0;
    for (const auto& e : fs::directory_iterator(t.path)) {
        const std::string fname = e.path().filename().string();
        BOOST_TEST(slurp(e.path().string()) == slurp(bundled + fname), fname);
        ++files;
    }
    BOOST_TEST(files == 1u + 9u + 9u + 3u);  // activation, weights, psums, acc + out + toml
}

BOOST_AUTO_TEST_CASE(rejects_bad_options_with_one_line) {
    struct bad {
        std::function<void(gen_options&)> set;
        std::string expect;
    };
    const std::vector<bad> cases = {
        {[](gen_options& o) { o.kernel = 0; }, "--kernel: expected 1..4096, got 0"},
        {[](gen_options& o) { o.stride = 0; }, "--stride: expected 1..4096, got 0"},
        {[](gen_options& o) { o.kernel_w = 7; }, "--kernel-w: a 3x7 kernel does not fit the padded 6x6 map"},
        {[](gen_options& o) { o.kernel = 7; o.pad = 0; }, "--kernel: a 7x7 kernel does not fit the padded 4x4 map"},
        {[](gen_options& o) { o.act_bits = 3; }, "--act-bits: expected 4 or 2, got 3"},
        {[](gen_options& o) { o.weight_bits = 8; }, "--weight-bits"},
        {[](gen_options& o) { o.act_bits = 2; o.tile_in = 7; }, "--tile-in: 2-bit mode packs channels in pairs"},
        {[](gen_options& o) { o.tile_out = 0; }, "--tile-out"},
        {[](gen_options& o) { o.in_channels = 0; }, "--in-ch: expected 1..4096, got 0"},
        {[](gen_options& o) { o.height = 0; }, "--height"},
        {[](gen_options& o) { o.out_dir.clear(); }, "--out: expected the output folder"},
        {[](gen_options& o) { o.act_alpha = 2; }, "--act-alpha: applies only to float tensors"},
        {[](gen_options& o) { o.act_npy = "a.npy"; }, "--from-npy: expected two files"},
    };
    for (const auto& c : cases) {
        gen_options o;
        o.out_dir = "unused";
        c.set(o);
        const std::string msg = error_of<input_error>([&] { make_generated_layer(o); });
        BOOST_TEST(msg.find(c.expect) != std::string::npos, "expected '" << c.expect << "' in: " << msg);
        BOOST_TEST(msg.find('\n') == std::string::npos);
    }
    gen_options o;
    o.out_dir = "/proc/satlm_cannot_write_here";
    const std::string msg = error_of<input_error>([&] { run_generator(o); });
    BOOST_TEST(msg.find("/proc/satlm_cannot_write_here") != std::string::npos, msg);
}

BOOST_AUTO_TEST_CASE(cli_options_fill_gen_options) {
    CLI::App app;
    gen_options o;
    add_gen_options(app, o);
    std::vector<std::string> args = {"--out", "d", "--in-ch", "20", "--act-bits", "2", "--tile-in", "16",
                                     "--from-npy", "a.npy", "w.npy", "--act-alpha", "1.5", "--seed", "9"};
    std::reverse(args.begin(), args.end());  // CLI11 parses a reversed vector
    app.parse(args);
    BOOST_TEST(o.out_dir == "d");
    BOOST_TEST(o.in_channels == 20u);
    BOOST_TEST(o.act_bits == 2u);
    BOOST_TEST(o.tile_in == 16u);
    BOOST_TEST(o.act_npy == "a.npy");
    BOOST_TEST(o.weight_npy == "w.npy");
    BOOST_TEST(o.act_alpha == 1.5);
    BOOST_TEST(o.seed == 9u);
    BOOST_TEST(o.out_channels == 8u);
    BOOST_TEST(o.given == (std::set<std::string>{"in-ch", "act-bits", "tile-in", "seed"}), boost::test_tools::per_element());

    CLI::App app2;
    gen_options o2;
    add_gen_options(app2, o2);
    std::vector<std::string> missing = {"--in-ch", "3"};
    BOOST_CHECK_THROW(app2.parse(missing), CLI::ParseError);  // --out is required

    // Seeds must be plain digits that fit 64 bits (CLI11 alone wraps -1 and saturates overflow);
    // alphas must be positive, said in a few words.
    const std::vector<std::pair<std::vector<std::string>, std::string>> bad = {
        {{"--seed", "-1"}, "--seed: expected a whole number 0..18446744073709551615, got -1"},
        {{"--seed", "99999999999999999999"},
         "--seed: expected a whole number 0..18446744073709551615, got 99999999999999999999"},
        {{"--seed", "18446744073709551616"},
         "--seed: expected a whole number 0..18446744073709551615, got 18446744073709551616"},
        {{"--seed", "1e3"}, "--seed: expected a whole number 0..18446744073709551615, got 1e3"},
        {{"--act-alpha", "-1"}, "--act-alpha: expected a positive number, got -1"},
        {{"--weight-alpha", "0"}, "--weight-alpha: expected a positive number, got 0"},
        {{"--weight-alpha", "nan"}, "--weight-alpha: expected a positive number, got nan"},
    };
    for (const auto& [opts, expect] : bad) {
        CLI::App a;
        gen_options g;
        add_gen_options(a, g);
        std::vector<std::string> v = {"--out", "d"};
        v.insert(v.end(), opts.begin(), opts.end());
        std::reverse(v.begin(), v.end());
        std::string msg;
        try {
            a.parse(v);
        } catch (const CLI::ParseError& e) {
            msg = e.what();
        }
        BOOST_TEST(msg == expect);
    }
    CLI::App a3;
    gen_options g3;
    add_gen_options(a3, g3);
    std::vector<std::string> top = {"18446744073709551615", "--seed", "d", "--out"};
    a3.parse(top);
    BOOST_TEST(g3.seed == 18446744073709551615u);
    BOOST_TEST(parse_seed("0").value_or(1) == 0u);
    BOOST_TEST(!parse_seed("").has_value());
    BOOST_TEST(!parse_seed("+5").has_value());
    BOOST_TEST(!parse_seed("000000000000000000001").has_value());  // 21 digits
}

BOOST_AUTO_TEST_CASE(builds_the_layer_from_npy_tensors) {
    if (std::system((py + " -c 'import numpy' >/dev/null 2>&1").c_str()) != 0) {
        BOOST_FAIL("python3-numpy is not installed (./setup.sh installs it): .npy input not checked");
    }
    temp_dir t("npy");
    const std::string script =
        "import numpy as np, sys\n"
        "d = sys.argv[1]\n"
        "a = (np.arange(3 * 2 * 5).reshape(3, 2, 5) % 16)\n"
        "w = (np.arange(4 * 3 * 9).reshape(4, 3, 3, 3) % 16) - 8\n"
        "np.save(d + '/a_u8.npy', a.astype('u1'))\n"
        "np.save(d + '/w_i8.npy', w.astype('i1'))\n"
        "np.save(d + '/a_i64be.npy', a.astype('>i8'))\n"
        "np.save(d + '/w_i16be.npy', w.astype('>i2'))\n"
        "np.save(d + '/a_f32.npy', (a / 15.0 * 2.0).astype('f4'))\n"
        "np.save(d + '/w_f64.npy', (w / 7.0 * 0.5))\n"
        "np.save(d + '/a_bad.npy', (a + 1).astype('i4'))\n"
        "np.save(d + '/a_rank4.npy', a[None].astype('i4'))\n"
        "np.save(d + '/w_even.npy', np.zeros((4, 3, 2, 2), 'i4'))\n"
        "np.save(d + '/w_ch.npy', np.zeros((4, 5, 3, 3), 'i4'))\n";
    std::ofstream(t / "make.py") << script;
    BOOST_REQUIRE(std::system((py + " " + (t / "make.py") + " " + t.str()).c_str()) == 0);

    auto from = [&](const std::string& a, const std::string& w) {
        gen_options o = options_in(t);
        o.act_npy = t / a;
        o.weight_npy = t / w;
        return o;
    };
    const layer_data x = make_generated_layer(from("a_u8.npy", "w_i8.npy"));
    BOOST_TEST(x.shape.in_channels == 3u);
    BOOST_TEST(x.shape.out_channels == 4u);
    BOOST_TEST(x.shape.padded_height == 4u);
    BOOST_TEST(x.shape.padded_width == 7u);
    for (unsigned ic = 0; ic < 3; ++ic)
        for (unsigned r = 0; r < 2; ++r)
            for (unsigned c = 0; c < 5; ++c) BOOST_TEST(x.act_at(ic, (r + 1) * 7 + c + 1) == (ic * 10 + r * 5 + c) % 16);
    for (unsigned i = 0; i < x.weight.size(); ++i) BOOST_TEST(x.weight[i] == int(i % 16) - 8);
    const layer_data y = make_generated_layer(from("a_i64be.npy", "w_i16be.npy"));
    BOOST_TEST(y.act == x.act, boost::test_tools::per_element());
    BOOST_TEST(y.weight == x.weight, boost::test_tools::per_element());

    // Float tensors quantized with the alphas: act 2.0 -> 15 steps, weights 0.5 -> 7 steps.
    gen_options f = from("a_f32.npy", "w_f64.npy");
    f.act_alpha = 2.0;
    f.weight_alpha = 0.5;
    const layer_data z = make_generated_layer(f);
    BOOST_TEST(z.act == x.act, boost::test_tools::per_element());
    for (unsigned i = 0; i < z.weight.size(); ++i)  // -8 clips to -alpha: -7
        BOOST_TEST(z.weight[i] == std::max(-7, int(i % 16) - 8));

    struct bad {
        gen_options o;
        std::string expect;
    };
    gen_options contradict = from("a_u8.npy", "w_i8.npy");
    contradict.in_channels = 8;
    contradict.given = {"in-ch"};
    gen_options no_alpha = from("a_f32.npy", "w_i8.npy");
    gen_options alpha_on_int = from("a_u8.npy", "w_i8.npy");
    alpha_on_int.weight_alpha = 1.0;
    gen_options two_bit = from("a_u8.npy", "w_i8.npy");
    two_bit.act_bits = 2;
    gen_options kernel_given = from("a_u8.npy", "w_even.npy");  // 2x2 weights, --kernel 3
    kernel_given.given = {"kernel"};
    const std::vector<bad> cases = {
        {from("a_bad.npy", "w_i8.npy"), "a_bad.npy: element [1, 1, 0] = 16 is out of range: expected 4-bit unsigned activations 0..15"},
        {two_bit, "a_u8.npy: element [0, 0, 4] = 4 is out of range: expected 2-bit unsigned activations 0..3"},
        {from("a_rank4.npy", "w_i8.npy"), "a_rank4.npy: expected an activation tensor [C, H, W] (rank 3), got shape (1, 3, 2, 5)"},
        {from("a_u8.npy", "a_u8.npy"), "a_u8.npy: expected a weight tensor [K, C, kh, kw] (rank 4), got shape (3, 2, 5)"},
        {kernel_given, "--kernel 3 contradicts"},
        {from("a_u8.npy", "w_ch.npy"), "w_ch.npy: expected 3 input channels (dimension 1) to match"},
        {from("missing.npy", "w_i8.npy"), "missing.npy: cannot open the .npy file"},
        {no_alpha, "a_f32.npy: a float32 tensor needs --act-alpha"},
        {alpha_on_int, "w_i8.npy: --weight-alpha applies to float tensors, this one is int8"},
        {contradict, "--in-ch 8 contradicts"},
    };
    for (const auto& c : cases) {
        const std::string msg = error_of<input_error>([&] { make_generated_layer(c.o); });
        BOOST_TEST(msg.find(c.expect) != std::string::npos, "expected '" << c.expect << "' in: " << msg);
        BOOST_TEST(msg.find('\n') == std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(quantizes_with_round_half_even) {
    BOOST_TEST(quantize_activation(-1.0, 1.0, 4) == 0);
    BOOST_TEST(quantize_activation(5.0, 1.0, 4) == 15);
    BOOST_TEST(quantize_activation(0.5, 1.0, 2) == 2);       // 1.5 -> 2
    BOOST_TEST(quantize_activation(2.5 / 15, 1.0, 4) == 2);  // 2.5 -> 2 (even)
    BOOST_TEST(quantize_activation(3.5 / 3, 3.5, 2) == 1);
    BOOST_TEST(quantize_weight(-9.0, 2.0, 4) == -7);
    BOOST_TEST(quantize_weight(1.0, 2.0, 4) == 4);           // 3.5 -> 4 (even)
    BOOST_TEST(quantize_weight(-0.5 / 7 * 2.0, 2.0, 4) == 0);  // -0.5 -> -0
    BOOST_TEST(quantize_weight(0.1, 2.0, 2) == 0);
}

BOOST_AUTO_TEST_CASE(exports_a_torch_layer_and_reproduces_its_integer_conv) {
    if (std::system((py + " -c 'import torch, numpy' >/dev/null 2>&1").c_str()) != 0) {
        BOOST_FAIL("python3-torch is not installed (./setup.sh installs it): export_torch.py not checked");
    }
    temp_dir t("torch");
    const std::string script = satlm::test::source_dir() + "/vectors/export_torch.py";
    BOOST_REQUIRE(std::system((py + " " + script + " --self-test " + (t / "npy") + " >/dev/null").c_str()) == 0);
    const auto info = nlohmann::json::parse(slurp(t / "npy/export.json"));
    const npy_array ref = read_npy(t / "npy/ref_out.npy");  // ReLU(int conv) by torch, [K, Ho, Wo]

    gen_options o = options_in(t);
    o.out_dir = t / "set";
    o.act_npy = t / "npy/act.npy";
    o.weight_npy = t / "npy/weight.npy";
    o.pad = info["pad"].get<unsigned>();
    run_generator(o);
    const unsigned K = info["out_channels"].get<unsigned>();
    BOOST_REQUIRE_EQUAL(ref.shape.size(), 3u);
    BOOST_REQUIRE_EQUAL(ref.shape[0], K);
    const auto out = decode_lanes(t / "set/out.txt", K, 16);
    const std::size_t pixels = ref.shape[1] * ref.shape[2];
    BOOST_REQUIRE_EQUAL(out.size(), pixels);
    std::size_t nonzero = 0;
    for (std::size_t p = 0; p < pixels; ++p)
        for (unsigned k = 0; k < K; ++k) {
            BOOST_TEST(out[p][k] == ref.ints[k * pixels + p], "pixel " << p << " oc " << k);
            nonzero += out[p][k] != 0;
        }
    BOOST_TEST(nonzero > 0u);

    // The float tensors with the alphas give the same layer as the exported integers.
    gen_options f = o;
    f.act_npy = t / "npy/act_float.npy";
    f.weight_npy = t / "npy/weight_float.npy";
    f.act_alpha = info["act_alpha"].get<double>();
    f.weight_alpha = info["weight_alpha"].get<double>();
    const layer_data a = make_generated_layer(o), b = make_generated_layer(f);
    BOOST_TEST(a.act == b.act, boost::test_tools::per_element());
    BOOST_TEST(a.weight == b.weight, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
