// tlm/config.h: the configuration tree. Every key set by its dotted name and read back (the
// table below must name every key all_keys() lists), defaults as docs/cli.md sections 3 and 4
// give them, rejected keys and values with one-line messages naming the key, problems() for
// invalid combinations, source recording, and the two TOML loaders with file:line messages.
#include "support/error_of.h"
#include "support/temp_folder.h"

#include <boost/test/unit_test.hpp>

#include "tlm/config.h"
#include "tlm/report.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <string>
#include <vector>

using namespace satlm;
using satlm::test::error_of;
namespace fs = std::filesystem;

namespace {

struct key_case {
    const char* key;
    const char* default_text;  ///< get() on a default config
    const char* value;         ///< a valid non-default value
    std::function<bool(const accel_config&)> landed;  ///< the value reached the right field
};

const std::vector<key_case>& key_cases() {
    using C = const accel_config&;
    static const std::vector<key_case> k = {
        {"dir", ".", "data/sub", [](C c) { return c.dir == "data/sub"; }},
        {"layer.in_channels", "8", "64", [](C c) { return c.layer.in_channels == 64; }},
        {"layer.out_channels", "8", "16", [](C c) { return c.layer.out_channels == 16; }},
        {"layer.padded_height", "6", "10", [](C c) { return c.layer.padded_height == 10; }},
        {"layer.padded_width", "6", "18", [](C c) { return c.layer.padded_width == 18; }},
        {"layer.kernel", "3", "5", [](C c) { return c.layer.kernel_h == 5 && c.layer.kernel_w == 5; }},
        {"layer.kernel_h", "3", "7", [](C c) { return c.layer.kernel_h == 7 && c.layer.kernel_w == 3; }},
        {"layer.kernel_w", "3", "1", [](C c) { return c.layer.kernel_w == 1 && c.layer.kernel_h == 3; }},
        {"layer.stride", "1", "2", [](C c) { return c.layer.stride == 2; }},
        {"layer.act_bits", "4", "2", [](C c) { return c.layer.act_bits == 2; }},
        {"layer.weight_bits", "4", "2", [](C c) { return c.layer.weight_bits == 2; }},
        {"layer.psum_bits", "16", "24", [](C c) { return c.layer.psum_bits == 24; }},
        {"tiles.in_channels", "0", "16", [](C c) { return c.tiles.in_channels == 16; }},
        {"tiles.out_channels", "8", "4", [](C c) { return c.tiles.out_channels == 4; }},
        {"files.activation", "activation_tile{i}.txt", "act{i}.txt", [](C c) { return c.files.activation == "act{i}.txt"; }},
        {"files.weight", "weight_itile{i}_otile{o}_kij{k}.txt", "w{k}.txt", [](C c) { return c.files.weight == "w{k}.txt"; }},
        {"files.output", "out.txt", "out{o}.txt", [](C c) { return c.files.output == "out{o}.txt"; }},
        {"files.psum", "", "psum{k}.txt", [](C c) { return c.files.psum == "psum{k}.txt"; }},
        {"files.acc", "", "acc_address.txt", [](C c) { return c.files.acc == "acc_address.txt"; }},
        {"format.header_lines", "auto", "3", [](C c) { return c.format.header_lines == 3; }},
        {"format.lane_order", "high_first", "low_first", [](C c) { return c.format.lanes == lane_order::low_first; }},
        {"format.output_lane_order", "high_first", "low_first", [](C c) { return c.format.output_lanes == lane_order::low_first; }},
        {"format.weight_2bit_lines", "even_first", "odd_first", [](C c) { return c.format.weight_2bit_lines == weight_2bit_order::odd_first; }},
        {"format.output_relu", "true", "false", [](C c) { return !c.format.output_relu; }},
        {"format.header.activation", "auto", "#a\\n#b", [](C c) { return c.format.header_of(file_kind::activation) == std::vector<std::string>{"#a", "#b"}; }},
        {"format.header.weight", "auto", "l\\nl\\nl", [](C c) { return c.format.header_of(file_kind::weight) == std::vector<std::string>{"l", "l", "l"}; }},
        {"format.header.output", "auto", "", [](C c) { return c.format.header_of(file_kind::output) == std::vector<std::string>{}; }},
        {"format.header.psum", "auto", "#psum", [](C c) { return c.format.header_of(file_kind::psum) == std::vector<std::string>{"#psum"}; }},
        {"format.header.acc", "auto", "dummy", [](C c) { return c.format.header_lines_of(file_kind::acc) == 1 && c.format.header_lines_of(file_kind::output) == -1; }},
        {"format.header_style", "short", "canonical", [](C c) { return c.format.headers == header_style::canonical; }},
        {"format.acc_per_line", "auto", "9", [](C c) { return c.format.acc_per_line == 9u; }},
        {"array.rows", "8", "16", [](C c) { return c.arch.rows == 16; }},
        {"array.cols", "8", "4", [](C c) { return c.arch.cols == 4; }},
        {"clock.period_ns", "1.0", "2.5", [](C c) { return c.arch.clock_period_ns == 2.5; }},
        {"xmem.words", "2048", "4096", [](C c) { return c.arch.xmem.words == 4096; }},
        {"xmem.width_bits", "0", "64", [](C c) { return c.arch.xmem.width_bits == 64; }},
        {"xmem.weight_base", "0", "1500", [](C c) { return c.arch.xmem.weight_base == 1500; }},
        {"xmem.read_latency", "1", "3", [](C c) { return c.arch.xmem.read_latency == 3; }},
        {"xmem.model", "sram", "banked", [](C c) { return c.arch.xmem.model == "banked"; }},
        {"xmem.banks", "1", "4", [](C c) { return c.arch.xmem.banks == 4; }},
        {"xmem.bank_cycles", "1", "2", [](C c) { return c.arch.xmem.bank_cycles == 2; }},
        {"pmem.words", "2048", "8192", [](C c) { return c.arch.pmem.words == 8192; }},
        {"pmem.width_bits", "0", "256", [](C c) { return c.arch.pmem.width_bits == 256; }},
        {"pmem.read_latency", "1", "2", [](C c) { return c.arch.pmem.read_latency == 2; }},
        {"pmem.psum_base", "0", "1", [](C c) { return c.arch.pmem.psum_base == 1; }},
        {"l0.depth", "64", "128", [](C c) { return c.arch.l0_depth == 128; }},
        {"ofifo.depth", "64", "32", [](C c) { return c.arch.ofifo_depth == 32; }},
        {"sfu.latency", "1", "2", [](C c) { return c.arch.sfu_latency == 2; }},
        {"offchip.bytes_per_cycle", "4", "16", [](C c) { return c.arch.offchip_bytes_per_cycle == 16; }},
        {"offchip.latency", "0", "12", [](C c) { return c.arch.offchip_latency == 12; }},
        {"offchip.burst_bytes", "0", "64", [](C c) { return c.arch.offchip_burst_bytes == 64; }},
        {"pmem.banks", "1", "8", [](C c) { return c.arch.pmem.banks == 8; }},
        {"pmem.ports", "1", "2", [](C c) { return c.arch.pmem.ports == 2; }},
        {"pmem.model", "sram", "banked", [](C c) { return c.arch.pmem.model == "banked"; }},
        {"pmem.bank_cycles", "1", "3", [](C c) { return c.arch.pmem.bank_cycles == 3; }},
        {"schedule.kind", "reference", "overlapped", [](C c) { return c.arch.schedule == schedule_kind::overlapped; }},
        {"dataflow.kind", "ws", "ws", [](C c) { return c.arch.dataflow == dataflow_kind::ws; }},
        {"model.fidelity", "cycle", "lt", [](C c) { return c.arch.model == fidelity::lt; }},
        {"model.top", "structural", "stepped", [](C c) { return c.arch.top == top_kind::stepped; }},
        {"limits.memory_mb", "1024", "4096", [](C c) { return c.limits.memory_mb == 4096; }},
        {"limits.gen_files", "100000", "7", [](C c) { return c.limits.gen_files == 7; }},
        {"limits.gen_mb", "1024", "9", [](C c) { return c.limits.gen_mb == 9; }},
    };
    return k;
}


bool one_line(const std::string& s) { return !s.empty() && s.find('\n') == std::string::npos; }
bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

BOOST_AUTO_TEST_SUITE(config)

BOOST_AUTO_TEST_CASE(key_table_covers_every_key) {
    std::set<std::string> listed;
    for (const auto& k : key_cases()) listed.insert(k.key);
    std::set<std::string> all;
    for (const auto& k : all_keys()) {
        all.insert(k.name);
        BOOST_TEST(listed.count(k.name) == 1u, "key " << k.name << " is missing from this test's table");
        BOOST_TEST(!k.doc.empty(), "key " << k.name << " has no one-line meaning");
        BOOST_TEST(find_key(k.name) != nullptr);
        BOOST_TEST(find_key(k.name)->name == k.name);
    }
    for (const auto& k : listed) BOOST_TEST(all.count(k) == 1u, "table key " << k << " is not a configuration key");
    BOOST_TEST(find_key("array.depth") == nullptr);
    BOOST_TEST(find_key("") == nullptr);
}

BOOST_AUTO_TEST_CASE(sections_split_manifest_and_architecture_keys) {
    for (const auto& k : all_keys()) {
        const std::string top = k.name.substr(0, k.name.find('.'));
        const bool manifest = top == "dir" || top == "layer" || top == "tiles" || top == "files" || top == "format";
        BOOST_TEST((k.section == key_section::manifest) == manifest, "key " << k.name);
    }
}

BOOST_AUTO_TEST_CASE(defaults_are_the_canonical_format_and_rtl_sizes) {
    const accel_config c;
    for (const auto& k : key_cases()) BOOST_TEST(c.get(k.key) == k.default_text, "key " << k.key);
    BOOST_TEST(c.tile_in_channels() == 8u);
    BOOST_TEST(c.arch.xmem_width() == 32u);
    BOOST_TEST(c.arch.xmem_weight_base() == 1024u);
    BOOST_TEST(c.arch.pmem_width(c.layer.psum_bits) == 128u);
    BOOST_TEST(c.problems().empty());
    BOOST_CHECK_NO_THROW(c.validate());
}

BOOST_AUTO_TEST_CASE(every_key_set_by_dotted_name_and_read_back) {
    for (const auto& k : key_cases()) {
        accel_config c;
        c.set(k.key, k.value, key_source::command_line);
        BOOST_TEST(c.get(k.key) == k.value, "key " << k.key);
        BOOST_TEST(k.landed(c), "key " << k.key << " did not reach its field");
        BOOST_TEST((c.source_of(k.key) == key_source::command_line), "key " << k.key);
        // Only that key changed (the square shorthand layer.kernel and the two filter sides
        // name the same values).
        auto filter_key = [](const std::string& key) { return key.rfind("layer.kernel", 0) == 0; };
        for (const auto& other : key_cases())
            if (std::string(other.key) != k.key && !(filter_key(k.key) && filter_key(other.key))) {
                BOOST_TEST(c.get(other.key) == other.default_text, "setting " << k.key << " changed " << other.key);
                BOOST_TEST((c.source_of(other.key) == key_source::built_in));
            }
        // The printed form parses back to the same value.
        accel_config d;
        d.set(k.key, c.get(k.key), key_source::manifest);
        BOOST_TEST(d.get(k.key) == c.get(k.key), "key " << k.key);
    }
}

BOOST_AUTO_TEST_CASE(derived_defaults_follow_their_keys) {
    accel_config c;
    c.set("array.rows", "16", key_source::command_line);
    c.set("array.cols", "4", key_source::command_line);
    c.set("layer.psum_bits", "24", key_source::command_line);
    c.set("xmem.words", "4096", key_source::command_line);
    BOOST_TEST(c.arch.xmem_width() == 64u);
    BOOST_TEST(c.arch.pmem_width(c.layer.psum_bits) == 96u);
    BOOST_TEST(c.arch.xmem_weight_base() == 2048u);
    c.set("layer.act_bits", "2", key_source::command_line);
    BOOST_TEST(c.tile_in_channels() == 16u);
    c.set("tiles.in_channels", "6", key_source::command_line);
    BOOST_TEST(c.tile_in_channels() == 6u);
    c.set("format.header_lines", "auto", key_source::command_line);
    BOOST_TEST(c.format.header_lines == -1);
    c.set("format.header_lines", "0", key_source::command_line);
    BOOST_TEST(c.format.header_lines == 0);
    c.set("format.output_relu", "0", key_source::command_line);
    BOOST_TEST(!c.format.output_relu);
    c.set("format.output_relu", "1", key_source::command_line);
    BOOST_TEST(c.format.output_relu);
    c.set("clock.period_ns", "3", key_source::command_line);
    BOOST_TEST(c.get("clock.period_ns") == "3.0");
    c.set("files.psum", "", key_source::command_line);
    BOOST_TEST(c.files.psum.empty());
}

BOOST_AUTO_TEST_CASE(unknown_keys_are_rejected_naming_the_key) {
    accel_config c;
    for (const char* bad : {"array.depth", "rows", "layer", "Array.rows", "array.rows.x", ""}) {
        const std::string m = error_of<config_error>([&] { c.set(bad, "1", key_source::command_line); });
        BOOST_TEST(one_line(m), "key `" << bad << "`: " << m);
        BOOST_TEST(has(m, std::string("`") + bad + "`"), m);
        BOOST_TEST(has(m, "unknown key"), m);
        BOOST_TEST(has(m, "--set"), m);  // the default origin
    }
    const std::string g = error_of<config_error>([&] { (void)c.get("array.depth"); });
    BOOST_TEST(has(g, "array.depth"), g);
    BOOST_TEST(c.sources.empty());
}

BOOST_AUTO_TEST_CASE(bad_values_and_ranges_are_rejected) {
    struct bad_case {
        const char* key;
        const char* value;
        const char* expect;  ///< part of the message
    };
    const bad_case cases[] = {
        {"array.rows", "abc", "expected a whole number"},
        {"array.rows", "", "expected a whole number"},
        {"array.rows", "-1", "expected a whole number"},
        {"array.rows", "3.5", "expected a whole number"},
        {"array.rows", "8 ", "expected a whole number"},
        {"array.rows", "0", "expected 1..1024"},
        {"array.rows", "1025", "expected 1..1024"},
        {"array.cols", "99999999999", "expected 1..1024"},
        {"layer.kernel", "0", "expected 1..16777216"},
        {"layer.kernel", "3x0", "expected 1..16777216"},
        {"layer.stride", "0", "expected 1..16777216"},
        {"layer.act_bits", "8", "expected 2..4"},
        {"layer.act_bits", "1", "expected 2..4"},
        {"layer.weight_bits", "5", "expected 2..4"},
        {"layer.psum_bits", "7", "expected 8..32"},
        {"layer.psum_bits", "33", "expected 8..32"},
        {"layer.in_channels", "0", "expected 1.."},
        {"tiles.out_channels", "0", "expected 1.."},
        {"xmem.words", "1", "expected 2.."},
        {"xmem.read_latency", "0", "expected 1..64"},
        {"pmem.read_latency", "65", "expected 1..64"},
        {"sfu.latency", "0", "expected 1..64"},
        {"offchip.bytes_per_cycle", "0", "expected 1..65536"},
        {"clock.period_ns", "fast", "expected a number"},
        {"clock.period_ns", "0", "expected 0.001..1000000"},
        {"clock.period_ns", "-2", "expected 0.001..1000000"},
        {"clock.period_ns", "1ns", "expected a number"},
        {"format.header_lines", "some", "expected a whole number"},
        {"format.header_lines", "1001", "expected 0..1000"},
        {"format.output_relu", "yes", "expected true or false"},
        {"format.header.acc", "#a\\n\\n#c", "header line 2 is blank"},
        {"format.header.output", "0110", "holds only 0 and 1: that is a data line"},
        {"format.header_style", "long", "expected \"short\" or \"canonical\""},
        {"format.acc_per_line", "0", "expected 1..225"},
        {"pmem.psum_base", "-1", "expected a whole number"},
        {"format.lane_order", "msb_first", "expected \"high_first\" or \"low_first\""},
        {"format.weight_2bit_lines", "even", "expected \"even_first\" or \"odd_first\""},
        {"schedule.kind", "fast", "expected \"reference\" or \"overlapped\""},
        {"model.fidelity", "at", "expected \"cycle\" or \"lt\""},
        {"model.top", "flat", "expected \"stepped\" or \"structural\""},
    };
    for (const auto& b : cases) {
        accel_config c;
        const std::string before = c.get(b.key);
        const std::string m = error_of<config_error>([&] { c.set(b.key, b.value, key_source::command_line, "here.toml:7"); });
        BOOST_TEST(one_line(m), b.key << "=" << b.value << ": " << m);
        BOOST_TEST(has(m, std::string("key `") + b.key + "`"), m);
        BOOST_TEST(has(m, b.expect), m);
        BOOST_TEST(m.rfind("here.toml:7: ", 0) == 0u, m);  // the origin leads
        BOOST_TEST(c.get(b.key) == before, "a rejected value changed " << b.key);
        BOOST_TEST((c.source_of(b.key) == key_source::built_in), "a rejected value recorded a source for " << b.key);
    }
}

BOOST_AUTO_TEST_CASE(problems_one_line_each_for_invalid_combinations) {
    struct combo {
        std::vector<std::pair<const char*, const char*>> keys;
        std::vector<const char*> named;  ///< keys the problem lines name, in order
    };
    const combo combos[] = {
        {{{"layer.kernel", "7"}}, {"layer.padded_height", "layer.padded_width"}},
        {{{"layer.kernel_w", "7"}}, {"layer.padded_width"}},
        {{{"layer.act_bits", "3"}}, {"layer.act_bits"}},
        {{{"layer.padded_height", "2"}}, {"layer.padded_height"}},
        {{{"layer.padded_width", "2"}}, {"layer.padded_width"}},
        {{{"layer.act_bits", "2"}, {"tiles.in_channels", "5"}}, {"tiles.in_channels"}},
        {{{"array.rows", "16"}, {"xmem.width_bits", "32"}}, {"xmem.width_bits"}},
        {{{"pmem.width_bits", "64"}}, {"pmem.width_bits"}},
        {{{"xmem.weight_base", "2048"}}, {"xmem.weight_base"}},
        {{{"xmem.weight_base", "2040"}}, {"xmem.weight_base"}},  // 8 words < 8 columns + 1
        {{{"l0.depth", "7"}}, {"l0.depth"}},
        {{{"layer.act_bits", "2"}, {"l0.depth", "15"}}, {"l0.depth"}},  // 2 weights per column
        {{{"xmem.width_bits", "36"}}, {"xmem.width_bits"}},
        {{{"pmem.width_bits", "132"}}, {"pmem.width_bits"}},
        {{{"layer.kernel", "4"}, {"layer.padded_height", "3"}, {"array.rows", "16"}, {"xmem.width_bits", "40"},
          {"l0.depth", "2"}},
         {"layer.padded_height", "xmem.width_bits", "l0.depth"}},
    };
    for (const auto& k : combos) {
        accel_config c;
        std::string what;
        for (const auto& [key, value] : k.keys) {
            c.set(key, value, key_source::command_line);
            what += std::string(key) + "=" + value + " ";
        }
        const auto p = c.problems();
        BOOST_TEST_REQUIRE(p.size() == k.named.size(), what << ": " << p.size() << " problems");
        for (std::size_t i = 0; i < p.size(); ++i) {
            BOOST_TEST(one_line(p[i]), what << ": " << p[i]);
            BOOST_TEST(has(p[i], std::string("key `") + k.named[i] + "`"), what << ": " << p[i]);
            BOOST_TEST((has(p[i], "expected") || has(p[i], "must")), what << ": " << p[i]);
        }
        const std::string m = error_of<config_error>([&] { c.validate(); });
        std::size_t lines = 1;
        for (char ch : m) lines += ch == '\n';
        BOOST_TEST(lines == p.size(), what << ": " << m);
        for (const auto& line : p) BOOST_TEST(has(m, "configuration: " + line), m);
    }
    // The boundary cases that are valid.
    accel_config ok;
    ok.set("xmem.weight_base", "2039", key_source::command_line);  // exactly 9 words
    ok.set("l0.depth", "8", key_source::command_line);
    ok.set("layer.padded_height", "3", key_source::command_line);
    ok.set("pmem.width_bits", "128", key_source::command_line);
    ok.set("xmem.width_bits", "32", key_source::command_line);
    BOOST_TEST(ok.problems().empty());
}

BOOST_AUTO_TEST_CASE(sources_record_where_each_value_came_from) {
    accel_config c;
    BOOST_TEST((c.source_of("array.rows") == key_source::built_in));
    BOOST_TEST(c.given_at_or_above("array.rows", key_source::built_in));
    BOOST_TEST(!c.given_at_or_above("array.rows", key_source::inferred));
    c.set("layer.in_channels", "16", key_source::inferred);
    c.set("array.rows", "16", key_source::config_file);
    c.set("layer.out_channels", "4", key_source::manifest);
    c.set("array.cols", "4", key_source::command_line);
    BOOST_TEST((c.source_of("layer.in_channels") == key_source::inferred));
    BOOST_TEST((c.source_of("array.rows") == key_source::config_file));
    BOOST_TEST((c.source_of("layer.out_channels") == key_source::manifest));
    BOOST_TEST((c.source_of("array.cols") == key_source::command_line));
    BOOST_TEST(c.sources.size() == 4u);
    // Precedence order: built-in < inferred < config file < manifest < --set.
    BOOST_TEST(c.given_at_or_above("layer.in_channels", key_source::inferred));
    BOOST_TEST(!c.given_at_or_above("layer.in_channels", key_source::config_file));
    BOOST_TEST(c.given_at_or_above("array.rows", key_source::config_file));
    BOOST_TEST(!c.given_at_or_above("array.rows", key_source::manifest));
    BOOST_TEST(c.given_at_or_above("layer.out_channels", key_source::manifest));
    BOOST_TEST(!c.given_at_or_above("layer.out_channels", key_source::command_line));
    BOOST_TEST(c.given_at_or_above("array.cols", key_source::command_line));
    // The last set records its source (callers apply sources in precedence order).
    c.set("array.rows", "32", key_source::command_line);
    BOOST_TEST((c.source_of("array.rows") == key_source::command_line));
    BOOST_TEST(std::string(to_string(key_source::built_in)) == "default");
    BOOST_TEST(std::string(to_string(key_source::inferred)) == "inferred");
    BOOST_TEST(std::string(to_string(key_source::config_file)) == "config");
    BOOST_TEST(std::string(to_string(key_source::manifest)) == "manifest");
    BOOST_TEST(std::string(to_string(key_source::command_line)) == "--set");
}

BOOST_AUTO_TEST_CASE(describe_lists_every_key_with_value_and_source) {
    accel_config c;
    c.set("array.rows", "16", key_source::config_file);
    const std::string d = c.describe();
    std::size_t lines = 0;
    for (char ch : d) lines += ch == '\n';
    BOOST_TEST(lines == all_keys().size());
    for (const auto& k : all_keys()) BOOST_TEST(has(d, k.name), k.name);
    const auto pos = d.find("array.rows");
    const std::string line = d.substr(pos, d.find('\n', pos) - pos);
    BOOST_TEST(has(line, "16"), line);
    BOOST_TEST(has(line, "(config)"), line);
    const auto cpos = d.find("array.cols");
    BOOST_TEST(has(d.substr(cpos, d.find('\n', cpos) - cpos), "(default)"));
}

BOOST_AUTO_TEST_CASE(architecture_file_sets_its_keys) {
    satlm::test::temp_folder s;
    const auto p = s.write("arch.toml",
                           "# a what-if architecture\n"
                           "model.fidelity = \"lt\"\n"      // dotted key
                           "l0 = { depth = 32 }\n"           // inline table
                           "[array]\nrows = 16\ncols = 4\n"
                           "[clock]\nperiod_ns = 2.5\n"
                           "[xmem]\nread_latency = 2\n"
                           "[schedule]\nkind = \"overlapped\"\n");
    accel_config c;
    load_architecture_file(c, p);
    BOOST_TEST(c.arch.rows == 16u);
    BOOST_TEST(c.arch.cols == 4u);
    BOOST_TEST(c.arch.clock_period_ns == 2.5);
    BOOST_TEST(c.arch.xmem.read_latency == 2u);
    BOOST_TEST((c.arch.schedule == schedule_kind::overlapped));
    BOOST_TEST((c.arch.model == fidelity::lt));
    BOOST_TEST(c.arch.l0_depth == 32u);
    BOOST_TEST((c.source_of("array.rows") == key_source::config_file));
    BOOST_TEST((c.source_of("l0.depth") == key_source::config_file));
    BOOST_TEST((c.source_of("ofifo.depth") == key_source::built_in));
    BOOST_TEST(c.sources.size() == 7u);
}

BOOST_AUTO_TEST_CASE(manifest_file_sets_its_keys) {
    satlm::test::temp_folder s;
    const auto p = s.write("vectorset.toml",
                           "dir = \"data\"\n"
                           "[layer]\nin_channels = 16\nact_bits = 2\n"
                           "[tiles]\nin_channels = 16\n"
                           "[files]\nweight = \"w_kij{k}.txt\"\npsum = \"\"\n"
                           "[format]\nheader_lines = 3\noutput_relu = false\nlane_order = \"low_first\"\n");
    accel_config c;
    load_manifest_file(c, p);
    BOOST_TEST(c.dir == "data");  // not resolved: the caller does that
    BOOST_TEST(c.layer.in_channels == 16u);
    BOOST_TEST(c.layer.act_bits == 2u);
    BOOST_TEST(c.tiles.in_channels == 16u);
    BOOST_TEST(c.files.weight == "w_kij{k}.txt");
    BOOST_TEST(c.format.header_lines == 3);
    BOOST_TEST(!c.format.output_relu);
    BOOST_TEST((c.format.lanes == lane_order::low_first));
    BOOST_TEST((c.source_of("layer.in_channels") == key_source::manifest));
    BOOST_TEST((c.source_of("files.psum") == key_source::manifest));
    const auto q = s.write("auto.toml", "[format]\nheader_lines = \"auto\"\n");
    load_manifest_file(c, q);
    BOOST_TEST(c.format.header_lines == -1);
}

BOOST_AUTO_TEST_CASE(header_text_keys_take_arrays_strings_or_none) {
    // [format.header]: one array entry per line (shin-ws4-fa23's `dummy` lines), [] for a file
    // kind without header lines (its acc_address.txt), a string with newlines, "auto" to unset.
    satlm::test::temp_folder s;
    const auto p = s.write("vectorset.toml",
                           "[format]\nheader_lines = 3\n[format.header]\n"
                           "output = [\"dummy\", \"dummy\", \"dummy\"]\nacc = []\n"
                           "weight = \"#one\\n#two\"\nactivation = \"auto\"\n");
    accel_config c;
    load_manifest_file(c, p);
    BOOST_TEST((c.format.header_of(file_kind::output) == (std::vector<std::string>{"dummy", "dummy", "dummy"})));
    BOOST_TEST((c.format.header_of(file_kind::acc) == std::vector<std::string>{}));
    BOOST_TEST((c.format.header_of(file_kind::weight) == (std::vector<std::string>{"#one", "#two"})));
    BOOST_TEST(!c.format.header_of(file_kind::activation));
    BOOST_TEST(c.format.header_lines_of(file_kind::acc) == 0);
    BOOST_TEST(c.format.header_lines_of(file_kind::weight) == 2);
    BOOST_TEST(c.format.header_lines_of(file_kind::activation) == 3);
    BOOST_TEST(c.get("format.header.output") == "dummy\\ndummy\\ndummy");
    for (const auto& [text, part] : std::vector<std::pair<std::string, std::string>>{
             {"[format.header]\nacc = [1, 2]\n", "2: key `format.header.acc`: expected an array of strings"},
             {"[format.header]\nacc = [\"\"]\n", "2: key `format.header.acc`: header line 1 is blank"},
             {"[format.header]\nacc = [\"a\\nb\"]\n", "2: key `format.header.acc`: a header line holds a line break"},
             {"[layer]\nkernel = [3]\n", "2: key `layer.kernel`: expected"},
             {"[pmem]\npsum_base = 1\n", "2: key `pmem.psum_base`: an architecture key not allowed here"}}) {
        const auto bad = s.write("bad.toml", text);
        accel_config d;
        const std::string m = error_of<config_error>([&] { load_manifest_file(d, bad); });
        BOOST_TEST(has(m, bad + ":" + part), m);
    }
}

BOOST_AUTO_TEST_CASE(psum_base_must_lie_inside_pmem) {
    accel_config c;
    c.set("pmem.psum_base", "2048", key_source::command_line);
    const auto p = c.problems();
    BOOST_REQUIRE(p.size() == 1u);
    BOOST_TEST(has(p[0], "key `pmem.psum_base`: expected less than pmem.words (2048), got 2048"), p[0]);
}

BOOST_AUTO_TEST_CASE(file_errors_name_file_line_and_key) {
    satlm::test::temp_folder s;
    struct file_case {
        bool architecture;
        const char* text;
        std::vector<std::string> parts;  ///< after "<path>:"
    };
    const file_case cases[] = {
        // misplaced keys
        {true, "[array]\nrows = 8\n[layer]\nkernel = 3\n", {"4: key `layer.kernel`", "not allowed", "vectorset.toml"}},
        {true, "dir = \"x\"\n", {"1: key `dir`", "not allowed"}},
        {false, "[layer]\nkernel = 3\n\n[array]\nrows = 16\n", {"5: key `array.rows`", "not allowed", "--config"}},
        {false, "[xmem]\nwords = 4096\n", {"2: key `xmem.words`", "not allowed"}},
        // unknown keys
        {true, "[array]\nrows = 8\ndepth = 3\n", {"3: key `array.depth`", "unknown key"}},
        {true, "[arrays]\nrows = 8\n", {"2: key `arrays.rows`", "unknown key"}},
        {false, "[layer]\nchannels = 8\n", {"2: key `layer.channels`", "unknown key"}},
        {false, "version = 2\n", {"1: key `version`", "unknown key"}},
        // bad values
        {true, "[array]\nrows = \"many\"\n", {"2: key `array.rows`", "expected a whole number"}},
        {true, "[array]\ncols = 0\n", {"2: key `array.cols`", "expected 1..1024"}},
        {true, "[array]\nrows = -3\n", {"2: key `array.rows`", "non-negative"}},
        {true, "[array]\nrows = [1, 2]\n", {"2: key `array.rows`", "expected a whole number", "got an array"}},
        {true, "[array]\nrows = \"16\"\n", {"2: key `array.rows`", "expected a whole number", "got a string \"16\""}},
        {true, "[l0]\ndepth = 16.0\n", {"2: key `l0.depth`", "expected a whole number", "got a floating-point number 16.0"}},
        {true, "[clock]\nperiod_ns = \"2\"\n", {"2: key `clock.period_ns`", "expected a number"}},
        {false, "[format]\noutput_relu = \"false\"\n", {"2: key `format.output_relu`", "expected true or false"}},
        {false, "[files]\noutput = 3\n", {"2: key `files.output`", "expected a quoted string", "got a whole number"}},
        {true, "[array]\nrow = 8\n", {"2: key `array.row`", "unknown key (did you mean `array.rows`?)"}},
        {true, "[schedule]\nkind = \"fast\"\n", {"2: key `schedule.kind`", "\"reference\" or \"overlapped\""}},
        {false, "[format]\noutput_relu = \"maybe\"\n", {"2: key `format.output_relu`", "expected true or false"}},
        {false, "[layer]\nact_bits = 8\n", {"2: key `layer.act_bits`", "expected 2..4"}},
        // TOML syntax errors
        {true, "[array\nrows = 8\n", {"1: TOML syntax error"}},
        {true, "[array]\nrows = 8\nrows = 9\n", {"3: TOML syntax error"}},
        {false, "[layer]\nkernel = = 3\n", {"2: TOML syntax error"}},
        {false, "\n\n[files]\noutput = \"out.txt\n", {"4: TOML syntax error"}},
    };
    int n = 0;
    for (const auto& k : cases) {
        const auto p = s.write("case" + std::to_string(n++) + ".toml", k.text);
        accel_config c;
        const std::string m = error_of<config_error>([&] {
            if (k.architecture) load_architecture_file(c, p);
            else load_manifest_file(c, p);
        });
        BOOST_TEST(one_line(m), p << ": " << m);
        BOOST_TEST(m.rfind(p + ":", 0) == 0u, "message does not start with the file: " << m);
        for (const auto& part : k.parts) BOOST_TEST(has(m, part), "`" << part << "` not in: " << m);
    }
    accel_config c;
    const std::string missing = (s.dir / "absent.toml").string();
    const std::string m = error_of<config_error>([&] { load_architecture_file(c, missing); });
    BOOST_TEST(has(m, missing), m);
    BOOST_TEST(has(m, "cannot open"), m);
    const std::string m2 = error_of<config_error>([&] { load_manifest_file(c, missing); });
    BOOST_TEST(has(m2, "cannot open"), m2);
}

BOOST_AUTO_TEST_CASE(banks_must_be_a_power_of_two) {
    accel_config c;
    c.arch.pmem.banks = 3;
    const auto p = c.problems();
    BOOST_TEST_REQUIRE(p.size() == 1u);
    BOOST_TEST(p[0] == "key `pmem.banks`: expected a power of two, got 3");
    c.arch.pmem.banks = 4;
    BOOST_TEST(c.problems().empty());
    c.arch.xmem.banks = 6;
    const auto x = c.problems();
    BOOST_TEST_REQUIRE(x.size() == 1u);
    BOOST_TEST(x[0] == "key `xmem.banks`: expected a power of two, got 6");
}

BOOST_AUTO_TEST_SUITE_END()
