// Sweep files: expansion (networks x grid x zip, then networks x points, in file order), stable
// point ids, and every key and value checked before anything runs.

#include "sweep/sweep_file.h"
#include "tlm/report.h"

#include <boost/test/unit_test.hpp>

#include <string>

using namespace satlm;

namespace {

std::string values_of(const sweep_point& p) {
    std::string s;
    for (const auto& v : p.varied_values) s += (s.empty() ? "" : ",") + v;
    return s;
}

std::string error_text(const std::string& text) {
    try {
        (void)parse_sweep("dir/my.toml", text);
    } catch (const config_error& e) {
        return e.what();
    }
    return "";
}

}  // namespace

BOOST_AUTO_TEST_CASE(grid_zip_and_points_expand_in_file_order) {
    const sweep_spec s = parse_sweep("dir/my.toml", R"(
networks = ["vgg16-cifar10", "vgg16-cifar10-8ch"]
[set]
"model.fidelity" = "lt"
[grid]
"offchip.bytes_per_cycle" = [1, 2]
"array.rows" = [4, 8, 16]
[zip]
"l0.depth" = [16, 32]
"ofifo.depth" = [16, 32]
[[points]]
"array.cols" = 4
[[points]]
"array.rows" = 32
"array.cols" = 16
)");
    BOOST_TEST(s.networks.size() == 2u);
    BOOST_TEST(s.points.size() == 2u * 2 * 3 * 2 + 2u * 2);
    const std::vector<std::string> keys = {"offchip.bytes_per_cycle", "array.rows", "l0.depth", "ofifo.depth",
                                           "array.cols"};
    BOOST_TEST(s.varied_keys == keys, boost::test_tools::per_element());
    // The first key varies slowest, zip innermost; values not given are the base's.
    BOOST_TEST(values_of(s.points[0]) == "1,4,16,16,8");
    BOOST_TEST(values_of(s.points[1]) == "1,4,32,32,8");
    BOOST_TEST(values_of(s.points[2]) == "1,8,16,16,8");
    BOOST_TEST(values_of(s.points[11]) == "2,16,32,32,8");
    BOOST_TEST(s.points[11].network == 0u);
    BOOST_TEST(s.points[12].network == 1u);
    // Then networks x points.
    BOOST_TEST(values_of(s.points[24]) == "4,8,64,64,4");
    BOOST_TEST(values_of(s.points[25]) == "4,32,64,64,16");
    BOOST_TEST(s.points[25].network == 0u);
    BOOST_TEST(s.points[27].network == 1u);
    for (std::size_t i = 0; i < s.points.size(); ++i) BOOST_TEST(s.points[i].index == i);
    BOOST_TEST(s.out == "dir/results");
}

BOOST_AUTO_TEST_CASE(point_ids_are_stable_and_independent_of_key_order) {
    const std::string a = point_id("vgg16-cifar10", {{"array.rows", "8"}, {"offchip.bytes_per_cycle", "2"}});
    const std::string b = point_id("vgg16-cifar10", {{"offchip.bytes_per_cycle", "2"}, {"array.rows", "8"}});
    BOOST_TEST(a == b);
    BOOST_TEST(a.size() == 16u);
    // The hash is part of the store's format: it must not change between versions.
    BOOST_TEST(a == point_id("vgg16-cifar10", {{"array.rows", "8"}, {"offchip.bytes_per_cycle", "2"}}));
    BOOST_TEST(point_id("vgg16-cifar10", {}) == "4ad7f0e22ff1426f");
    BOOST_TEST(a != point_id("vgg16-cifar10-8ch", {{"array.rows", "8"}, {"offchip.bytes_per_cycle", "2"}}));
    BOOST_TEST(a != point_id("vgg16-cifar10", {{"array.rows", "8"}, {"offchip.bytes_per_cycle", "4"}}));

    // The same point from two files that order their tables differently: the same id.
    const sweep_spec x = parse_sweep("x.toml", "networks = [\"vgg16-cifar10\"]\n[grid]\n\"array.rows\" = [8]\n"
                                               "\"array.cols\" = [4]\n");
    const sweep_spec y = parse_sweep("y.toml", "networks = [\"vgg16-cifar10\"]\n[[points]]\n\"array.cols\" = 4\n"
                                               "\"array.rows\" = 8\n");
    BOOST_TEST(x.points.at(0).id == y.points.at(0).id);
}

