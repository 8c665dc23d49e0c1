// satlm gen in any layout: each layout key alone (written, then read back by load_vector_set
// and checked against the tensors and the golden model), the short default header lines and
// the two ways testbenches skip them, the two real testbench layouts, the
// round trip of all 16 external sets with their manifests and with --like, and bad layouts.
#include "gen/generator.h"
#include "testbench/golden.h"
#include "tlm/bits.h"
#include "tlm/config.h"
#include "tlm/report.h"
#include "vectors/layout_writer.h"
#include "vectors/vector_set.h"

#include "support/error_of.h"
#include "support/random_layer.h"
#include "support/sc_fixture.h"
#include "support/temp_folder.h"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using namespace satlm;
using satlm::test::error_of;
namespace fs = std::filesystem;

namespace {

/// A file as a testbench sees it: the lines before the first binary line, then the binary lines
/// (trailing spaces, tabs and \r stripped, blank lines dropped), read independently of satlm.
struct text_file {
    std::vector<std::string> header;
    std::vector<std::string> data;
};

text_file read_text(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    BOOST_REQUIRE_MESSAGE(f, "cannot open " << p);
    text_file t;
    std::string line;
    while (std::getline(f, line)) {
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.pop_back();
        if (line.empty()) continue;
        const bool binary = line.find_first_not_of("01") == std::string::npos;
        if (t.data.empty() && !binary) t.header.push_back(line);
        else t.data.push_back(line);
    }
    return t;
}

std::string slurp(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    std::ostringstream s;
    s << f.rdbuf();
    return s.str();
}

/// Every regular file under `dir`, relative, except the manifest.
std::set<std::string> files_under(const fs::path& dir) {
    std::set<std::string> names;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file() && e.path().filename() != "vectorset.toml")
            names.insert(fs::relative(e.path(), dir).generic_string());
    return names;
}

layer_keys shape(unsigned in_ch, unsigned out_ch, unsigned padded, unsigned act_bits) {
    layer_keys L;
    L.in_channels = in_ch;
    L.out_channels = out_ch;
    L.padded_height = L.padded_width = padded;
    L.act_bits = act_bits;
    return L;
}

psum_source golden_source(const layer_data& d) {
    return [&d](unsigned ic0, unsigned nic, unsigned oc0, unsigned noc, unsigned kij) {
        return golden_psums(d, ic0, nic, oc0, noc, kij);
    };
}

/// Writes `d` in `layout` (tiles from the layout), reads the folder back and checks every
/// tensor and expected value; returns the files written.
std::vector<std::string> write_and_read_back(const fs::path& dir, accel_config layout, const layer_data& d) {
    layout.layer = d.shape;
    const layer_output want = golden_output(d, layout.format.output_relu);
    const auto files = write_layout_set(dir.string(), layout, d, {want, golden_source(d), {}});
    const vector_set vs = load_vector_set(dir.string(), accel_config{}, {}, true);
    BOOST_TEST(vs.layer.act == d.act);
    BOOST_TEST(vs.layer.weight == d.weight);
    BOOST_REQUIRE(vs.expected.output);
    BOOST_TEST(vs.expected.output->values == want.values);
    BOOST_TEST(vs.expected.output->relu == layout.format.output_relu);
    const unsigned ti = layout.tile_in_channels(), to = layout.tiles.out_channels;
    for (const auto& b : vs.expected.psums)
        BOOST_TEST(b.values == golden_psums(d, b.itile * ti, ti, b.otile * to, to, b.kij), b.file);
    if (vs.expected.acc) {
        const layer_keys& L = d.shape;
        std::size_t n = 0;
        for (unsigned onij = 0; onij < L.out_positions(); ++onij)
            for (unsigned kij = 0; kij < L.kernel_positions(); ++kij, ++n) {
                const unsigned orow = onij / L.out_width(), ocol = onij % L.out_width();
                const unsigned want_addr = layout.arch.pmem.psum_base + kij * L.positions() +
                                           (orow + kij / L.kernel_w) * L.padded_width + ocol + kij % L.kernel_w;
                BOOST_TEST(vs.expected.acc->at(n) == want_addr);
            }
        BOOST_TEST(vs.config.arch.pmem.psum_base == layout.arch.pmem.psum_base);
    }
    return files;
}

