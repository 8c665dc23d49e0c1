// The line reader (vectors/line_reader.h): line rules, header variants and every kind of bad
// file, each with the exact one-line message.

#include "tlm/report.h"
#include "vectors/line_reader.h"

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

namespace {

const std::string hash_header =
    "#time0row7[msb-lsb],time0row6[msb-lst],....,time0row0[msb-lst]#\n"
    "#time1row7[msb-lsb],time1row6[msb-lst],....,time1row0[msb-lst]#\n"
    "#................#\n";

}  // namespace

BOOST_AUTO_TEST_SUITE(vector_reader)

BOOST_AUTO_TEST_CASE(reads_lines_after_three_hash_headers) {
    temp_folder t;
    const auto p = t.write("a.txt", hash_header + "0001\n0010\n1111\n");
    const line_reader r(p);
    BOOST_TEST(r.header_count() == 3u);
    BOOST_TEST(r.width() == 4u);
    BOOST_REQUIRE(r.lines().size() == 3u);
    BOOST_TEST(r.lines()[0].number == 4u);
    BOOST_TEST(r.lines()[2].bits == "1111");
    BOOST_TEST(r.fields(1, 2) == (std::vector<std::uint64_t>{0, 2}));
}

BOOST_AUTO_TEST_CASE(header_variants_give_the_same_data) {
    temp_folder t;
    const std::string data = "0101\n1010\n";
    for (const std::string& header : {std::string(), hash_header, std::string("l\nl\nl\n")}) {
        const line_reader r(t.write("h.txt", header + data));
        BOOST_TEST(r.lines().size() == 2u);
        BOOST_TEST(r.lines()[1].bits == "1010");
    }
    // An explicit count skips exactly that many non-blank lines, whatever they hold.
    const line_reader three(t.write("x.txt", "1111\n\nl\n0000\n0101\n1010\n"), 3);
    BOOST_TEST(three.header_count() == 3u);
    BOOST_TEST(three.lines().size() == 2u);
    BOOST_TEST(three.lines()[0].number == 5u);
    const line_reader zero(t.write("z.txt", data), 0);
    BOOST_TEST(zero.lines().size() == 2u);
}

BOOST_AUTO_TEST_CASE(crlf_trailing_blanks_and_blank_lines_are_accepted) {
    temp_folder t;
    const line_reader r(t.write("c.txt", "#h\r\n0101 \t\r\n\r\n   \n1010\r\n\n"));
    BOOST_REQUIRE(r.lines().size() == 2u);
    BOOST_TEST(r.lines()[0].bits == "0101");
    BOOST_TEST(r.lines()[1].number == 5u);
    BOOST_TEST(r.lines()[1].bits == "1010");
    const line_reader no_newline(t.write("n.txt", "0101\n1010"));
    BOOST_TEST(no_newline.lines().size() == 2u);
}

BOOST_AUTO_TEST_CASE(non_binary_character_names_char_and_column) {
    temp_folder t;
    const auto p = t.write("b.txt", hash_header + "0101\n01x1\n");
    BOOST_TEST(
        error_of<vector_format_error>([&] { line_reader r(p); }) ==
        p + ":5: non-binary character 'x' at column 3, expected only 0 and 1 (data since line 4)");
    const auto q = t.write("q.txt", "0101\n0 01\n");
    BOOST_TEST(error_of<vector_format_error>([&] { line_reader r(q); }) ==
               q + ":2: non-binary character ' ' (space) at column 2, expected only 0 and 1 (data "
                   "since line 1)");
    // With an explicit header count a non-binary line after the headers is an error too.
    const auto h = t.write("h.txt", "#\n#\n#\nl\n0101\n");
    BOOST_TEST(error_of<vector_format_error>([&] { line_reader r(h, 3); }) ==
               h + ":4: non-binary character 'l' at column 1, expected only 0 and 1 (a data line "
                   "after 3 header "
                   "lines)");
}