BOOST_AUTO_TEST_CASE(the_same_point_twice_runs_once) {
    const sweep_spec s = parse_sweep("my.toml", R"(
networks = ["vgg16-cifar10"]
[grid]
"array.rows" = [4, 8]
[[points]]
"array.rows" = 8
)");
    BOOST_TEST(s.points.size() == 2u);
}

BOOST_AUTO_TEST_CASE(points_alone_are_the_sweep) {
    const sweep_spec s = parse_sweep("my.toml", "networks = [\"vgg16-cifar10\"]\n[[points]]\n\"array.rows\" = 4\n"
                                                "[[points]]\n\"array.rows\" = 16\n");
    BOOST_TEST(s.points.size() == 2u);
    BOOST_TEST(values_of(s.points[0]) == "4");
}

BOOST_AUTO_TEST_CASE(no_tables_is_one_point_per_network) {
    const sweep_spec s = parse_sweep("my.toml", "networks = [\"vgg16-cifar10\", \"vgg16-cifar10-8ch\"]\n");
    BOOST_TEST(s.points.size() == 2u);
    BOOST_TEST(s.varied_keys.empty());
}

BOOST_AUTO_TEST_CASE(bad_keys_and_values_name_file_table_and_key) {
    const std::string unknown = error_text("networks = [\"vgg16-cifar10\"]\n[grid]\n\"array.rowz\" = [4]\n");
    BOOST_TEST(unknown.find("dir/my.toml:3") != std::string::npos, unknown);
    BOOST_TEST(unknown.find("[grid]") != std::string::npos, unknown);
    BOOST_TEST(unknown.find("array.rowz") != std::string::npos, unknown);

    const std::string value = error_text("networks = [\"vgg16-cifar10\"]\n[set]\n\"model.fidelity\" = \"fast\"\n");
    BOOST_TEST(value.find("[set]") != std::string::npos, value);
    BOOST_TEST(value.find("model.fidelity") != std::string::npos, value);

    const std::string point = error_text("networks = [\"vgg16-cifar10\"]\n[[points]]\n\"array.rows\" = \"many\"\n");
    BOOST_TEST(point.find("[points] #1") != std::string::npos, point);
    BOOST_TEST(point.find("array.rows") != std::string::npos, point);

    const std::string zip = error_text("networks = [\"vgg16-cifar10\"]\n[zip]\n\"l0.depth\" = [16, 32]\n"
                                       "\"ofifo.depth\" = [16]\n");
    BOOST_TEST(zip.find("[zip]") != std::string::npos, zip);

    const std::string net = error_text("networks = [\"no-such-net\"]\n");
    BOOST_TEST(net.find("no-such-net") != std::string::npos, net);

    const std::string top = error_text("networks = [\"vgg16-cifar10\"]\njobs = 3\n");
    BOOST_TEST(top.find("jobs") != std::string::npos, top);

    BOOST_TEST(!error_text("[grid]\n\"array.rows\" = [4]\n").empty());                           // no networks
    BOOST_TEST(!error_text("networks = [\"vgg16-cifar10\"]\n[grid]\n\"array.rows\" = 4\n").empty());  // not a list
    BOOST_TEST(!error_text("networks = [\"vgg16-cifar10\"]\n[grid]\n\"array.rows\" = []\n").empty());
    BOOST_TEST(!error_text("networks = [\"vgg16-cifar10\"\n").empty());                           // TOML syntax
}
