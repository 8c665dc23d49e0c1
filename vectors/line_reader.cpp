#include "vectors/line_reader.h"

#include "tlm/report.h"
#include "tlm/safe_file.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <system_error>
#include <utility>

namespace satlm {

namespace {

bool is_unknown_digit(char c) { return c == 'x' || c == 'X' || c == 'z' || c == 'Z'; }

bool is_digit(char c, bool unknown_allowed) {
    return c == '0' || c == '1' || (unknown_allowed && is_unknown_digit(c));
}

bool is_binary(std::string_view s, bool unknown_allowed) {
    if (s.empty()) return false;
    for (char c : s)
        if (!is_digit(c, unknown_allowed)) return false;
    return true;
}

/// A BOM or CR-only line ends would otherwise read as odd characters in a data line.
void check_encoding(const std::string& path, std::string_view text) {
    if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF")
        throw_format_error(path, 1,
                           "starts with a UTF-8 byte-order mark (EF BB BF): expected plain ASCII "
                           "text; save the file without the BOM");
    std::size_t line = 1;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\n') ++line;
        if (text[i] != '\r') continue;
        std::size_t j = i;
        while (j < text.size() && (text[j] == '\r' || text[j] == ' ' || text[j] == '\t')) ++j;
        if (j < text.size() && text[j] != '\n')
            throw_format_error(path, line,
                               "carriage return without a line feed (CR-only line ends): expected "
                               "LF or CRLF line ends");
        i = j - 1;
    }
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
    try {
        m_text = read_input_file(m_path, "", max_vector_file_bytes);
    } catch (const input_error& e) {
        throw vector_format_error(e.what());  // a vector file's fault, as every other
    }
    parse(header_lines, expect);
}

line_reader line_reader::from_text(std::string name, std::string_view text, int header_lines,
                                   const line_expectation& expect) {
    line_reader r;
    r.m_path = std::move(name);
    r.m_text = std::string(text);
    r.parse(header_lines, expect);
    return r;
}

line_reader::line_reader(const line_reader& other)
    : m_path(other.m_path), m_text(other.m_text), m_lines(other.m_lines), m_width(other.m_width),
      m_headers(other.m_headers), m_last_line(other.m_last_line) {
    m_lines.m_text = &m_text;
}

line_reader::line_reader(line_reader&& other) noexcept
    : m_path(std::move(other.m_path)), m_text(std::move(other.m_text)),
      m_lines(std::move(other.m_lines)), m_width(other.m_width), m_headers(other.m_headers),
      m_last_line(other.m_last_line) {
    m_lines.m_text = &m_text;
}

line_reader& line_reader::operator=(line_reader other) noexcept {
    m_path = std::move(other.m_path);
    m_text = std::move(other.m_text);
    m_lines = std::move(other.m_lines);
    m_lines.m_text = &m_text;
    m_width = other.m_width;
    m_headers = other.m_headers;
    m_last_line = other.m_last_line;
    return *this;
}

void line_reader::parse(int header_lines, const line_expectation& expect) {
    const std::string_view text = m_text;
    m_lines.m_text = &m_text;
    if (text.empty()) throw_format_error(m_path, 0, "empty file, expected binary data lines");
    check_encoding(m_path, text);
    const bool unknown_ok = expect.unknown_bits;
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
            const bool skip = header_lines < 0 ? !is_binary(line, unknown_ok)
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
            if (!is_digit(line[c], unknown_ok)) {
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
        m_lines.m_offset.push_back(static_cast<std::uint32_t>(line.data() - text.data()));
        m_lines.m_number.push_back(static_cast<std::uint32_t>(number));
    }
    m_lines.m_width = m_width;
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
    if (index >= m_lines.size()) throw std::out_of_range("line_reader::fields: no such data line");
    const data_line l = m_lines[index];
    try {
        return split_fields(l.bits, field_bits);
    } catch (const std::invalid_argument& e) {
        throw_format_error(m_path, l.number, e.what());
    }
}

std::vector<std::uint64_t> line_reader::fields(std::size_t index, unsigned field_bits,
                                               std::vector<std::uint64_t>& unknown) const {
    if (index >= m_lines.size()) throw std::out_of_range("line_reader::fields: no such data line");
    const data_line l = m_lines[index];
    std::string known(l.bits);
    std::string mask(l.bits.size(), '0');
    for (std::size_t c = 0; c < known.size(); ++c)
        if (is_unknown_digit(known[c])) {
            known[c] = '0';
            mask[c] = '1';
        }
    try {
        unknown = split_fields(mask, field_bits);
        return split_fields(known, field_bits);
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