layer_data seeded_layer(const layer_keys& L, unsigned seed) {
    std::mt19937 rng(seed);
    return satlm::test::random_layer(L, rng);
}

/// `$fgets(line, fd)` into a reg of `chars` characters: reads up to chars - 1 characters or
/// through the line end, whichever comes first. Returns what was consumed.
std::string fgets_emulated(const std::string& text, std::size_t& pos, std::size_t chars) {
    const std::size_t start = pos;
    while (pos < text.size() && pos - start < chars - 1) {
        if (text[pos++] == '\n') break;
    }
    return text.substr(start, pos - start);
}

/// `$fscanf(fd, "%s", s)`: skips white space, reads one run of non-white characters.
std::string fscanf_s(const std::string& text, std::size_t& pos) {
    while (pos < text.size() && std::isspace(static_cast<unsigned char>(text[pos]))) ++pos;
    const std::size_t start = pos;
    while (pos < text.size() && !std::isspace(static_cast<unsigned char>(text[pos]))) ++pos;
    return text.substr(start, pos - start);
}

/// The data lines a testbench reads after skipping 3 header lines with `$fgets` into a
/// 30-character buffer, and with `$fscanf("%s")`; both must equal the file's data lines.
void testbench_reads_the_data(const fs::path& p) {
    const std::string text = slurp(p);
    const auto want = read_text(p).data;
    std::size_t pos = 0;
    for (int h = 0; h < 3; ++h) {
        const std::string got = fgets_emulated(text, pos, 30);
        BOOST_TEST((!got.empty() && got.back() == '\n'), p << ": $fgets did not reach the end of header line " << h + 1);
    }
    std::vector<std::string> after_fgets;
    for (std::string w = fscanf_s(text, pos); !w.empty(); w = fscanf_s(text, pos)) after_fgets.push_back(w);
    BOOST_TEST(after_fgets == want, p << " read with $fgets");
    pos = 0;
    for (int h = 0; h < 3; ++h) BOOST_TEST(fscanf_s(text, pos).front() == '#');
    std::vector<std::string> after_fscanf;
    for (std::string w = fscanf_s(text, pos); !w.empty(); w = fscanf_s(text, pos)) after_fscanf.push_back(w);
    BOOST_TEST(after_fscanf == want, p << " read with $fscanf");
}

void short_rule(const std::string& where, const std::vector<std::string>& lines) {
    BOOST_TEST(lines.size() == 3u, where);
    for (const auto& l : lines) {
        BOOST_TEST(l.size() <= max_short_header_chars, where << ": `" << l << "` has " << l.size() << " characters");
        BOOST_TEST(l.front() == '#', where << ": " << l);
        BOOST_TEST(l.find_first_of(" \t\r\n") == std::string::npos, where << ": `" << l << "` holds white space");
    }
}

std::string external_manifest(const std::string& set) {
    return satlm::test::source_dir() + "/vectors/external/" + set + ".toml";
}

const std::vector<std::string> external_sets = {
    "ach-ws4-p1",    "dingy-ws4-2itile", "dsanei-ws4",  "inq-ws4-p1",   "jlk-ws4-p1",    "mew-2b-oddeven",
    "mew-ws4-p1",    "mit-ws4-18x18",    "mit-ws4-2otile", "shin-ws4-fa23", "stan-ws4-p1", "wcl-ws4-p1",
    "wly-2b-16oc",   "yas-2b",           "yas-ws4",     "yrn-ws4-10x10"};

/// Files of a real set the manifests do not describe (the sets' own notes and the ReLU'd twins
/// of the pre-ReLU outputs).
bool undescribed(const std::string& name) {
    return name == "SOURCE.md" || name.find("_relu.txt") != std::string::npos;
}

