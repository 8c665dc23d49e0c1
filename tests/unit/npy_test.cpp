// The .npy reader: hand-built files for every dtype and byte order, error cases, and files
// written by NumPy itself when Debian's python3-numpy is installed.
#include "vectors/npy.h"
#include "tlm/report.h"

#include "support/error_of.h"
#include "support/sc_fixture.h"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

using namespace satlm;
using satlm::test::error_of;

namespace {

// A .npy file: magic, version, padded header dict, raw data.
std::string make_npy(const std::string& descr, const std::string& shape, const std::string& data,
                     bool fortran = false, int version = 1) {
    std::string dict = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") +
                       ", 'shape': " + shape + ", }";
    const std::size_t pre = version == 1 ? 10 : 12;
    while ((pre + dict.size() + 1) % 64 != 0) dict += ' ';
    dict += '\n';
    std::string out = "\x93NUMPY";
    out += static_cast<char>(version);
    out += '\0';
    const std::size_t n = dict.size();
    out += static_cast<char>(n & 0xff);
    out += static_cast<char>((n >> 8) & 0xff);
    if (version != 1) {
        out += static_cast<char>((n >> 16) & 0xff);
        out += static_cast<char>((n >> 24) & 0xff);
    }
    return out + dict + data;
}

// Values as `bytes`-wide two's-complement integers in the given byte order.
std::string int_bytes(const std::vector<std::int64_t>& v, unsigned bytes, bool big) {
    std::string s;
    for (auto x : v) {
        const auto u = static_cast<std::uint64_t>(x);
        for (unsigned i = 0; i < bytes; ++i) {
            const unsigned b = big ? bytes - 1 - i : i;
            s += static_cast<char>((u >> (8 * b)) & 0xff);
        }
    }
    return s;
}

template <typename F>
std::string float_bytes(const std::vector<F>& v, bool big) {
    std::string s;
    for (auto x : v) {
        char b[sizeof(F)];
        std::memcpy(b, &x, sizeof(F));
        if (big) std::reverse(b, b + sizeof(F));
        s.append(b, sizeof(F));
    }
    return s;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(npy)

BOOST_AUTO_TEST_CASE(reads_every_integer_dtype_in_both_byte_orders) {
    const std::vector<std::int64_t> sv = {-128, -1, 0, 1, 7, 127};
    for (unsigned bytes : {1u, 2u, 4u, 8u})
        for (bool big : {false, true}) {
            const std::string order = bytes == 1 ? "|" : big ? ">" : "<";
            std::vector<std::int64_t> v = sv;
            if (bytes > 1) v.push_back(-(std::int64_t{1} << (8 * bytes - 2)));
            const auto a = parse_npy(make_npy(order + "i" + std::to_string(bytes), "(" + std::to_string(v.size()) + ",)",
                                              int_bytes(v, bytes, big)), "t.npy");
            BOOST_TEST((a.type == npy_array::kind::signed_int));
            BOOST_TEST(a.dtype_name() == "int" + std::to_string(8 * bytes));
            BOOST_TEST(a.ints == v, boost::test_tools::per_element());
        }
    const std::vector<std::int64_t> uv = {0, 1, 15, 200, 255};
    for (unsigned bytes : {1u, 2u, 4u})
        for (bool big : {false, true}) {
            std::vector<std::int64_t> v = uv;
            if (bytes > 1) v.push_back((std::int64_t{1} << (8 * bytes)) - 1);
            const std::string order = bytes == 1 ? "|" : big ? ">" : "<";
            const auto a = parse_npy(make_npy(order + "u" + std::to_string(bytes), "(" + std::to_string(v.size()) + ",)",
                                              int_bytes(v, bytes, big)), "t.npy");
            BOOST_TEST((a.type == npy_array::kind::unsigned_int));
            BOOST_TEST(a.ints == v, boost::test_tools::per_element());
        }
}

BOOST_AUTO_TEST_CASE(reads_float32_and_float64_in_both_byte_orders) {
    const std::vector<float> f = {0.0f, -1.5f, 3.25f, 1e-3f};
    const std::vector<double> d = {0.0, -2.75, 1e300, 0.1};
    for (bool big : {false, true}) {
        const auto a = parse_npy(make_npy(big ? ">f4" : "<f4", "(2, 2)", float_bytes(f, big)), "f.npy");
        BOOST_TEST(a.dtype_name() == "float32");
        BOOST_REQUIRE_EQUAL(a.reals.size(), 4u);
        for (std::size_t i = 0; i < 4; ++i) BOOST_TEST(a.reals[i] == double(f[i]));
        const auto b = parse_npy(make_npy(big ? ">f8" : "<f8", "(4,)", float_bytes(d, big)), "d.npy");
        BOOST_TEST(b.dtype_name() == "float64");
        BOOST_TEST(b.reals == d, boost::test_tools::per_element());
    }
}

BOOST_AUTO_TEST_CASE(reads_shapes_versions_and_fortran_order) {
    // shape (2, 3): C order 0 1 2 / 3 4 5; the Fortran file lists columns first: 0 3 1 4 2 5.
    const auto c = parse_npy(make_npy("<i2", "(2, 3)", int_bytes({0, 1, 2, 3, 4, 5}, 2, false)), "c.npy");
    BOOST_TEST(c.shape == (std::vector<std::size_t>{2, 3}), boost::test_tools::per_element());
    BOOST_TEST(c.shape_text() == "(2, 3)");
    const auto f = parse_npy(make_npy("<i2", "(2, 3)", int_bytes({0, 3, 1, 4, 2, 5}, 2, false), true), "f.npy");
    BOOST_TEST(f.ints == c.ints, boost::test_tools::per_element());
    // rank 3 Fortran: element (i, j, k) sits at i + 2j + 4k in the file.
    std::vector<std::int64_t> file(2 * 2 * 3);
    for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 2; ++j)
            for (int k = 0; k < 3; ++k) file[i + 2 * j + 4 * k] = 100 * i + 10 * j + k;
    const auto f3 = parse_npy(make_npy("|u1", "(2, 2, 3)", int_bytes(file, 1, false), true), "f3.npy");
    for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 2; ++j)
            for (int k = 0; k < 3; ++k) BOOST_TEST(f3.ints[(i * 2 + j) * 3 + k] == 100 * i + 10 * j + k);
    const auto v2 = parse_npy(make_npy("<i4", "(1, 1, 2)", int_bytes({-5, 6}, 4, false), false, 2), "v2.npy");
    BOOST_TEST(v2.ints == (std::vector<std::int64_t>{-5, 6}), boost::test_tools::per_element());
    const auto scalar = parse_npy(make_npy("<i4", "()", int_bytes({42}, 4, false)), "s.npy");
    BOOST_TEST(scalar.shape.empty());
    BOOST_TEST(scalar.ints == (std::vector<std::int64_t>{42}), boost::test_tools::per_element());
    const auto empty = parse_npy(make_npy("<i4", "(0, 3)", ""), "e.npy");
    BOOST_TEST(empty.size() == 0u);
}