BOOST_AUTO_TEST_CASE(corrupted_first_data_line_is_not_taken_as_a_header) {
    // Auto header mode: a "header" of the data width that is nearly all 0/1 is a data line with
    // a typo; the error names it, not a later count or shape check.
    temp_folder t;
    const std::string data =
        "00000000000000000000000000000000\n"
        "00000000000000000000000000000001\n";
    const auto p = t.write("a.txt", hash_header + "x" + data.substr(1));
    BOOST_TEST(error_of<vector_format_error>([&] { line_reader r(p); }) ==
               p + ":4: non-binary character 'x' at column 1, expected only 0 and 1 (a data line "
                   "of 32 digits, not a header)");
    const auto no_header = t.write("n.txt",
                                   "0000000000000000000000000000000"
                                   "2\n" +
                                       data);
    BOOST_TEST(error_of<vector_format_error>([&] { line_reader r(no_header); }) ==
               no_header +
                   ":1: non-binary character '2' at column 32, expected only 0 and 1 (a data "
                   "line of 32 digits, not a header)");
    // The expected width decides when it is known, even with no clean data line at all.
    const auto only = t.write("o.txt", "l\n0101010x\n");
    BOOST_TEST(error_of<vector_format_error>([&] {
                   line_reader r(only, -1, {8, "why", {}, ""});
               }) == only +
                         ":2: non-binary character 'x' at column 8, expected only 0 and 1 (a data "
                         "line of 8 digits, not a header)");
    // Real headers stay headers: a '#' comment of the data width, `l`, text, a 1-digit width.
    const std::string hash32 = "#time0row7[msb-lsb],.....,row00#\n";
    BOOST_REQUIRE(hash32.size() == 33u);
    const line_reader hashed(t.write("h.txt", hash32 + data));
    BOOST_TEST(hashed.header_count() == 1u);
    BOOST_TEST(hashed.lines().size() == 2u);
    const line_reader ls(t.write("l.txt", "l\nl\nl\n0\n1\n"));
    BOOST_TEST(ls.header_count() == 3u);
    BOOST_TEST(ls.width() == 1u);
    const line_reader dummy(t.write("d.txt", "dummy\n01010\n"));
    BOOST_TEST(dummy.header_count() == 1u);
    // Two stray characters in 8 digits are more than a typo: a header.
    const line_reader two(t.write("t.txt", "0x0x0000\n00000000\n"));
    BOOST_TEST(two.header_count() == 1u);
}

BOOST_AUTO_TEST_CASE(wrong_width_names_expected_and_found_digits) {
    temp_folder t;
    const auto p = t.write("w.txt", hash_header + "0101\n0101\n010\n");
    BOOST_TEST(error_of<vector_format_error>([&] { line_reader r(p); }) ==
               p + ":6: expected 4 binary digits (as line 4), got 3");
    const auto a = t.write("a.txt", std::string(31, '0') + "\n");
    line_expectation e;
    e.width = 32;
    e.width_why = "8 channels x 4 bits";
    BOOST_TEST(error_of<vector_format_error>([&] { line_reader r(a, -1, e); }) ==
               a + ":1: expected 32 binary digits (8 channels x 4 bits), got 31");
    const line_reader ok(t.write("ok.txt", "0101\n"));
    BOOST_TEST(error_of<vector_format_error>([&] { ok.expect_width(8, "2 x 4"); }) ==
               ok.path() + ":1: expected 8 binary digits (2 x 4), got 4");
}

BOOST_AUTO_TEST_CASE(too_few_and_too_many_lines) {
    temp_folder t;
    std::string lines;
    for (int n = 0; n < 35; ++n) lines += "0101\n";
    const auto few = t.write("few.txt", hash_header + lines);
    line_expectation e;
    e.count = 36;
    e.count_why = "6 x 6 padded positions";
    BOOST_TEST(
        error_of<vector_format_error>([&] { line_reader r(few, -1, e); }) ==
        few +
            ":38: expected 36 data lines (6 x 6 padded positions), found 35 (the file ends here)");
    const auto many = t.write("many.txt", hash_header + lines + "0000\n1111\n");
    BOOST_TEST(error_of<vector_format_error>([&] { line_reader r(many, -1, e); }) ==
               many + ":40: expected 36 data lines (6 x 6 padded positions), found more");
    const line_reader r(many);
    BOOST_TEST(error_of<vector_format_error>([&] { r.expect_count(36, "6 x 6 padded positions"); }) ==
               many +
                   ":40: expected 36 data lines (6 x 6 padded positions), found 37 (this is data "
                   "line 37)");
}

BOOST_AUTO_TEST_CASE(missing_empty_and_headers_only_files) {
    temp_folder t;
    const std::string missing = (t.dir / "nope.txt").string();
    BOOST_TEST(error_of<vector_format_error>([&] { line_reader r(missing); }) ==
               missing + ": cannot open: no such file");
    const auto empty = t.write("empty.txt", "");
    BOOST_TEST(error_of<vector_format_error>([&] { line_reader r(empty); }) ==
               empty + ": empty file, expected binary data lines");
    const auto blank = t.write("blank.txt", "\n \r\n\t\n");
    BOOST_TEST(error_of<vector_format_error>([&] { line_reader r(blank); }) ==
               blank + ": no data lines (expected binary lines after the 0 header lines)");
    const auto only = t.write("only.txt", hash_header);
    BOOST_TEST(error_of<vector_format_error>([&] { line_reader r(only); }) ==
               only + ": no data lines (expected binary lines after the 3 header lines)");
    BOOST_TEST(
        error_of<vector_format_error>([&] { line_reader r(only, 5); }) ==
        only +
            ": expected 5 header lines and then binary data lines, found only 3 non-blank lines");
    BOOST_TEST(error_of<vector_format_error>([&] { line_reader r(t.dir.string()); }) ==
               t.dir.string() + ": is a folder, expected a regular file");
}