/// Every file written holds the source file's data lines and header line count (and header
/// text when `same_text`); every described source file was written.
void same_files(const fs::path& source, const fs::path& out, bool same_text, const std::string& set) {
    const auto mine = files_under(out);
    for (const auto& name : files_under(source)) {
        if (undescribed(name)) continue;
        BOOST_TEST(mine.count(name) == 1u, set << ": " << name << " was not written");
    }
    for (const auto& name : mine) {
        BOOST_REQUIRE_MESSAGE(fs::exists(source / name), set << ": wrote " << name << ", which the set does not have");
        const auto a = read_text(source / name), b = read_text(out / name);
        BOOST_TEST(a.data == b.data, set << ": " << name << " data lines differ");
        BOOST_TEST(a.header.size() == b.header.size(), set << ": " << name << " header lines");
        if (same_text) BOOST_TEST(a.header == b.header, set << ": " << name << " header text");
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(layout_writer)

BOOST_AUTO_TEST_CASE(each_layout_key_alone_is_written_as_read) {
    struct key_case {
        const char* key;
        const char* value;
        std::function<void(const fs::path&)> check;  ///< a look at the files themselves
    };
    const layer_data d = seeded_layer(shape(12, 11, 5, 4), 7);  // 2 input tiles, 2 output tiles
    const std::vector<key_case> cases = {
        {"files.activation", "in/deep/act_{i}.txt", [](const fs::path& p) { BOOST_TEST(fs::exists(p / "in/deep/act_1.txt")); }},
        {"files.weight", "w/i{i}/o{o}/k{k}.txt", [](const fs::path& p) { BOOST_TEST(fs::exists(p / "w/i1/o1/k8.txt")); }},
        {"files.weight", "w_{i}_{o}.txt",  // all kernel positions in one file
         [](const fs::path& p) { BOOST_TEST(read_text(p / "w_1_1.txt").data.size() == 9u * 8u); }},
        {"files.output", "outputs/final_out_tile{o}.txt",  // one file per output tile
         [](const fs::path& p) { BOOST_TEST(read_text(p / "outputs/final_out_tile1.txt").data.front().size() == 128u); }},
        {"files.output", "all.txt",  // every output channel on one line
         [](const fs::path& p) { BOOST_TEST(read_text(p / "all.txt").data.front().size() == 11u * 16u); }},
        {"files.psum", "p/{i}_{o}_{k}.txt", [](const fs::path& p) { BOOST_TEST(read_text(p / "p/1_1_8.txt").data.size() == 25u); }},
        {"files.psum", "psum_{i}_{o}.txt",  // kernel positions in one file, in kij order
         [](const fs::path& p) { BOOST_TEST(read_text(p / "psum_0_1.txt").data.size() == 9u * 25u); }},
        {"files.acc", "acc/addr.txt", [](const fs::path& p) { BOOST_TEST(read_text(p / "acc/addr.txt").data.size() == 81u); }},
        {"format.header_lines", "0", [](const fs::path& p) { BOOST_TEST(read_text(p / "out.txt").header.empty()); }},
        {"format.header_lines", "5", [](const fs::path& p) { BOOST_TEST(read_text(p / "out.txt").header.size() == 5u); }},
        {"format.header.output", "", [](const fs::path& p) {
             BOOST_TEST(read_text(p / "out.txt").header.empty());
             BOOST_TEST(read_text(p / "activation_tile0.txt").header.size() == 3u);
         }},
        {"format.header.weight", "l\\nl\\nl", [](const fs::path& p) {
             BOOST_TEST(read_text(p / "weight_itile0_otile1_kij4.txt").header == (std::vector<std::string>{"l", "l", "l"}));
         }},
        {"format.header.activation", "#act", [](const fs::path& p) {
             BOOST_TEST(read_text(p / "activation_tile1.txt").header == std::vector<std::string>{"#act"});
         }},
        {"format.header.psum", "#p1\\n#p2", [](const fs::path& p) {
             BOOST_TEST(read_text(p / "psum_itile1_otile0_kij3.txt").header.size() == 2u);
         }},
        {"format.header.acc", "", [](const fs::path& p) { BOOST_TEST(read_text(p / "acc_address.txt").header.empty()); }},
        {"format.header_style", "canonical", [](const fs::path& p) {
             BOOST_TEST(read_text(p / "out.txt").header.front() ==
                        "#time0col10[msb-lsb],time0col9[msb-lst],....,time0col0[msb-lst]#");
         }},
        {"format.lane_order", "low_first", [&d](const fs::path& p) {
             const auto a = read_text(p / "activation_tile0.txt");  // channel 0 in the top field
             BOOST_TEST(std::stoul(a.data[6].substr(0, 4), nullptr, 2) == d.act_at(0, 6));
         }},
        {"format.output_lane_order", "low_first", [&d](const fs::path& p) {
             const auto o = read_text(p / "out.txt");
             BOOST_TEST(sign_extend(std::stoul(o.data[3].substr(0, 16), nullptr, 2), 16) == golden_output(d, true).at(3, 0));
         }},
        {"format.output_relu", "false", [&d](const fs::path& p) {
             const auto sums = golden_output(d, false);
             BOOST_TEST(std::any_of(sums.values.begin(), sums.values.end(), [](std::int64_t v) { return v < 0; }));
             const auto o = read_text(p / "out.txt");
             BOOST_TEST(sign_extend(std::stoul(o.data[0].substr(16 * 10, 16), nullptr, 2), 16) == sums.at(0, 0));
         }},
        {"format.acc_per_line", "9", [](const fs::path& p) {
             const auto a = read_text(p / "acc_address.txt");
             BOOST_TEST(a.data.size() == 9u);
             BOOST_TEST(a.data.front().size() == 99u);
         }},
        {"pmem.psum_base", "1", [](const fs::path& p) {
             BOOST_TEST(read_text(p / "acc_address.txt").data.front() == "00000000001");
         }},
    };
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT(c.key << " = " << c.value) {
            satlm::test::temp_folder t("layout");
            accel_config layout;
            layout.files.psum = canonical_names::psum;
            layout.files.acc = canonical_names::acc;
            layout.tiles.in_channels = 8;
            layout.set(c.key, c.value, key_source::command_line);
            write_and_read_back(t.dir, layout, d);
            c.check(t.dir);
        }
    }
}

BOOST_AUTO_TEST_CASE(two_bit_weights_odd_line_first) {
    const layer_data d = seeded_layer(shape(16, 8, 6, 2), 3);
    satlm::test::temp_folder t("odd");
    accel_config layout;
    layout.set("format.weight_2bit_lines", "odd_first", key_source::command_line);
    write_and_read_back(t.dir, layout, d);
    // Line 0 holds channel 15 first (odd line), line 1 channel 14 first.
    const auto w = read_text(t.dir / "weight_itile0_otile0_kij0.txt");
    BOOST_TEST(sign_extend(std::stoul(w.data[0].substr(0, 4), nullptr, 2), 4) == d.weight_at(0, 15, 0));
    BOOST_TEST(sign_extend(std::stoul(w.data[1].substr(0, 4), nullptr, 2), 4) == d.weight_at(0, 14, 0));
}

BOOST_AUTO_TEST_CASE(short_default_headers_fit_fgets_30_and_fscanf) {
    // Every kind of file, 4- and 2-bit, per-tile and whole files, and extreme numbers.
    struct geometry {
        unsigned in_ch, out_ch, padded, act_bits, tile_in, tile_out;
    };
    for (const auto& g : {geometry{8, 8, 6, 4, 8, 8}, geometry{16, 16, 6, 2, 16, 8}, geometry{3, 20, 9, 4, 4, 16},
                          geometry{4096, 4096, 4099, 4, 1024, 1}, geometry{4096, 4096, 4099, 2, 1024, 1024}}) {
        accel_config c;
        c.layer = shape(g.in_ch, g.out_ch, g.padded, g.act_bits);
        c.tiles.in_channels = g.tile_in;
        c.tiles.out_channels = g.tile_out;
        c.arch.pmem.words = 1u << 24;
        c.arch.pmem.psum_base = (1u << 24) - 1;
        for (unsigned per_line : {0u, 9u}) {
            c.format.acc_per_line = per_line;
            for (auto lanes : {lane_order::high_first, lane_order::low_first}) {
                c.format.lanes = c.format.output_lanes = lanes;
                const unsigned last_i = (g.in_ch + g.tile_in - 1) / g.tile_in - 1;
                const int last_o = static_cast<int>((g.out_ch + g.tile_out - 1) / g.tile_out - 1);
                for (const file_slot& s : {file_slot{file_kind::activation, last_i, 0, 0}, file_slot{file_kind::weight, last_i, last_o, 8},
                                           file_slot{file_kind::weight, last_i, last_o, -1}, file_slot{file_kind::output, 0, last_o, 0},
                                           file_slot{file_kind::output, 0, -1, 0}, file_slot{file_kind::psum, last_i, last_o, 8},
                                           file_slot{file_kind::psum, last_i, last_o, -1}, file_slot{file_kind::acc, 0, 0, 0}})
                    short_rule(std::string(to_string(s.kind)) + " of " + std::to_string(g.in_ch) + " channels",
                               header_lines_for(c, s));
            }
        }
    }
    // Written files: a testbench skipping 3 lines either way lands on the first data line.
    satlm::test::temp_folder t("tb");
    accel_config layout;
    layout.files.psum = canonical_names::psum;
    layout.files.acc = canonical_names::acc;
    for (const auto& name : write_and_read_back(t.dir, layout, seeded_layer(shape(16, 16, 6, 2), 5)))
        testbench_reads_the_data(t.dir / name);
}

BOOST_AUTO_TEST_CASE(header_lines_count_pads_or_cuts_the_style_lines) {
    accel_config c;
    c.format.header_lines = 1;
    BOOST_TEST(header_lines_for(c, {file_kind::output, 0, -1, 0}) == std::vector<std::string>{"#output"});
    c.format.header_lines = 4;
    c.format.headers = header_style::canonical;
    const auto four = header_lines_for(c, {file_kind::acc, 0, 0, 0});
    BOOST_TEST(four == (std::vector<std::string>{"#onij0kij0[msb-lsb]#", "#onij0kij1[msb-lsb]#", "#................#", "#"}));
}

BOOST_AUTO_TEST_CASE(two_bit_student_testbench_layout_signs_off) {
    // The issue's 2-bit design: $fgets into 30 characters, one 128-bit output file per output
    // tile under data/2_bit/outputs/, an acc file without header lines, psums from pmem word 1.
    satlm::test::temp_folder t("tb2");
    const std::string manifest = t.write("tb2.toml",
                                         "[layer]\nact_bits = 2\nin_channels = 16\nout_channels = 16\n"
                                         "[tiles]\nin_channels = 16\nout_channels = 8\n"
                                         "[files]\nactivation = \"data/2_bit/activation.txt\"\n"
                                         "weight = \"data/2_bit/weights/weight_otile{o}_kij{k}.txt\"\n"
                                         "output = \"data/2_bit/outputs/final_out_tile{o}.txt\"\n"
                                         "acc = \"data/2_bit/acc_address.txt\"\n"
                                         "[format]\nheader_lines = 3\n[format.header]\nacc = []\n");
    gen_options o;
    o.out_dir = t.path("set");
    o.layout_file = manifest;
    o.sets = {"pmem.psum_base=1"};
    const auto summary = run_generator(o);
    const fs::path set = t.dir / "set";
    BOOST_TEST(summary.files.size() == 1u + 18u + 1u + 2u);
    for (unsigned tile = 0; tile < 2; ++tile) {
        const auto out = read_text(set / ("data/2_bit/outputs/final_out_tile" + std::to_string(tile) + ".txt"));
        BOOST_TEST(out.data.size() == 16u);
        BOOST_TEST(out.data.front().size() == 128u);
    }
    BOOST_TEST(!fs::exists(set / "data/2_bit/outputs/out.txt"));
    const auto acc = read_text(set / "data/2_bit/acc_address.txt");
    BOOST_TEST(acc.header.empty());
    BOOST_TEST(acc.data.front() == "00000000001");   // pixel 0, kij 0: pmem word 1
    BOOST_TEST(acc.data[1] == "00000100110");        // kij 1: 1 + 36 + 1
    for (const auto& name : summary.files)
        if (name.find("acc_address") == std::string::npos) {
            short_rule(name, read_text(set / name).header);
            testbench_reads_the_data(set / name);
        }
    // The folder alone (its vectorset.toml) reads back, psum base included.
    const vector_set vs = load_vector_set(set.string(), accel_config{}, {}, true);
    BOOST_TEST(vs.config.arch.pmem.psum_base == 1u);
    BOOST_TEST((vs.config.source_of("pmem.psum_base") == key_source::inferred));
    const auto want = golden_output(vs.layer, true);
    BOOST_TEST(vs.expected.output->values == want.values);
}

BOOST_AUTO_TEST_CASE(four_bit_student_testbench_names) {
    // The issue's 4-bit design reads txt_files/activation.txt, txt_files/weight_kij{k}.txt and
    // txt_files/output.txt.
    satlm::test::temp_folder t("tb4");
    gen_options o;
    o.out_dir = t.path("set");
    o.sets = {"files.activation=txt_files/activation.txt", "files.weight=txt_files/weight_kij{k}.txt",
              "files.output=txt_files/output.txt", "files.psum=", "files.acc="};
    const auto summary = run_generator(o);
    std::set<std::string> want = {"txt_files/activation.txt", "txt_files/output.txt"};
    for (unsigned k = 0; k < 9; ++k) want.insert("txt_files/weight_kij" + std::to_string(k) + ".txt");
    BOOST_TEST(files_under(t.dir / "set") == want);
    BOOST_TEST(std::set<std::string>(summary.files.begin(), summary.files.end()) == want);
    const vector_set vs = load_vector_set(t.path("set"), accel_config{}, {}, true);
    BOOST_TEST(vs.expected.output->values == golden_output(vs.layer, true).values);
    BOOST_TEST(vs.expected.psums.empty());
    BOOST_TEST(!vs.expected.acc);
}

BOOST_AUTO_TEST_CASE(every_external_set_round_trips_with_its_manifest) {
    // Decode each real set, regenerate it with its own manifest (vectors/external/*.toml, which
    // records the header text where the set has its own): same file names, same header lines,
    // identical data lines. Canonical style for the kinds the manifest leaves to it.
    for (const auto& set : external_sets) {
        BOOST_TEST_CONTEXT(set) {
            satlm::test::temp_folder t("rt");
            accel_config layout;
            load_manifest_file(layout, external_manifest(set));
            layout.format.headers = header_style::canonical;
            regenerate_set(external_manifest(set), layout, t.path("out"));
            const vector_set vs = load_vector_set(external_manifest(set), accel_config{}, {}, true);
            same_files(vs.data_dir, t.dir / "out", true, set);
            // The short style changes only the header text.
            layout.format.headers = header_style::short_lines;
            regenerate_set(external_manifest(set), layout, t.path("short"));
            same_files(vs.data_dir, t.dir / "short", false, set);
        }
    }
}

BOOST_AUTO_TEST_CASE(every_external_set_round_trips_like_itself) {
    // gen --like SET --from-set SET: the layout inferred as `satlm run` infers it (header text
    // included) gives every file back, header text and data lines.
    for (const auto& set : external_sets) {
        BOOST_TEST_CONTEXT(set) {
            satlm::test::temp_folder t("like");
            gen_options o;
            o.out_dir = t.path("out");
            o.like = external_manifest(set);
            o.from_set = external_manifest(set);
            const auto summary = run_generator(o);
            const vector_set vs = load_vector_set(external_manifest(set), accel_config{}, {}, true);
            same_files(vs.data_dir, t.dir / "out", true, set);
            // Only wcl's psum_kij2.txt holds a value the golden model does not give (0x8000).
            BOOST_TEST(summary.notes.size() == (set == "wcl-ws4-p1" ? 1u : 0u));
        }
    }
}

BOOST_AUTO_TEST_CASE(like_takes_the_layout_not_the_data) {
    // New tensors (seed 9) in yas-2b's layout: its names, header text, 2-bit format and shape.
    satlm::test::temp_folder t("like2");
    gen_options o;
    o.out_dir = t.path("out");
    o.like = external_manifest("yas-2b");
    o.seed = 9;
    o.given.insert("seed");
    run_generator(o);
    const vector_set mine = load_vector_set(t.path("out"), accel_config{}, {}, true);
    const vector_set theirs = load_vector_set(external_manifest("yas-2b"), accel_config{}, {}, true);
    BOOST_TEST(mine.config.layer.act_bits == 2u);
    BOOST_TEST(mine.config.layer.in_channels == 16u);
    BOOST_TEST(mine.layer.act != theirs.layer.act);
    for (const auto& name : files_under(t.dir / "out")) {
        BOOST_TEST(read_text(t.dir / "out" / name).header == read_text(fs::path(theirs.data_dir) / name).header, name);
        BOOST_TEST(read_text(t.dir / "out" / name).data.size() == read_text(fs::path(theirs.data_dir) / name).data.size(), name);
    }
}

BOOST_AUTO_TEST_CASE(psum_base_is_inferred_only_when_the_acc_file_follows_it) {
    satlm::test::temp_folder t("base");
    accel_config layout;
    layout.files.acc = canonical_names::acc;
    layout.arch.pmem.psum_base = 3;
    write_and_read_back(t.dir, layout, seeded_layer(shape(8, 8, 6, 4), 2));
    BOOST_TEST((load_vector_set(t.dir.string(), accel_config{}, {}, true).config.source_of("pmem.psum_base") ==
                key_source::inferred));
    // --set wins over the file (the addresses then differ: the checker warns).
    const auto given = load_vector_set(t.dir.string(), accel_config{}, {{"pmem.psum_base", "0"}}, true);
    BOOST_TEST(given.config.arch.pmem.psum_base == 0u);
    // One corrupt first address of a base-0 file is not a base.
    satlm::test::temp_folder u("corrupt");
    layout.arch.pmem.psum_base = 0;
    write_and_read_back(u.dir, layout, seeded_layer(shape(8, 8, 6, 4), 2));
    std::string text = slurp(u.dir / "acc_address.txt");
    const auto first = text.find("\n00000000000\n");
    BOOST_REQUIRE(first != std::string::npos);
    text.replace(first + 1, 11, "00000000101");
    std::ofstream(u.dir / "acc_address.txt", std::ios::binary) << text;
    const auto vs = load_vector_set(u.dir.string(), accel_config{}, {}, true);
    BOOST_TEST(vs.config.arch.pmem.psum_base == 0u);
    BOOST_TEST(vs.expected.acc->front() == 5u);
}

BOOST_AUTO_TEST_CASE(bad_layouts_name_the_key) {
    struct bad {
        std::vector<std::string> sets;
        std::string expect;
    };
    const std::vector<bad> cases = {
        {{"files.output=../out.txt"}, "key `files.output`: \"../out.txt\" leaves the output folder"},
        {{"files.weight=/tmp/w{k}.txt"}, "key `files.weight`: \"/tmp/w{k}.txt\" leaves the output folder"},
        {{"files.activation=act.txt", "tiles.in_channels=4"}, "key `files.activation`: \"act.txt\" has no {i} but the layer has 2 input tiles"},
        {{"files.psum=psum_{k}.txt", "tiles.out_channels=4"}, "key `files.psum`: \"psum_{k}.txt\" has no {o} but the layer has 2 output tiles"},
        {{"files.output=activation_tile{o}.txt"}, "keys `files.activation` and `files.output` both name the file \"activation_tile0.txt\""},
        {{"files.acc=vectorset.toml"}, "key `files.acc`: \"vectorset.toml\" is the manifest's own name"},
        {{"format.acc_per_line=4"}, "key `format.acc_per_line`: expected 1 or 9"},
        {{"files.weight=w{x}.txt"}, "key `files.weight`: unknown placeholder"},
        {{"array.rows=16"}, "--set: key `array.rows` does not change the files gen writes"},
        {{"pmem.psum_base=4000"}, "key `pmem.psum_base`: expected less than pmem.words (2048), got 4000"},
    };
    for (const auto& c : cases) {
        satlm::test::temp_folder t("bad");
        gen_options o;
        o.out_dir = t.path("out");
        o.sets = c.sets;
        const std::string m = error_of<input_error>([&] { run_generator(o); });
        BOOST_TEST(m.find(c.expect) != std::string::npos, m);
        BOOST_TEST(m.find('\n') == std::string::npos, m);
    }
    gen_options both;
    both.out_dir = "x";
    both.like = external_manifest("yas-2b");
    both.layout_file = external_manifest("yas-2b");
    BOOST_TEST(error_of<input_error>([&] { run_generator(both); }).find("--like and --layout") != std::string::npos);
    gen_options shaped;
    shaped.out_dir = "x";
    shaped.from_set = external_manifest("yas-2b");
    shaped.given.insert("in-ch");
    BOOST_TEST(error_of<input_error>([&] { run_generator(shaped); }).find("--in-ch: the tensors come from --from-set") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
