#include "vectors/npy.h"

#include "tlm/report.h"

#include <fmt/format.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <system_error>

namespace satlm {

namespace {

[[noreturn]] void fail(const std::string& name, const std::string& what) {
    throw input_error(fmt::format("{}: {}", name, what));
}

std::string header_value(const std::string& header, const std::string& key,
                         const std::string& name) {
    // The header is a Python dict literal: {'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }
    const std::string pat1 = "'" + key + "'";
    const std::string pat2 = "\"" + key + "\"";
    auto pos = header.find(pat1);
    if (pos == std::string::npos) pos = header.find(pat2);
    if (pos == std::string::npos)
        fail(name, fmt::format("malformed .npy header: no '{}' entry", key));
    pos = header.find(':', pos + pat1.size());
    if (pos == std::string::npos) fail(name, fmt::format("malformed .npy header near '{}'", key));
    ++pos;
    while (pos < header.size() && header[pos] == ' ') ++pos;
    if (pos >= header.size()) fail(name, fmt::format("malformed .npy header near '{}'", key));
    std::size_t end;
    if (header[pos] == '\'' || header[pos] == '"') {
        end = header.find(header[pos], pos + 1);
        if (end == std::string::npos) fail(name, fmt::format("malformed .npy header near '{}'", key));
        return header.substr(pos + 1, end - pos - 1);
    }
    if (header[pos] == '(') {
        end = header.find(')', pos);
        if (end == std::string::npos) fail(name, "malformed .npy header: unterminated shape");
        return header.substr(pos, end - pos + 1);
    }
    end = header.find_first_of(",}", pos);
    if (end == std::string::npos) fail(name, fmt::format("malformed .npy header near '{}'", key));
    auto v = header.substr(pos, end - pos);
    while (!v.empty() && v.back() == ' ') v.pop_back();
    return v;
}

std::vector<std::size_t> parse_shape(const std::string& text, const std::string& name) {
    std::vector<std::size_t> shape;
    std::string inner = text.substr(1, text.size() - 2);
    std::stringstream ss(inner);
    std::string item;
    while (std::getline(ss, item, ',')) {
        const auto b = item.find_first_not_of(' ');
        if (b == std::string::npos) continue;  // the trailing comma of "(3,)"
        const auto e = item.find_last_not_of(' ');
        const std::string num = item.substr(b, e - b + 1);
        if (num.empty() || num.find_first_not_of("0123456789") != std::string::npos || num.size() > 12)
            fail(name, fmt::format("malformed .npy shape {}", text));
        shape.push_back(std::stoull(num));
    }
    return shape;
}

std::uint64_t load_uint(const unsigned char* p, unsigned bytes, bool big_endian) {
    std::uint64_t v = 0;
    for (unsigned i = 0; i < bytes; ++i) {
        const unsigned b = big_endian ? i : bytes - 1 - i;
        v = (v << 8) | p[b];
    }
    return v;
}

}  // namespace

std::size_t npy_array::size() const {
    std::size_t n = 1;
    for (auto d : shape) n *= d;
    return n;
}

std::string npy_array::dtype_name() const {
    const char* base = type == kind::floating ? "float" : type == kind::unsigned_int ? "uint" : "int";
    return fmt::format("{}{}", base, item_bytes * 8);
}

std::string npy_array::shape_text() const {
    std::string s = "(";
    for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
    if (shape.size() == 1) s += ",";
    return s + ")";
}

npy_array parse_npy(const std::string& bytes, const std::string& name) {
    static const char magic[] = "\x93NUMPY";
    if (bytes.size() < 10 || bytes.compare(0, 6, magic, 6) != 0)
        fail(name, "not a .npy file (expected the \\x93NUMPY magic)");
    const auto* u = reinterpret_cast<const unsigned char*>(bytes.data());
    const unsigned major = u[6];
    std::size_t header_len;
    std::size_t header_start;
    if (major == 1) {
        header_len = load_uint(u + 8, 2, false);
        header_start = 10;
    } else if (major == 2 || major == 3) {
        if (bytes.size() < 12) fail(name, "truncated .npy header");
        header_len = load_uint(u + 8, 4, false);
        header_start = 12;
    } else {
        fail(name, fmt::format("unsupported .npy format version {} (expected 1, 2 or 3)", major));
    }
    if (bytes.size() < header_start + header_len) fail(name, "truncated .npy header");
    const std::string header = bytes.substr(header_start, header_len);

    npy_array a;
    a.name = name;
    const std::string descr = header_value(header, "descr", name);
    const std::string fortran = header_value(header, "fortran_order", name);
    const std::string shape_text = header_value(header, "shape", name);
    if (shape_text.empty() || shape_text.front() != '(')
        fail(name, fmt::format("malformed .npy shape '{}'", shape_text));
    a.shape = parse_shape(shape_text, name);
    if (fortran != "True" && fortran != "False")
        fail(name, fmt::format("malformed .npy fortran_order '{}'", fortran));

    const std::string supported =
        "expected an integer (int8..int64, uint8..uint32) or float32/float64 tensor";
    if (descr.size() < 3) fail(name, fmt::format("unsupported dtype '{}': {}", descr, supported));
    const char order = descr[0];
    const char kind_char = descr[1];
    const std::string size_text = descr.substr(2);
    if (size_text.find_first_not_of("0123456789") != std::string::npos || size_text.size() > 2 ||
        (order != '<' && order != '>' && order != '|' && order != '='))
        fail(name, fmt::format("unsupported dtype '{}': {}", descr, supported));
    a.item_bytes = static_cast<unsigned>(std::stoul(size_text));
    const unsigned nb = a.item_bytes;
    if (kind_char == 'i' && (nb == 1 || nb == 2 || nb == 4 || nb == 8))
        a.type = npy_array::kind::signed_int;
    else if (kind_char == 'u' && (nb == 1 || nb == 2 || nb == 4))
        a.type = npy_array::kind::unsigned_int;
    else if (kind_char == 'f' && (nb == 4 || nb == 8))
        a.type = npy_array::kind::floating;
    else
        fail(name, fmt::format("unsupported dtype '{}': {}", descr, supported));
    const bool big = order == '>';  // '=' is native: little-endian on every supported host

    std::size_t n = 1;
    for (auto d : a.shape) {
        if (d != 0 && n > (std::size_t{1} << 40) / d)
            fail(name, fmt::format("shape {} is too large", a.shape_text()));
        n *= d;
    }
    const std::size_t data_start = header_start + header_len;
    if (n != 0 && (bytes.size() - data_start) / nb < n)
        fail(name, fmt::format("truncated data: shape {} needs {} bytes, the file has {}",
                               a.shape_text(), n * nb, bytes.size() - data_start));

    // Fortran order: element i of the file has its first index fastest.
    std::vector<std::size_t> c_index;
    if (fortran == "True" && a.shape.size() > 1) {
        c_index.resize(n);
        std::vector<std::size_t> idx(a.shape.size(), 0);
        for (std::size_t i = 0; i < n; ++i) {
            std::size_t c = 0;
            for (std::size_t d = 0; d < a.shape.size(); ++d) c = c * a.shape[d] + idx[d];
            c_index[i] = c;
            for (std::size_t d = 0; d < a.shape.size(); ++d) {
                if (++idx[d] < a.shape[d]) break;
                idx[d] = 0;
            }
        }
    }
    auto dest = [&c_index](std::size_t i) { return c_index.empty() ? i : c_index[i]; };

    const unsigned char* p = u + data_start;
    if (a.is_integer()) {
        a.ints.resize(n);
        for (std::size_t i = 0; i < n; ++i, p += nb) {
            const std::uint64_t raw = load_uint(p, nb, big);
            std::int64_t v;
            if (a.type == npy_array::kind::unsigned_int || nb == 8) {
                v = static_cast<std::int64_t>(raw);
            } else {
                const std::uint64_t sign = std::uint64_t{1} << (nb * 8 - 1);
                v = static_cast<std::int64_t>(raw ^ sign) - static_cast<std::int64_t>(sign);
            }
            a.ints[dest(i)] = v;
        }
    } else {
        a.reals.resize(n);
        for (std::size_t i = 0; i < n; ++i, p += nb) {
            const std::uint64_t raw = load_uint(p, nb, big);
            if (nb == 4) {
                const auto bits = static_cast<std::uint32_t>(raw);
                float f;
                std::memcpy(&f, &bits, sizeof f);
                a.reals[dest(i)] = f;
            } else {
                double d;
                std::memcpy(&d, &raw, sizeof d);
                a.reals[dest(i)] = d;
            }
        }
    }
    return a;
}

npy_array read_npy(const std::string& path) {
    // A folder opens as a stream on Linux and then reads as empty: name it before reading.
    std::error_code ec;
    const auto st = std::filesystem::status(path, ec);
    if (ec || !std::filesystem::exists(st))
        throw input_error(fmt::format("{}: cannot open the .npy file: no such file", path));
    if (std::filesystem::is_directory(st))
        throw input_error(fmt::format("{}: is a folder, expected a .npy file", path));
    if (!std::filesystem::is_regular_file(st))
        throw input_error(fmt::format("{}: not a regular file, expected a .npy file", path));
    std::ifstream f(path, std::ios::binary);
    if (!f) throw input_error(fmt::format("{}: cannot open the .npy file", path));
    std::ostringstream ss;
    ss << f.rdbuf();
    return parse_npy(ss.str(), path);
}

}  // namespace satlm