BOOST_AUTO_TEST_CASE(binary_garbage_gives_a_clean_one_line_error) {
    temp_folder t;
    const auto nul = t.write("nul.txt", std::string("0101\n01\0"
                                                    "1\n",
                                                    10));
    BOOST_TEST(error_of<vector_format_error>([&] { line_reader r(nul); }) ==
               nul +
                   ":2: non-binary character '\\x00' at column 3, expected only 0 and 1 (data "
                   "since line 1)");
    std::mt19937 rng(12345);
    for (int round = 0; round < 200; ++round) {
        std::string junk(static_cast<std::size_t>(rng() % 400), '\0');
        for (auto& c : junk) c = static_cast<char>(rng() % 4 == 0 ? '0' + rng() % 2 : rng() % 256);
        if (rng() % 3 == 0) junk = "0101\n" + junk;
        const auto p = t.write("junk.txt", junk);
        try {
            line_reader r(p);
            for (std::size_t n = 0; n < r.lines().size(); ++n) r.fields(n, 1);
        } catch (const vector_format_error& e) {
            const std::string m = e.what();
            BOOST_TEST(m.rfind(p, 0) == 0u, "seed 12345 round " << round);
            BOOST_TEST(m.find('\n') == std::string::npos, "seed 12345 round " << round);
            BOOST_TEST(m.find('\0') == std::string::npos, "seed 12345 round " << round);
        }
    }
}

BOOST_AUTO_TEST_CASE(split_fields_is_msb_first) {
    BOOST_TEST(split_fields("00010010001101001111", 4) ==
               (std::vector<std::uint64_t>{1, 2, 3, 4, 15}));
    BOOST_TEST(split_fields("1000000000000000", 16) == (std::vector<std::uint64_t>{0x8000}));
    BOOST_TEST(split_fields("10", 1) == (std::vector<std::uint64_t>{1, 0}));
    BOOST_TEST(split_fields("", 4).empty());
    BOOST_CHECK_THROW(split_fields("101", 2), std::invalid_argument);
    BOOST_CHECK_THROW(split_fields("1021", 2), std::invalid_argument);
    BOOST_CHECK_THROW(split_fields("10", 0), std::invalid_argument);
    BOOST_CHECK_THROW(split_fields("10", 65), std::invalid_argument);
    BOOST_TEST(split_fields(std::string(64, '1'), 64) ==
               (std::vector<std::uint64_t>{~std::uint64_t{0}}));
}

BOOST_AUTO_TEST_CASE(fields_of_a_line_report_file_and_line) {
    temp_folder t;
    const line_reader r(t.write("f.txt", "#\n010\n"));
    BOOST_TEST(error_of<vector_format_error>([&] { r.fields(0, 2); }) ==
               r.path() + ":2: expected a multiple of 2 binary digits, got 3");
}

BOOST_AUTO_TEST_CASE(bom_and_cr_only_line_ends_have_their_own_message) {
    temp_folder t;
    const auto bom = t.write("bom.txt", "\xEF\xBB\xBF" "0101\n1010\n");
    BOOST_TEST(error_of<vector_format_error>([&] { line_reader r(bom); }) ==
               bom + ":1: starts with a UTF-8 byte-order mark (EF BB BF): expected plain ASCII text; save "
                     "the file without the BOM");
    const auto cr = t.write("cr.txt", "#h\n0101\r1010\r");
    BOOST_TEST(error_of<vector_format_error>([&] { line_reader r(cr); }) ==
               cr + ":2: carriage return without a line feed (CR-only line ends): expected LF or CRLF line ends");
    const line_reader crlf(t.write("crlf.txt", "0101\r\n1010 \r\r\n"));
    BOOST_TEST(crlf.lines().size() == 2u);
}

BOOST_AUTO_TEST_CASE(unknown_bits_only_where_allowed) {
    temp_folder t;
    const auto p = t.write("out.txt", "#h\n0101\n1x0Z\n");
    BOOST_TEST(error_of<vector_format_error>([&] { line_reader r(p); }) ==
               p + ":3: non-binary character 'x' at column 2, expected only 0 and 1 (data since line 2)");
    line_expectation e;
    e.unknown_bits = true;
    const line_reader r(p, -1, e);
    BOOST_REQUIRE(r.lines().size() == 2u);
    std::vector<std::uint64_t> unknown;
    BOOST_TEST(r.fields(1, 2, unknown) == (std::vector<std::uint64_t>{2, 0}));
    BOOST_TEST(unknown == (std::vector<std::uint64_t>{1, 1}));
    BOOST_TEST(r.fields(0, 4, unknown) == (std::vector<std::uint64_t>{5}));
    BOOST_TEST(unknown == (std::vector<std::uint64_t>{0}));
}

BOOST_AUTO_TEST_CASE(copies_keep_their_own_lines) {
    temp_folder t;
    line_reader a(t.write("a.txt", "0101\n1010\n"));
    const line_reader b = a;
    a = line_reader(t.write("c.txt", "11\n"));
    BOOST_TEST(b.lines()[1].bits == "1010");
    BOOST_TEST(a.lines()[0].bits == "11");
    line_reader moved(std::move(a));
    BOOST_TEST(moved.lines()[0].bits == "11");
}

BOOST_AUTO_TEST_SUITE_END()