BOOST_AUTO_TEST_CASE(rejects_bad_files_naming_them) {
    const std::string good_data = int_bytes({1, 2, 3}, 4, false);
    struct bad_case {
        std::string bytes;
        std::string expect;
    };
    const std::vector<bad_case> cases = {
        {"", "not a .npy file"},
        {"PK\x03\x04 this is a zip", "not a .npy file"},
        {std::string("\x93NUMPY\x07\x00\x10\x00", 10) + std::string(16, ' '), "format version 7"},
        {make_npy("<i4", "(3,)", good_data).substr(0, 40), "truncated .npy header"},
        {make_npy("<i4", "(4,)", good_data), "truncated data"},
        {make_npy("|b1", "(3,)", "\1\0\1"), "unsupported dtype '|b1'"},
        {make_npy("<u8", "(1,)", int_bytes({1}, 8, false)), "unsupported dtype '<u8'"},
        {make_npy("<f2", "(1,)", "\0\0"), "unsupported dtype '<f2'"},
        {make_npy("<c8", "(1,)", std::string(8, '\0')), "unsupported dtype '<c8'"},
        {make_npy("<U3", "(1,)", std::string(12, '\0')), "unsupported dtype '<U3'"},
        {make_npy("<i4", "(a, 3)", good_data), "malformed .npy shape"},
        {make_npy("<i4", "(3,)", good_data, false).replace(10, 9, "{'desc': "), "no 'descr' entry"},
        {make_npy("<i4", "(100000000, 100000000, 100000000)", good_data), "too large"},
    };
    for (const auto& c : cases) {
        const std::string msg = error_of<input_error>([&] { parse_npy(c.bytes, "dir/x.npy"); });
        BOOST_TEST(msg.rfind("dir/x.npy: ", 0) == 0u, "message: " << msg);
        BOOST_TEST(msg.find(c.expect) != std::string::npos, "expected '" << c.expect << "' in: " << msg);
        BOOST_TEST(msg.find('\n') == std::string::npos);
    }
    const std::string missing = error_of<input_error>([] { read_npy("/nonexistent/a.npy"); });
    BOOST_TEST(missing == "/nonexistent/a.npy: cannot open the .npy file: no such file");
    // A folder opens as a stream on Linux and reads as empty: it must be named as a folder.
    const std::string folder = satlm::test::source_dir();
    BOOST_TEST(error_of<input_error>([&] { read_npy(folder); }) == folder + ": is a folder, expected a .npy file");
    BOOST_TEST(error_of<input_error>([] { read_npy("/dev/null"); }) ==
               "/dev/null: not a regular file, expected a .npy file");
}

