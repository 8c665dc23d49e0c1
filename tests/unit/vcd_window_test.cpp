// testbench/vcd_window.h: --vcd-window parsing (every accepted form, one-line errors naming the
// option) and the stream filter, against a whole trace: random VCD streams, fed in random
// chunks, must show exactly the whole trace's values in every cycle of the window, and nothing
// outside it.
#include <boost/test/unit_test.hpp>

#include "support/error_of.h"
#include "testbench/vcd_window.h"
#include "tlm/report.h"

#include <cstdint>
#include <cstdlib>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

using namespace satlm;

namespace {
/// SATLM_TEST_SEED reproduces a run; otherwise a fresh seed, printed with --log_level=message.
unsigned test_seed() {
    if (const char* s = std::getenv("SATLM_TEST_SEED")) return static_cast<unsigned>(std::strtoul(s, nullptr, 10));
    return std::random_device{}();
}

/// A trace read back: the value of every identifier from each timestamp on.
struct trace {
    std::map<std::uint64_t, std::map<std::string, std::string>> changes;  ///< time -> id -> value
    std::vector<std::uint64_t> stamps;                                  ///< every #time in order
    std::string header;                                                 ///< up to $enddefinitions
    bool has_dumpvars_at_first_stamp = false;
};

/// Reads a VCD the simple way (the format this project's kernel writes): values before the first
/// timestamp count at time 0.
trace read_trace(const std::string& text) {
    trace t;
    std::istringstream in(text);
    std::string l;
    bool body = false, comment = false;
    std::uint64_t now = 0;
    while (std::getline(in, l)) {
        if (!body) {
            t.header += l + "\n";
            body = l.find("$enddefinitions") != std::string::npos;
            continue;
        }
        if (comment) {
            comment = l.find("$end") == std::string::npos;
            continue;
        }
        if (l.rfind("$comment", 0) == 0) {
            comment = l.find("$end") == std::string::npos;
            continue;
        }
        if (l == "$dumpvars") {
            if (t.stamps.size() == 1 && t.changes.empty()) t.has_dumpvars_at_first_stamp = true;
            continue;
        }
        if (l.empty() || l[0] == '$') continue;
        if (l[0] == '#') {
            now = std::stoull(l.substr(1));
            t.stamps.push_back(now);
            continue;
        }
        if (l[0] == 'b') {
            const auto sp = l.find(' ');
            t.changes[now][l.substr(sp + 1)] = l.substr(0, sp);
        } else {
            t.changes[now][l.substr(1)] = l.substr(0, 1);
        }
    }
    return t;
}

/// Every signal's value at `time` (the latest change at or before it).
std::map<std::string, std::string> values_at(const trace& t, std::uint64_t time) {
    std::map<std::string, std::string> v;
    for (const auto& [at, ch] : t.changes) {
        if (at > time) break;
        for (const auto& [id, val] : ch) v[id] = val;
    }
    return v;
}

/// A VCD as SystemC writes it: header, a comment, $dumpvars at time 0, then changes at
/// multiples of `period` (some cycles without any), ending with a bare final timestamp.
std::string random_vcd(std::mt19937& rng, unsigned cycles, std::uint64_t period) {
    const std::vector<std::string> ids = {"!", "\"", "#", "aaab", "aaac"};
    std::string s = "$date\n today\n$end\n$timescale\n 1 ps\n$end\n$scope module top $end\n";
    for (std::size_t i = 0; i < ids.size(); ++i)
        s += "$var wire " + std::string(i < 3 ? "1 " : "8 ") + ids[i] + " s" + std::to_string(i) + " $end\n";
    s += "$upscope $end\n$enddefinitions  $end\n\n$comment\nAll initial values are dumped below\n$end\n\n$dumpvars\n";
    const auto value = [&](std::size_t i) {
        if (i < 3) return std::to_string(rng() % 2) + ids[i];
        std::string b = "b";
        for (unsigned v = rng() % 256; v; v >>= 1) b.insert(1, 1, static_cast<char>('0' + (v & 1)));
        return (b == "b" ? std::string("b0") : b) + " " + ids[i];
    };
    for (std::size_t i = 0; i < ids.size(); ++i) s += value(i) + "\n";
    s += "$end\n";
    for (unsigned c = 1; c < cycles; ++c) {
        if (rng() % 4 == 0) continue;  // nothing changed in this cycle
        s += "\n#" + std::to_string(c * period) + "\n";
        for (std::size_t i = 0; i < ids.size(); ++i)
            if (rng() % 3 == 0) s += value(i) + "\n";
    }
    s += "\n#" + std::to_string(cycles * period) + "\n";
    return s;
}

/// The filter's output for `text` fed in random chunks.
std::string filtered(const std::string& text, const vcd_window& w, std::uint64_t period, std::mt19937& rng) {
    vcd_window_filter f(w, period);
    std::string out;
    for (std::size_t at = 0; at < text.size();) {
        const std::size_t n = 1 + rng() % 64;
        out += f.feed(std::string_view(text).substr(at, n));
        at += n;
    }
    return out + f.finish();
}
}  // namespace

