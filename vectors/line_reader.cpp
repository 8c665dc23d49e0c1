#include "vectors/line_reader.h"

#include "tlm/report.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <system_error>
#include <utility>

namespace satlm {

namespace {

bool is_binary(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s)
        if (c != '0' && c != '1') return false;
    return true;
}

std::string_view strip_trailing(std::string_view s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

/// In auto header mode, a "header" with the data lines' width that is nearly all 0/1 is a data
/// line with a typo: real headers (`#...#` comments, `l`, `dummy`) hold few binary digits.
/// Returns the column (0-based) of its first non-binary character, or npos.
std::size_t corrupted_data_column(std::string_view line, std::size_t width) {
    if (width == 0 || line.size() != width) return std::string_view::npos;
    std::size_t bad = 0;
    std::size_t first = std::string_view::npos;
    for (std::size_t c = 0; c < line.size(); ++c) {
        if (line[c] == '0' || line[c] == '1') continue;
        if (bad++ == 0) first = c;
    }
    // At most one stray character per 8 digits (and at least one binary digit).
    const std::size_t allowed = std::max<std::size_t>(1, width / 8);
    return bad > 0 && bad <= allowed && bad < width ? first : std::string_view::npos;
}

std::string why_suffix(const std::string& why) {
    return why.empty() ? "" : fmt::format(" ({})", why);
}

std::string read_whole_file(const std::string& path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const auto st = fs::status(path, ec);
    if (ec || !fs::exists(st)) throw_format_error(path, 0, "cannot open: no such file");
    if (fs::is_directory(st)) throw_format_error(path, 0, "is a folder, expected a vector file");
    if (!fs::is_regular_file(st))
        throw_format_error(path, 0, "not a regular file, expected a vector file");
    const auto size = fs::file_size(path, ec);
    if (ec) throw_format_error(path, 0, fmt::format("cannot read: {}", ec.message()));
    if (size > max_vector_file_bytes)
        throw_format_error(path, 0,
                           fmt::format("file too large ({} bytes, at most {} expected)", size,
                                       max_vector_file_bytes));
    std::ifstream in(path, std::ios::binary);
    if (!in) throw_format_error(path, 0, "cannot open: permission denied or unreadable");
    std::string text(static_cast<std::size_t>(size), '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (in.bad()) throw_format_error(path, 0, "cannot read: I/O error");
    return text;
}

}  // namespace

std::string printable_char(char c) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x21 && u < 0x7f && c != '\'') return fmt::format("'{}'", c);
    if (c == ' ') return "' ' (space)";
    if (c == '\t') return "'\\t' (tab)";
    return fmt::format("'\\x{:02x}'", u);
}

line_reader::line_reader(std::string path, int header_lines, const line_expectation& expect)
    : m_path(std::move(path)) {
    parse(read_whole_file(m_path), header_lines, expect);
}

line_reader line_reader::from_text(std::string name, std::string_view text, int header_lines,
                                   const line_expectation& expect) {
    line_reader r;
    r.m_path = std::move(name);
    r.parse(text, header_lines, expect);
    return r;
}