BOOST_AUTO_TEST_CASE(reads_files_written_by_numpy) {
    // Debian's python3-numpy (not a pyenv python) writes the reference files.
    const std::string py = "/usr/bin/python3";
    if (std::system((py + " -c 'import numpy' >/dev/null 2>&1").c_str()) != 0) {
        BOOST_FAIL("python3-numpy is not installed (./setup.sh installs it): numpy-written files not checked");
    }
    const auto dir = std::filesystem::temp_directory_path() / ("satlm_npy_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const std::string script =
        "import numpy as np, sys\n"
        "d = sys.argv[1]\n"
        "base = np.arange(-12, 12).reshape(2, 3, 4)\n"
        "for t in ['i1','i2','i4','i8']:\n"
        "    for o in '<>':\n"
        "        np.save(f'{d}/{t}{o}.npy', base.astype(o + t))\n"
        "for t in ['u1','u2','u4']:\n"
        "    for o in '<>':\n"
        "        np.save(f'{d}/{t}{o}.npy', (base + 12).astype(o + t))\n"
        "for t in ['f4','f8']:\n"
        "    for o in '<>':\n"
        "        np.save(f'{d}/{t}{o}.npy', (base / 4).astype(o + t))\n"
        "np.save(f'{d}/fortran.npy', np.asfortranarray(base.astype('<i4')))\n"
        "np.save(f'{d}/bool.npy', base > 0)\n";
    {
        std::ofstream(dir / "make.py") << script;
    }
    BOOST_REQUIRE(std::system((py + " " + (dir / "make.py").string() + " " + dir.string()).c_str()) == 0);
    for (const char* t : {"i1", "i2", "i4", "i8", "u1", "u2", "u4", "f4", "f8"})
        for (const char* o : {"<", ">"}) {
            const auto a = read_npy((dir / (std::string(t) + o + ".npy")).string());
            BOOST_TEST(a.shape == (std::vector<std::size_t>{2, 3, 4}), boost::test_tools::per_element());
            for (int i = 0; i < 24; ++i) {
                if (t[0] == 'f') BOOST_TEST(a.reals[i] == (i - 12) / 4.0);
                else if (t[0] == 'u') BOOST_TEST(a.ints[i] == i);
                else BOOST_TEST(a.ints[i] == i - 12);
            }
        }
    const auto f = read_npy((dir / "fortran.npy").string());
    for (int i = 0; i < 24; ++i) BOOST_TEST(f.ints[i] == i - 12);
    const std::string msg = error_of<input_error>([&] { read_npy((dir / "bool.npy").string()); });
    BOOST_TEST(msg.find("unsupported dtype '|b1'") != std::string::npos, msg);
    std::filesystem::remove_all(dir);
}

BOOST_AUTO_TEST_SUITE_END()