BOOST_AUTO_TEST_SUITE(vcd_window_suite)

BOOST_AUTO_TEST_CASE(parses_every_form) {
    auto w = parse_vcd_window("100:200");
    BOOST_TEST(w.from == 100u);
    BOOST_TEST((w.to && *w.to == 200u));
    w = parse_vcd_window("100:");
    BOOST_TEST(w.from == 100u);
    BOOST_TEST(!w.to);
    w = parse_vcd_window(":200");
    BOOST_TEST(w.from == 0u);
    BOOST_TEST((w.to && *w.to == 200u));
    w = parse_vcd_window("7:7");
    BOOST_TEST(w.contains(7));
    BOOST_TEST(!w.contains(6));
    BOOST_TEST(!w.contains(8));
    BOOST_TEST(to_string(parse_vcd_window(":5")) == ":5");
    BOOST_TEST(to_string(parse_vcd_window("5:")) == "5:");
    BOOST_TEST(parse_vcd_window("0:").whole());
}

BOOST_AUTO_TEST_CASE(bad_windows_are_one_line_naming_the_option) {
    for (const char* bad : {"", ":", "5", "a:b", "5:3", "1:2:3", "-1:5", "1:+5", " 1:5", "1.5:3", "0x10:20",
                            "99999999999999999999:"}) {
        const std::string msg = test::error_of<input_error>([&] { parse_vcd_window(bad); });
        BOOST_TEST(msg.rfind("--vcd-window", 0) == 0, bad << " -> " << msg);
        BOOST_TEST(msg.find('\n') == std::string::npos, bad << " -> " << msg);
        BOOST_TEST(msg.find("cycles") != std::string::npos, bad << " -> " << msg);
    }
}

BOOST_AUTO_TEST_CASE(whole_window_passes_the_stream_unchanged) {
    std::mt19937 rng(test_seed());
    const std::string text = random_vcd(rng, 50, 1000);
    BOOST_TEST(filtered(text, vcd_window{}, 1000, rng) == text);
}

BOOST_AUTO_TEST_CASE(windows_keep_exactly_their_cycles) {
    const unsigned seed = test_seed();
    BOOST_TEST_MESSAGE("vcd_window random seed " << seed);
    std::mt19937 rng(seed);
    for (int trial = 0; trial < 300; ++trial) {
        const unsigned cycles = 1 + rng() % 60;
        const std::uint64_t period = rng() % 2 ? 1000 : 1 + rng() % 3000;
        const std::string text = random_vcd(rng, cycles, period);
        vcd_window w;
        w.from = rng() % cycles;  // FROM is a cycle of the run (the CLI refuses others)
        if (rng() % 3) w.to = w.from + rng() % (cycles + 5);
        const std::string cut = filtered(text, w, period, rng);
        const trace whole = read_trace(text), part = read_trace(cut);
        const std::string where = "seed " + std::to_string(seed) + " trial " + std::to_string(trial);
        BOOST_TEST_REQUIRE(part.header.substr(0, whole.header.size()) == whole.header, where);
        BOOST_TEST_REQUIRE(!part.stamps.empty(), where);
        const std::uint64_t last = w.to ? std::min<std::uint64_t>(*w.to, cycles - 1) : cycles - 1;
        // The cut starts at FROM with every signal's state, and ends where cycle TO ends.
        // (From cycle 0 the kernel's own $dumpvars, before any timestamp, holds the state.)
        if (w.from > 0) {
            BOOST_TEST_REQUIRE(part.stamps.front() == w.from * period, where);
            BOOST_TEST_REQUIRE(part.has_dumpvars_at_first_stamp, where);
        }
        BOOST_TEST_REQUIRE(part.stamps.back() == (last + 1) * period, where);
        for (std::uint64_t t : part.stamps)
            BOOST_TEST_REQUIRE((t >= w.from * period && t <= (last + 1) * period), where);
        for (std::uint64_t c = w.from; c <= last; ++c)
            BOOST_TEST_REQUIRE((values_at(part, c * period) == values_at(whole, c * period)),
                               where << " cycle " << c);
    }
}

BOOST_AUTO_TEST_SUITE_END()