void line_reader::parse(std::string_view text, int header_lines, const line_expectation& expect) {
    if (text.empty()) throw_format_error(m_path, 0, "empty file, expected binary data lines");
    std::size_t pos = 0;
    std::size_t number = 0;
    std::size_t first_data = 0;  // line number of the first data line (0: none yet)
    // Auto-mode header lines, checked against the data width once it is known.
    std::vector<std::pair<std::size_t, std::string_view>> headers;
    auto check_headers = [&](std::size_t width) {
        for (const auto& [n, h] : headers) {
            const std::size_t c = corrupted_data_column(h, width);
            if (c == std::string_view::npos) continue;
            throw_format_error(
                m_path, n,
                fmt::format("non-binary character {} at column {}, expected only 0 and 1 (a "
                            "data line of {} digits, not a header)",
                            printable_char(h[c]), c + 1, width));
        }
    };
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        const std::string_view line = strip_trailing(text.substr(pos, end - pos));
        pos = end + 1;
        ++number;
        if (line.empty()) continue;
        if (first_data == 0) {
            const bool skip = header_lines < 0 ? !is_binary(line)
                                               : m_headers < static_cast<std::size_t>(header_lines);
            if (skip) {
                ++m_headers;
                m_header_text.emplace_back(line);
                if (header_lines < 0) headers.emplace_back(number, line);
                continue;
            }
            first_data = number;
            if (expect.width) {
                m_width = *expect.width;
            } else {
                m_width = line.size();
            }
            check_headers(m_width);
        }
        for (std::size_t c = 0; c < line.size(); ++c) {
            if (line[c] != '0' && line[c] != '1') {
                const std::string after =
                    number == first_data
                        ? (header_lines < 0
                               ? std::string("the first data line")
                               : fmt::format("a data line after {} header lines", header_lines))
                        : fmt::format("data since line {}", first_data);
                throw_format_error(
                    m_path, number,
                    fmt::format("non-binary character {} at column {}, expected only 0 and 1 "
                                "({})",
                                printable_char(line[c]), c + 1, after));
            }
        }
        if (line.size() != m_width) {
            const std::string why = expect.width ? why_suffix(expect.width_why)
                                                 : fmt::format(" (as line {})", first_data);
            throw_format_error(
                m_path, number,
                fmt::format("expected {} binary digits{}, got {}", m_width, why, line.size()));
        }
        if (expect.count && m_lines.size() == *expect.count)
            throw_format_error(m_path, number,
                               fmt::format("expected {} data lines{}, found more", *expect.count,
                                           why_suffix(expect.count_why)));
        m_lines.push_back({number, std::string(line)});
    }
    m_last_line = number;
    if (m_lines.empty()) {
        if (expect.width) check_headers(*expect.width);
        if (header_lines >= 0 && m_headers < static_cast<std::size_t>(header_lines))
            throw_format_error(
                m_path, 0,
                fmt::format("expected {} header lines and then binary data lines, found only {} "
                            "non-blank lines",
                            header_lines, m_headers));
        throw_format_error(
            m_path, 0,
            fmt::format("no data lines (expected binary lines after the {} header lines)",
                        m_headers));
    }
    if (expect.count) expect_count(*expect.count, expect.count_why);
}

void line_reader::expect_count(std::size_t n, const std::string& why) const {
    if (m_lines.size() == n) return;
    if (m_lines.size() > n)
        throw_format_error(m_path, m_lines[n].number,
                           fmt::format("expected {} data lines{}, found {} (this is data line {})",
                                       n, why_suffix(why), m_lines.size(), n + 1));
    throw_format_error(m_path, m_last_line,
                       fmt::format("expected {} data lines{}, found {} (the file ends here)", n,
                                   why_suffix(why), m_lines.size()));
}

void line_reader::expect_width(std::size_t w, const std::string& why) const {
    if (m_width == w) return;
    throw_format_error(
        m_path, m_lines.front().number,
        fmt::format("expected {} binary digits{}, got {}", w, why_suffix(why), m_width));
}

std::vector<std::uint64_t> line_reader::fields(std::size_t index, unsigned field_bits) const {
    const data_line& l = m_lines.at(index);
    try {
        return split_fields(l.bits, field_bits);
    } catch (const std::invalid_argument& e) {
        throw_format_error(m_path, l.number, e.what());
    }
}

std::vector<std::uint64_t> split_fields(std::string_view bits, unsigned field_bits) {
    if (field_bits < 1 || field_bits > 64)
        throw std::invalid_argument(
            fmt::format("field width must be 1..64 bits, got {}", field_bits));
    if (bits.size() % field_bits != 0)
        throw std::invalid_argument(fmt::format("expected a multiple of {} binary digits, got {}",
                                                field_bits, bits.size()));
    std::vector<std::uint64_t> out(bits.size() / field_bits, 0);
    for (std::size_t f = 0; f < out.size(); ++f) {
        std::uint64_t v = 0;
        for (std::size_t b = 0; b < field_bits; ++b) {
            const char c = bits[f * field_bits + b];
            if (c != '0' && c != '1')
                throw std::invalid_argument(fmt::format("non-binary character {} at column {}",
                                                        printable_char(c), f * field_bits + b + 1));
            v = (v << 1) | static_cast<std::uint64_t>(c - '0');
        }
        out[f] = v;
    }
    return out;
}

}  // namespace satlm
