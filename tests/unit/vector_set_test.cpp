// The vector-set loader (vectors/vector_set.h): inference of the keys the manifest leaves
// open, key precedence and sources, decoding of tiled / 2-bit / reordered files, and every kind
// of bad manifest or contradicting key with its one-line message. Sets are written here into
// a temp folder from a seeded random layer.

#include "tlm/bits.h"
#include "tlm/report.h"
#include "vectors/vector_set.h"

#include "support/random_layer.h"

#include "support/temp_folder.h"

#include "support/error_of.h"

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace satlm;
using satlm::test::error_of;
using satlm::test::temp_folder;
using satlm::test::random_layer;

namespace {


std::string bits_of(std::uint64_t v, unsigned bits) {
    std::string s;
    for (unsigned b = bits; b-- > 0;) s += ((v >> b) & 1) ? '1' : '0';
    return s;
}

/// How the test writes a set (file tiling and order); defaults = the canonical format.
struct set_style {
    unsigned tin = 8, tout = 8;
    bool weight_has_k = true;
    bool out_per_tile = false;  ///< out_o{o}.txt instead of one out.txt
    bool out_low_first = false;
    bool relu = true;
    std::string header = "#h\n#h\n#h\n";
};

std::int64_t conv(const layer_data& d, unsigned oc, unsigned onij) {
    const auto& L = d.shape;
    std::int64_t s = 0;
    for (unsigned kij = 0; kij < L.kernel_positions(); ++kij)
        for (unsigned ic = 0; ic < L.in_channels; ++ic)
            s += d.weight_at(oc, ic, kij) *
                 d.act_at(ic, (onij / L.out_width() * L.stride + kij / L.kernel_w) * L.padded_width +
                                  onij % L.out_width() * L.stride + kij % L.kernel_w);
    return wrap_signed(s, L.psum_bits);
}

/// Writes act_{i}.txt, w_i{i}_o{o}[_k{k}].txt and out.txt / out_o{o}.txt; returns the
/// manifest [files] text that names them.
std::string write_set(const temp_folder& t, const layer_data& d, const set_style& s) {
    const auto& L = d.shape;
    const unsigned it = static_cast<unsigned>(ceil_div(L.in_channels, s.tin));
    const unsigned ot = static_cast<unsigned>(ceil_div(L.out_channels, s.tout));
    const unsigned cpl = L.act_bits == 2 ? 2 : 1;
    for (unsigned i = 0; i < it; ++i) {
        std::string a = s.header;
        for (unsigned nij = 0; nij < L.positions(); ++nij) {
            for (unsigned j = 0; j < s.tin; ++j) {
                const unsigned ic = i * s.tin + s.tin - 1 - j;
                a += bits_of(ic < L.in_channels ? d.act_at(ic, nij) : 0, L.act_bits);
            }
            a += "\n";
        }
        t.write("act_" + std::to_string(i) + ".txt", a);
        for (unsigned o = 0; o < ot; ++o) {
            std::string all = s.header;
            for (unsigned k = 0; k < L.kernel_positions(); ++k) {
                std::string w;
                for (unsigned c = 0; c < s.tout; ++c)
                    for (unsigned part = 0; part < cpl; ++part) {
                        for (unsigned j = 0; j < s.tin / cpl; ++j) {
                            const unsigned lane = s.tin / cpl - 1 - j;
                            const unsigned ic = i * s.tin + (cpl == 2 ? 2 * lane + part : lane);
                            const unsigned oc = o * s.tout + c;
                            const int v = ic < L.in_channels && oc < L.out_channels
                                              ? d.weight_at(oc, ic, k)
                                              : 0;
                            w += bits_of(to_field(v, L.weight_bits), L.weight_bits);
                        }
                        w += "\n";
                    }
                if (s.weight_has_k)
                    t.write("w_i" + std::to_string(i) + "_o" + std::to_string(o) + "_k" +
                                std::to_string(k) + ".txt",
                            s.header + w);
                all += w;
            }
            if (!s.weight_has_k)
                t.write("w_i" + std::to_string(i) + "_o" + std::to_string(o) + ".txt", all);
        }
    }
    const unsigned files = s.out_per_tile ? ot : 1;
    const unsigned per = s.out_per_tile ? s.tout : L.out_channels;
    for (unsigned o = 0; o < files; ++o) {
        std::string text = s.header;
        for (unsigned onij = 0; onij < L.out_positions(); ++onij) {
            for (unsigned j = 0; j < per; ++j) {
                const unsigned oc =
                    (s.out_per_tile ? o * s.tout : 0) + (s.out_low_first ? j : per - 1 - j);
                const std::int64_t v = oc < L.out_channels ? conv(d, oc, onij) : 0;
                text += bits_of(to_field(s.relu ? relu(v) : v, L.psum_bits), L.psum_bits);
            }
            text += "\n";
        }
        t.write(s.out_per_tile ? "out_o" + std::to_string(o) + ".txt" : "out.txt", text);
    }
    return std::string("[files]\nactivation = \"act_{i}.txt\"\n") +
           (s.weight_has_k ? "weight = \"w_i{i}_o{o}_k{k}.txt\"\n"
                           : "weight = \"w_i{i}_o{o}.txt\"\n") +
           (s.out_per_tile ? "output = \"out_o{o}.txt\"\n" : "output = \"out.txt\"\n") +
           (s.out_low_first ? "[format]\noutput_lane_order = \"low_first\"\n" : "");
}

using kv = std::vector<std::pair<std::string, std::string>>;

void check_decoded(const vector_set& vs, const layer_data& ref) {
    BOOST_TEST(vs.layer.act == ref.act);
    BOOST_TEST(vs.layer.weight == ref.weight);
    BOOST_REQUIRE(vs.expected.output.has_value());
    std::size_t bad = 0;
    for (unsigned onij = 0; onij < ref.shape.out_positions(); ++onij)
        for (unsigned oc = 0; oc < ref.shape.out_channels; ++oc)
            bad += vs.expected.output->at(onij, oc) != relu(conv(ref, oc, onij));
    BOOST_TEST(bad == 0u);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(vector_set_loader)

BOOST_AUTO_TEST_CASE(infers_every_key_of_a_canonical_folder) {
    temp_folder t;
    layer_keys L;
    L.padded_height = L.padded_width = 7;
    L.kernel_h = L.kernel_w = 5;
    const layer_data d = random_layer(L, 1);
    const std::string files = write_set(t, d, {});
    t.write("vectorset.toml", files);
    const vector_set vs = load_vector_set(t.dir.string(), accel_config{}, {}, true);
    check_decoded(vs, d);
    BOOST_TEST(vs.config.layer.padded_height == 7u);
    BOOST_TEST(vs.config.layer.kernel_h == 5u);
    BOOST_TEST(vs.config.layer.kernel_w == 5u);
    for (const char* key :
         {"layer.padded_height", "layer.padded_width", "layer.kernel", "layer.act_bits",
          "tiles.in_channels", "tiles.out_channels", "layer.in_channels", "layer.out_channels"})
        BOOST_TEST((vs.config.source_of(key) == key_source::inferred), key);
    BOOST_TEST((vs.config.source_of("files.weight") == key_source::manifest));
    BOOST_TEST((vs.config.source_of("layer.psum_bits") == key_source::built_in));
    BOOST_TEST(vs.data_dir == t.dir.lexically_normal().string());
}

BOOST_AUTO_TEST_CASE(tiled_and_padded_channels_with_blocks_in_one_file) {
    temp_folder t;
    layer_keys L;
    L.in_channels = 12;   // 2 input tiles of 8, the last one half padding
    L.out_channels = 11;  // 2 output tiles of 8
    const layer_data d = random_layer(L, 2);
    set_style s;
    s.weight_has_k = false;
    s.out_low_first = true;
    const std::string files = write_set(t, d, s);
    const std::string m =
        t.write("m.toml", "[layer]\nin_channels = 12\nout_channels = 11\n" + files);
    const vector_set vs = load_vector_set(m, accel_config{}, {}, true);
    check_decoded(vs, d);
    BOOST_TEST(vs.config.layer.kernel_h == 3u);
    BOOST_TEST(vs.config.layer.kernel_w == 3u);
    BOOST_TEST((vs.config.source_of("layer.kernel") == key_source::inferred));
    BOOST_TEST(vs.config.tiles.out_channels == 8u);
}

BOOST_AUTO_TEST_CASE(two_bit_mode_is_inferred_from_the_weight_lines) {
    temp_folder t;
    layer_keys L;
    L.act_bits = 2;
    L.in_channels = 16;
    L.out_channels = 16;
    const layer_data d = random_layer(L, 3);
    set_style s;
    s.tin = 16;
    s.out_per_tile = true;  // out line width gives tiles.out_channels = 8, weights have 16 lines
    const std::string files = write_set(t, d, s);
    t.write("vectorset.toml", files);
    const vector_set vs = load_vector_set(t.dir.string(), accel_config{}, {}, true);
    BOOST_TEST(vs.config.layer.act_bits == 2u);
    BOOST_TEST((vs.config.source_of("layer.act_bits") == key_source::inferred));
    BOOST_TEST(vs.config.tile_in_channels() == 16u);
    check_decoded(vs, d);
}

BOOST_AUTO_TEST_CASE(set_overrides_manifest_and_sources_are_recorded) {
    temp_folder t;
    const layer_data d = random_layer(layer_keys{}, 4);
    const std::string files = write_set(t, d, {});
    const std::string m = t.write("m.toml", "[layer]\npsum_bits = 20\n" + files);
    accel_config cfg;
    cfg.set("array.rows", "16", key_source::config_file, "arch.toml");
    // out.txt is 16-bit: --set brings psum_bits back above the manifest's 20.
    const vector_set vs =
        load_vector_set(m, cfg, {{"layer.psum_bits", "16"}, {"array.cols", "4"}}, true);
    BOOST_TEST(vs.config.layer.psum_bits == 16u);
    BOOST_TEST((vs.config.source_of("layer.psum_bits") == key_source::command_line));
    BOOST_TEST((vs.config.source_of("array.rows") == key_source::config_file));
    BOOST_TEST(vs.config.arch.cols == 4u);
    check_decoded(vs, d);
    // Without the --set, the manifest's 20 contradicts the 128-bit lines of out.txt (8 x 16).
    const std::string e = error_of<vector_format_error>([&] { load_vector_set(m, cfg, {}, true); });
    BOOST_TEST(e == t.path("out.txt") +
                        ":4: expected a multiple of layer.psum_bits = 20 binary digits, got 128");
    // With layer.out_channels given too, the width itself is the contradiction.
    BOOST_TEST(error_of<vector_format_error>([&] {
                   load_vector_set(m, cfg, {{"layer.out_channels", "8"}}, true);
               }) ==
               t.path("out.txt") +
                   ":4: expected 160 binary digits (8 channels x 20 bits: layer.out_channels x "
                   "layer.psum_bits), got 128");
}

BOOST_AUTO_TEST_CASE(no_check_never_opens_expected_files) {
    temp_folder t;
    const layer_data d = random_layer(layer_keys{}, 5);
    const std::string files = write_set(t, d, {});
    fs::remove(t.path("out.txt"));
    const std::string m =
        t.write("m.toml", files + "psum = \"missing_{k}.txt\"\nacc = \"missing.txt\"\n");
    const vector_set vs = load_vector_set(m, accel_config{}, {}, false);
    BOOST_TEST(!vs.expected.output.has_value());
    BOOST_TEST(vs.layer.act == d.act);
    BOOST_TEST(error_of<vector_format_error>([&] {
                   load_vector_set(m, accel_config{}, {}, true);
               }) == t.path("out.txt") + ": cannot open: no such file");
}

BOOST_AUTO_TEST_CASE(explicit_keys_contradicting_the_files) {
    temp_folder t;
    const layer_data d = random_layer(layer_keys{}, 6);
    const std::string files = write_set(t, d, {});
    const std::string m = t.write("m.toml", files);
    const std::string act = t.path("act_0.txt");
    BOOST_TEST(
        error_of<vector_format_error>([&] {
            load_vector_set(m, accel_config{},
                            {{"layer.padded_height", "7"}, {"layer.padded_width", "6"}}, true);
        }) == act +
                  ":39: expected 42 data lines (7 x 6 padded positions: layer.padded_height x "
                  "layer.padded_width), found 36 (the file ends here)");
    BOOST_TEST(error_of<vector_format_error>([&] {
                   load_vector_set(m, accel_config{}, {{"tiles.in_channels", "4"}}, true);
               }) == act +
                         ":4: expected 16 binary digits (4 channels x 4 bits: tiles.in_channels x "
                         "layer.act_bits), "
                         "got 32");
    BOOST_TEST(
        error_of<vector_format_error>([&] {
            load_vector_set(m, accel_config{}, {{"layer.padded_height", "5"}}, true);
        }) ==
        act +
            ":39: expected a multiple of layer.padded_height = 5 data lines (padded positions), "
            "found 36");
    BOOST_TEST(error_of<config_error>([&] {
                   load_vector_set(m, accel_config{}, {{"layer.in_channels", "12"}}, true);
               }) ==
               "key `layer.in_channels` = 12: needs 2 input tile(s) of 8 channels, but the "
               "activation pattern "
               "has 1 (\"" +
                   t.path("act_{i}.txt") + "\")");
    BOOST_TEST(error_of<config_error>([&] {
                   load_vector_set(m, accel_config{}, {{"layer.kernel", "5"}}, true);
               }) == t.path("w_i0_o0_k9.txt") +
                         ": missing: key `layer.kernel` = 5 needs 25 weight files ({k} = 0..24)");
    // A kernel that fits the weight files but not the output lines.
    const std::string ks = t.write("k.toml", files);
    for (unsigned k = 9; k < 25; ++k)
        fs::copy_file(t.path("w_i0_o0_k0.txt"), t.path("w_i0_o0_k" + std::to_string(k) + ".txt"));
    BOOST_TEST(
        error_of<vector_format_error>([&] { load_vector_set(ks, accel_config{}, {}, true); }) ==
        t.path("out.txt") +
            ":8: expected 4 data lines (2 x 2 output positions of a 6 x 6 map, a 5 x 5 "
            "kernel and stride 1), found 16 (this is data line 5)");
}

BOOST_AUTO_TEST_CASE(bad_manifests_and_geometry) {
    temp_folder t;
    const layer_data d = random_layer(layer_keys{}, 7);
    const std::string files = write_set(t, d, {});
    const auto load = [&](const std::string& text) {
        const std::string m = t.write("bad.toml", text);
        load_vector_set(m, accel_config{}, {}, true);
    };
    const std::string m = t.path("bad.toml");
    BOOST_TEST(error_of<config_error>([&] { load("[layer]\nfoo = 1\n"); }) ==
               m + ":2: key `layer.foo`: unknown key");
    BOOST_TEST(error_of<config_error>([&] { load("[array]\nrows = 16\n"); }) ==
               m + ":2: key `array.rows`: an architecture key not allowed here (it belongs in the "
                   "--config file)");
    BOOST_TEST(error_of<config_error>([&] { load("[layer]\nkernel = 0\n"); }) ==
               m + ":2: key `layer.kernel`: expected 1..16777216, got 0");
    BOOST_TEST(error_of<config_error>([&] { load("[layer]\nkernel = 4\n" + files); }) ==
               t.path("w_i0_o0_k9.txt") + ": missing: key `layer.kernel` = 4 needs 16 weight files ({k} = 0..15)");
    BOOST_TEST(
        error_of<config_error>([&] { load("[layer]\nkernel = 7\n" + files); }) ==
        "configuration: key `layer.padded_height`: expected at least the filter height layer.kernel_h = 7, got 6\n"
        "configuration: key `layer.padded_width`: expected at least the filter width layer.kernel_w = 7, got 6");
    BOOST_TEST(error_of<config_error>([&] { load("dir = \"nowhere\"\n"); }) ==
               m + ": key `dir`: data folder \"" + t.path("nowhere") + "\" does not exist");
    BOOST_TEST(error_of<config_error>([&] { load("[files]\nweight = \"w{x}.txt\"\n"); }) ==
               "key `files.weight`: unknown placeholder in \"w{x}.txt\" (allowed: {i} {o} {k})");
    BOOST_TEST(error_of<config_error>([&] {
                   load_vector_set(t.dir.string(), accel_config{}, {{"layer.bogus", "1"}}, true);
               }) == "--set: unknown key `layer.bogus`");
    BOOST_TEST(error_of<input_error>([&] {
                   load_vector_set(t.path("none"), accel_config{}, {}, true);
               }) == t.path("none") + ": no such vector-set folder or manifest file");
}

BOOST_AUTO_TEST_CASE(padded_output_channels_must_be_zero) {
    temp_folder t;
    layer_keys L;
    L.out_channels = 6;
    const layer_data d = random_layer(L, 8);
    set_style s;
    s.out_per_tile = true;
    const std::string files = write_set(t, d, s);
    const std::string m = t.write("m.toml", "[layer]\nout_channels = 6\n" + files);
    check_decoded(load_vector_set(m, accel_config{}, {}, true), d);
    // Put a 1 into channel 7 (the first field) of the first output line.
    std::ifstream in(t.path("out_o0.txt"));
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    text[text.find('\n', text.find("#h\n#h\n#h\n") + 8) + 16] = '1';
    t.write("out_o0.txt", text);
    BOOST_TEST(error_of<vector_format_error>([&] {
                   load_vector_set(m, accel_config{}, {}, true);
               }) == t.path("out_o0.txt") +
                         ":4: padded output channel 7 (layer.out_channels = 6) must be 0, got 1 in "
                         "field 1");
}

BOOST_AUTO_TEST_CASE(acc_file_width_and_count) {
    temp_folder t;
    const layer_data d = random_layer(layer_keys{}, 9);
    const std::string files = write_set(t, d, {});
    std::string one, nine;
    for (unsigned onij = 0; onij < 16; ++onij) {
        for (unsigned kij = 0; kij < 9; ++kij) {
            const unsigned a = kij * 36 + (onij / 4 + kij / 3) * 6 + onij % 4 + kij % 3;
            one += bits_of(a, 11) + "\n";
            nine += bits_of(a, 11);
        }
        nine += "\n";
    }
    t.write("acc1.txt", one);
    t.write("acc9.txt", "#a\n#b\n#c\n" + nine);
    const std::string m = t.write("m.toml", files);
    const auto a1 = load_vector_set(m, accel_config{}, {{"files.acc", "acc1.txt"}}, true);
    const auto a9 = load_vector_set(m, accel_config{}, {{"files.acc", "acc9.txt"}}, true);
    BOOST_REQUIRE(a1.expected.acc.has_value());
    BOOST_TEST(*a1.expected.acc == *a9.expected.acc);
    BOOST_TEST((*a1.expected.acc)[10] == 1u * 36 + 0 * 6 + 1 + 1);  // onij 1, kij 1
    t.write("acc_bad.txt", std::string("0000000000000\n"));
    BOOST_TEST(error_of<vector_format_error>([&] {
                   load_vector_set(m, accel_config{}, {{"files.acc", "acc_bad.txt"}}, true);
               }) == t.path("acc_bad.txt") +
                         ":1: expected 11 or 99 binary digits (1 or 9 acc addresses of 11 bits), "
                         "got 13");
    t.write("acc_short.txt", one.substr(12));
    BOOST_TEST(error_of<vector_format_error>([&] {
                   load_vector_set(m, accel_config{}, {{"files.acc", "acc_short.txt"}}, true);
               }) == t.path("acc_short.txt") +
                         ":143: expected 144 data lines (16 output positions x 9 kernel "
                         "positions, 1 address(es) per line), found 143 (the file ends here)");
}

BOOST_AUTO_TEST_CASE(crlf_set_with_header_count_zero) {
    temp_folder t;
    const layer_data d = random_layer(layer_keys{}, 10);
    set_style s;
    s.header = "";
    const std::string files = write_set(t, d, s);
    for (const auto& entry : fs::directory_iterator(t.dir)) {  // rewrite every file with CRLF
        std::ifstream in(entry.path());
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>()),
            crlf;
        for (char c : text) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
        in.close();
        std::ofstream(entry.path(), std::ios::binary) << crlf;
    }
    const std::string m = t.write("m.toml", files + "[format]\nheader_lines = 0\n");
    check_decoded(load_vector_set(m, accel_config{}, {}, true), d);
}

BOOST_AUTO_TEST_CASE(padded_input_and_weight_channels_must_be_zero) {
    temp_folder t;
    const layer_data d = random_layer(layer_keys{}, 11);  // 8 -> 8 channels, all real
    const std::string files = write_set(t, d, {});
    const std::string m = t.write("m.toml", files);
    // Fewer channels than the files hold: the dropped lanes are not padding (they hold data).
    const std::string act = error_of<vector_format_error>([&] {
        load_vector_set(m, accel_config{}, {{"layer.in_channels", "5"}}, true);
    });
    BOOST_TEST(act.rfind(t.path("act_0.txt") + ":", 0) == 0u, act);
    BOOST_TEST(act.find(": padded activation input channel ") != std::string::npos, act);
    BOOST_TEST(act.find("(key `layer.in_channels` = 5) must be 0, got ") != std::string::npos, act);
    const std::string wgt = error_of<vector_format_error>([&] {
        load_vector_set(m, accel_config{},
                        {{"layer.out_channels", "5"}, {"tiles.out_channels", "8"}}, true);
    });
    BOOST_TEST(wgt.rfind(t.path("w_i0_o0_k0.txt") + ":", 0) == 0u, wgt);
    BOOST_TEST(wgt.find("padded weight output channel 5 (key `layer.out_channels` = 5) must be "
                        "0, got ") != std::string::npos,
               wgt);

    // A set with 5 real input channels: zero padding loads; a nonzero padded weight does not.
    temp_folder u;
    layer_keys L;
    L.in_channels = 5;
    const layer_data d5 = random_layer(L, 12);
    const std::string m5 = u.write("m.toml", "[layer]\nin_channels = 5\n" + write_set(u, d5, {}));
    check_decoded(load_vector_set(m5, accel_config{}, {}, true), d5);
    std::ifstream in(u.path("w_i0_o0_k2.txt"));
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    in.close();
    text[12] = '1';  // line 4 (after "#h\n" x 3), field 1 = lane 7 (high first) = 1
    u.write("w_i0_o0_k2.txt", text);
    BOOST_TEST(error_of<vector_format_error>([&] {
                   load_vector_set(m5, accel_config{}, {}, true);
               }) == u.path("w_i0_o0_k2.txt") +
                         ":4: padded weight input channel 7 (key `layer.in_channels` = 5) must be "
                         "0, got 1 in field 1");
}

BOOST_AUTO_TEST_CASE(padded_psum_channels_must_be_zero) {
    temp_folder t;
    layer_keys L;
    L.out_channels = 6;
    const layer_data d = random_layer(L, 13);
    const std::string files = write_set(t, d, {});
    // Psum values are compared by the checker, not here: zeros suffice except the one under test.
    const std::string zeros = std::string(8 * 16, '0') + "\n";
    for (unsigned k = 0; k < 9; ++k) {
        std::string text = "#h\n#h\n#h\n";
        for (unsigned nij = 0; nij < 36; ++nij) text += zeros;
        if (k == 4) text[9 + 2 * (8 * 16 + 1) + 15] = '1';  // line 6, field 1 (channel 7) = 1
        t.write("p_k" + std::to_string(k) + ".txt", text);
    }
    const std::string m =
        t.write("m.toml", "[layer]\nout_channels = 6\n[tiles]\nout_channels = 8\n" + files +
                              "psum = \"p_k{k}.txt\"\n");
    BOOST_TEST(error_of<vector_format_error>([&] {
                   load_vector_set(m, accel_config{}, {}, true);
               }) == t.path("p_k4.txt") +
                         ":6: padded psum output channel 7 (key `layer.out_channels` = 6) must be "
                         "0, got 1 in field 1");
    // Without the stray bit the set loads.
    t.write(
        "p_k4.txt", "#h\n#h\n#h\n" + [&] {
            std::string z;
            for (unsigned nij = 0; nij < 36; ++nij) z += zeros;
            return z;
        }());
    BOOST_TEST(load_vector_set(m, accel_config{}, {}, true).expected.psums.size() == 9u);
}

BOOST_AUTO_TEST_CASE(keys_that_ask_for_more_or_fewer_files_name_the_key) {
    temp_folder t;
    const layer_data d = random_layer(layer_keys{}, 14);
    const std::string files = write_set(t, d, {});
    const std::string m = t.write("m.toml", files);
    // A smaller kernel would silently ignore 8 kernel-position files.
    BOOST_TEST(error_of<config_error>([&] {
                   load_vector_set(m, accel_config{}, {{"layer.kernel", "1"}}, false);
               }) == "key `layer.kernel` = 1: expected 1 weight file(s) ({k} = 0..0), but " +
                         t.path("w_i0_o0_k1.txt") + " exists too (9 kernel-position files in all)");
    // A second tile asked for by the keys names them.
    const std::string two =
        t.write("two.toml", files + "[tiles]\nin_channels = 8\nout_channels = 8\n");
    BOOST_TEST(error_of<config_error>([&] {
                   load_vector_set(two, accel_config{}, {{"layer.in_channels", "16"}}, true);
               }) == t.path("act_1.txt") +
                         ": missing: needed for layer.in_channels = 16 with tiles.in_channels = 8 "
                         "(2 input tiles)");
    BOOST_TEST(error_of<config_error>([&] {
                   load_vector_set(two, accel_config{}, {{"layer.out_channels", "16"}}, true);
               }) == t.path("w_i0_o1_k0.txt") +
                         ": missing: needed for layer.out_channels = 16 with tiles.out_channels = "
                         "8 (2 output tiles)");
    // A manifest dir that names a file.
    const std::string f = t.write("f.toml", "dir = \"act_0.txt\"\n");
    BOOST_TEST(error_of<config_error>([&] { load_vector_set(f, accel_config{}, {}, true); }) ==
               f + ": key `dir`: data folder \"" + t.path("act_0.txt") + "\" is not a folder");
}

BOOST_AUTO_TEST_SUITE_END()
