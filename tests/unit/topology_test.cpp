// The topology reader: every topology of SCALE-Sim v2's conv_nets and GEMM_mnk folders
// (tests/data/topologies, unchanged), the forms real files take, the built-in networks, and
// hostile files, each refused with one message naming the file and line.

#include "net/topology.h"

#include "support/error_of.h"
#include "support/temp_folder.h"
#include "tlm/report.h"

#include <boost/test/unit_test.hpp>

#include <fstream>
#include <map>
#include <string>

using namespace satlm;
using namespace satlm::test;

namespace {

const std::string topologies = std::string(SATLM_SOURCE_DIR) + "/tests/data/topologies/";
const std::string shared_ref = std::string(SATLM_SHARED_DIR) + "/reference/scalesim-v2/";

const std::string conv_header =
    "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, "
    "Strides,\n";

/// The message parse_topology gives for `text`, or "" when it is accepted.
std::string refusal(const std::string& text) {
    try {
        (void)parse_topology("net.csv", text);
    } catch (const input_error& e) {
        return e.what();
    }
    return "";
}

bool starts_with(const std::string& s, const std::string& prefix) {
    return s.rfind(prefix, 0) == 0;
}
bool contains(const std::string& s, const std::string& part) {
    return s.find(part) != std::string::npos;
}

void check_same_scalesim_view(const net_layer& a, const net_layer& b) {
    BOOST_TEST(a.name == b.name);
    BOOST_TEST(a.ifmap_h == b.ifmap_h);
    BOOST_TEST(a.ifmap_w == b.ifmap_w);
    BOOST_TEST(a.filter_h == b.filter_h);
    BOOST_TEST(a.filter_w == b.filter_w);
    BOOST_TEST(a.channels == b.channels);
    BOOST_TEST(a.filters == b.filters);
    BOOST_TEST(a.stride == b.stride);
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_scalesim_conv_topology_parses) {
    // Layer counts read off the files: data lines that are not blank or comma-only.
    const std::map<std::string, std::size_t> layers = {{"FasterRCNN", 46},
                                                       {"Googlenet", 58},
                                                       {"MobileNet_4k_non_dw", 15},
                                                       {"Resnet18", 21},
                                                       {"Resnet50", 54},
                                                       {"Resnet50_4k_no_pool", 54},
                                                       {"Resnet_test", 1},
                                                       {"UNet_2d", 19},
                                                       {"UNet_maestro", 23},
                                                       {"alexnet", 5},
                                                       {"alexnet_full", 5},
                                                       {"alexnet_part", 1},
                                                       {"mobilenet", 27},
                                                       {"mobilnet_4k", 28},
                                                       {"mobilnet_paper", 28},
                                                       {"mobilnet_reduce_run", 11},
                                                       {"test", 1},
                                                       {"yolo", 22},
                                                       {"yolo_tiny", 9},
                                                       {"yolo_tiny_layer1", 1}};
    for (const auto& [name, count] : layers) {
        BOOST_TEST_CONTEXT(name) {
            const auto net = read_topology(topologies + "conv_nets/" + name + ".csv");
            BOOST_TEST(net.name == name);
            BOOST_TEST(!net.gemm);
            BOOST_TEST(net.layers.size() == count);
            for (const auto& l : net.layers) {
                BOOST_TEST(!l.pad_known);
                BOOST_TEST(l.height == l.ifmap_h);
                BOOST_TEST(l.line >= 2u);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(real_file_forms_keep_their_values) {
    // Tab-separated (UNet_maestro), byte-order mark (UNet_2d), extra columns and comma-only
    // rows (Resnet50), `#dw` cells and a row without its trailing comma (mobilnet_4k),
    // a blank second line (Googlenet), CR LF ends and no final newline (Resnet18).
    const auto maestro = read_topology(topologies + "conv_nets/UNet_maestro.csv");
    BOOST_TEST(maestro.layers[0].name == "Conv1_1");
    BOOST_TEST(maestro.layers[0].ifmap_h == 572u);
    BOOST_TEST(maestro.layers.back().filters == 2u);
    const auto unet = read_topology(topologies + "conv_nets/UNet_2d.csv");
    BOOST_TEST(unet.layers[0].name == "Conv1a");
    BOOST_TEST(unet.layers[0].ifmap_w == 2048u);
    const auto r50 = read_topology(topologies + "conv_nets/Resnet50.csv");
    BOOST_TEST(r50.layers[0].name == "Conv1");
    BOOST_TEST(r50.layers[0].line == 3u);
    BOOST_TEST(r50.layers[0].stride == 2u);
    BOOST_TEST(r50.layers.back().name == "FC6");
    BOOST_TEST(r50.layers.back().channels == 2048u);
    BOOST_TEST(r50.layers.back().filters == 1000u);
    const auto mb = read_topology(topologies + "conv_nets/mobilnet_4k.csv");
    BOOST_TEST(mb.layers[1].name == "Conv2_dw");
    BOOST_TEST(mb.layers[1].stride == 1u);
    BOOST_TEST(mb.layers[10].name == "Conv11");
    BOOST_TEST(mb.layers[10].stride == 1u);
    const auto g = read_topology(topologies + "conv_nets/Googlenet.csv");
    BOOST_TEST(g.layers[0].line == 3u);
    const auto r18 = read_topology(topologies + "conv_nets/Resnet18.csv");
    BOOST_TEST(r18.layers.back().name == "FC");
    BOOST_TEST(r18.layers.back().filters == 1000u);
}

BOOST_AUTO_TEST_CASE(every_scalesim_gemm_file_parses) {
    const std::map<std::string, std::size_t> layers = {
        {"NCF", 12},   {"gnmt", 17}, {"gpt2", 6}, {"test_mnk_input", 1}, {"transformer_partial", 6},
        {"unet2d", 19}};
    for (const auto& [name, count] : layers) {
        BOOST_TEST_CONTEXT(name) {
            const auto net = read_topology(topologies + "GEMM_mnk/" + name + ".csv");
            BOOST_TEST(net.gemm);
            BOOST_TEST(net.layers.size() == count);
        }
    }
    // The largest accepted GEMM.
    const auto big = parse_topology("g.csv", "Layer,M,N,K\nbig,1073741824,1,1\n");
    BOOST_TEST(big.layers[0].ifmap_h == 1073741824u);
    BOOST_TEST(big.layers[0].macs() == 1073741824u);
    // gpt2's "QKTV,1024,64,1024": M = 1024 positions, N = 64 filters, K = 1024 channels.
    const auto gpt2 = read_topology(topologies + "GEMM_mnk/gpt2.csv");
    const auto& l = gpt2.layers[1];
    BOOST_TEST(l.name == "QKTV");
    BOOST_TEST(l.ifmap_h == 1024u);
    BOOST_TEST(l.ifmap_w == 1u);
    BOOST_TEST(l.filter_h == 1u);
    BOOST_TEST(l.filter_w == 1u);
    BOOST_TEST(l.channels == 1024u);
    BOOST_TEST(l.filters == 64u);
    BOOST_TEST(l.stride == 1u);
    BOOST_TEST(l.ofmap_h() * l.ofmap_w() == 1024u);
    BOOST_TEST(l.macs() == 1024ull * 64 * 1024);
    const auto t = read_topology(topologies + "GEMM_mnk/test_mnk_input.csv");
    BOOST_TEST(t.layers[0].name == "Test 1");
    BOOST_TEST(t.layers[0].channels == 256u);
}

BOOST_AUTO_TEST_CASE(builtin_8ch_equals_the_reference_topology) {
    const auto ref = read_topology(shared_ref + "vgg16-cifar10-8ch.csv");
    const auto net = builtin_network("vgg16-cifar10-8ch");
    BOOST_TEST_REQUIRE(net.layers.size() == ref.layers.size());
    for (std::size_t i = 0; i < ref.layers.size(); ++i) {
        BOOST_TEST_CONTEXT(ref.layers[i].name) {
            check_same_scalesim_view(net.layers[i], ref.layers[i]);
            BOOST_TEST(net.layers[i].pad_known);
            BOOST_TEST(net.layers[i].pad == 1u);
            BOOST_TEST(net.layers[i].height + 2 == net.layers[i].ifmap_h);
        }
    }
    BOOST_TEST(net.layers[8].channels == 8u);
    BOOST_TEST(net.layers[8].filters == 8u);
    BOOST_TEST(net.layers[8].ofmap_h() == 4u);
}

BOOST_AUTO_TEST_CASE(builtin_vgg16_cifar10) {
    const auto net = load_network("vgg16-cifar10");
    BOOST_TEST(net.name == "vgg16-cifar10");
    const unsigned sizes[] = {32, 32, 16, 16, 8, 8, 8, 4, 4, 4, 2, 2, 2};
    const unsigned in[] = {3, 64, 64, 128, 128, 256, 256, 256, 512, 512, 512, 512, 512};
    const unsigned out[] = {64, 64, 128, 128, 256, 256, 256, 512, 512, 512, 512, 512, 512};
    BOOST_TEST_REQUIRE(net.layers.size() == 13u);
    std::uint64_t macs = 0;
    for (std::size_t i = 0; i < 13; ++i) {
        const auto& l = net.layers[i];
        BOOST_TEST(l.height == sizes[i]);
        BOOST_TEST(l.ifmap_h == sizes[i] + 2);
        BOOST_TEST(l.ofmap_h() == sizes[i]);
        BOOST_TEST(l.channels == in[i]);
        BOOST_TEST(l.filters == out[i]);
        BOOST_TEST(l.filter_h == 3u);
        BOOST_TEST(l.stride == 1u);
        macs += l.macs();
    }
    BOOST_TEST(macs == 313196544u);  // VGG16's convolutions on 32x32 inputs
    BOOST_TEST(builtin_network_names().size() == 2u);
    BOOST_TEST(starts_with(error_of<config_error>([] { (void)builtin_network("vgg19"); }),
                           "network 'vgg19'"));
}

BOOST_AUTO_TEST_CASE(row_forms_and_the_pad_column) {
    const auto net =
        parse_topology("dir/my.net.csv",
                       "\xEF\xBB\xBFLayer name, IFMAP Height, IFMAP Width, Filter Height, Filter "
                       "Width, Channels, Num Filter, Strides, note, pad\r\n"
                       "# a comment line\r\n"
                       "a, 32, 30, 3, 1, 3, 64, 2, 7, 1,\r\n"
                       ",,,,,,,,,,\r\n"
                       "   \r\n"
                       "b,8,8,1,7,3,4,1\r\n"
                       "c, 5, 5, 5, 5, 2, 2, 1, # no pad cell: the row ends here\n"
                       "d, 1, 1, 1, 1, 10, 20, 1, , 0");
    BOOST_TEST(net.name == "my.net");
    BOOST_TEST_REQUIRE(net.layers.size() == 4u);
    const auto& a = net.layers[0];
    BOOST_TEST(a.line == 3u);
    BOOST_TEST(a.pad_known);
    BOOST_TEST(a.pad == 1u);
    BOOST_TEST(a.height == 32u);
    BOOST_TEST(a.width == 30u);
    BOOST_TEST(a.ifmap_h == 34u);
    BOOST_TEST(a.ifmap_w == 32u);
    BOOST_TEST(a.filter_h == 3u);
    BOOST_TEST(a.filter_w == 1u);
    BOOST_TEST(a.ofmap_h() == 16u);  // floor((34 - 3) / 2) + 1
    BOOST_TEST(a.ofmap_w() == 16u);  // floor((32 - 1) / 2) + 1
    BOOST_TEST(net.layers[1].line == 6u);
    BOOST_TEST(net.layers[1].filter_w == 7u);
    BOOST_TEST(net.layers[1].ofmap_w() == 2u);
    BOOST_TEST(net.layers[2].pad == 0u);
    BOOST_TEST(net.layers[2].ofmap_h() == 1u);
    BOOST_TEST(net.layers[3].macs() == 200u);
    // Without a `pad` header the extra columns are ignored, whatever they hold.
    const auto plain = parse_topology("p.csv", conv_header + "x, 6, 6, 3, 3, 8, 8, 1, 5, 9,\n");
    BOOST_TEST(!plain.layers[0].pad_known);
    BOOST_TEST(plain.layers[0].ifmap_h == 6u);
}

BOOST_AUTO_TEST_CASE(hostile_files_name_file_line_and_expectation) {
    struct hostile {
        std::string text, prefix, part;
    };
    const std::vector<hostile> cases = {
        {"", "net.csv:1:", "expected a header line"},
        {"\n# only a comment\n", "net.csv:3:", "expected a header line"},
        {conv_header, "net.csv:1:", "expected at least one layer after the header"},
        {"c1, 34, 34, 3, 3, 3, 64, 1,\n", "net.csv:1:", "found a layer"},
        {conv_header + "c1, 34, 34, 3, 3, 3,\n", "net.csv:2:", "found 6 cells"},
        {conv_header + "c1, 34, x, 3, 3, 3, 64, 1,\n",
         "net.csv:2:", "column 3 (ifmap_w): expected a positive integer, found 'x'"},
        {conv_header + "c1, 34, 34, 3, 3, 3, 64, 0,\n",
         "net.csv:2:", "column 8 (stride): expected a positive integer, found 0"},
        {conv_header + "c1, 34, 34, 3, 3, -3, 64, 1,\n", "net.csv:2:", "column 6 (channels)"},
        {conv_header + "c1, 34, 34, 3.5, 3, 3, 64, 1,\n", "net.csv:2:", "column 4 (filter_h)"},
        {conv_header + "c1, 4, 34, 5, 3, 3, 64, 1,\n",
         "net.csv:2:", "the 5x3 filter is larger than the padded 4x34 IFMAP"},
        {conv_header + "ok, 4, 4, 1, 1, 1, 1, 1,\n\n, 34, 34, 3, 3, 3, 64, 1,\n",
         "net.csv:4:", "found an empty name"},
        {conv_header + "c1, 99999999999, 34, 3, 3, 3, 64, 1,\n",
         "net.csv:2:", "larger than the limit"},
        {conv_header + "c1, 1073741825, 34, 3, 3, 3, 64, 1,\n",
         "net.csv:2:", "1073741825 is larger than the limit 1073741824"},
        {"Layer name, h, w, fh, fw, c, n, s, pad\nc1, 1073741824, 3, 3, 3, 3, 64, 1, 2\n",
         "net.csv:2:", "the padded IFMAP is larger than the limit"},
        {conv_header + "c1, 16777216, 16777216, 1, 1, 16777216, 16777216, 1,\n",
         "net.csv:2:", "2^62"},
        {conv_header + std::string("c1, 34, 34, 3, 3, 3, 64, 1\0,\n", 29),
         "net.csv:2:", "column 8 (stride)"},
        {"Layer name, h, w, fh, fw, c, n, s, pad\nc1, 32, 32, 3, 3, 3, 64, 1, one\n",
         "net.csv:2:", "column 9 (pad)"},
        {conv_header + "c1\t34\t34\t3\t3\t3\t64\t1\n", "net.csv:2:", "found 1 cell"},
        {"Layer,M,N,K,\ng1,20,10,\n",
         "net.csv:2:", "expected a GEMM `name, M, N, K,`, found 3 cells"},
        {"Layer,M,N,K,\ng1,20,0,5,\n", "net.csv:2:", "column 3 (N)"},
    };
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT("text: " << c.text) {
            const std::string msg = refusal(c.text);
            BOOST_TEST(starts_with(msg, c.prefix), msg);
            BOOST_TEST(contains(msg, c.part), msg);
            BOOST_TEST(msg.find('\n') == std::string::npos);
        }
    }
}

BOOST_AUTO_TEST_CASE(files_that_cannot_be_read) {
    temp_folder dir;
    const std::string missing = dir.path("missing.csv");
    BOOST_TEST(contains(error_of<input_error>([&] { (void)read_topology(missing); }),
                        missing + ": cannot open"));
    BOOST_TEST(contains(error_of<input_error>([&] { (void)load_network(dir.dir.string()); }),
                        "found a folder"));
    const std::string file = dir.write("bad.csv", conv_header + "c1, 34\n");
    BOOST_TEST(starts_with(error_of<input_error>([&] { (void)load_network(file); }), file + ":2:"));
}
