#pragma once
/// Reader for the text vector files: one binary string per line, MSB first (docs/vector-format.md).
///
/// The file must be a regular file (tlm/safe_file.h); a UTF-8 byte-order mark and CR-only line
/// ends are refused with their own message.
/// Line rules: trailing spaces, tabs and `\r` are stripped (CRLF is accepted); blank lines are
/// ignored; header lines are either "auto" (the non-binary lines before the first data line) or
/// exactly N leading non-blank lines; after the first data line every line must hold only 0/1
/// and have the exact width. Every fault throws vector_format_error "FILE:LINE: ...".

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace satlm {

/// One data line: its binary digits and its 1-based line number in the file.
struct data_line {
    std::size_t number = 0;  ///< 1-based line number in the file
    std::string_view bits;   ///< only '0'/'1' (and x/z when allowed), MSB first; in the reader's text
};

/// The data lines of a file, stored as offsets into its text (the reader's memory is the file's
/// size plus 8 bytes per line).
class data_lines {
public:
    std::size_t size() const { return m_offset.size(); }
    bool empty() const { return m_offset.empty(); }
    data_line operator[](std::size_t i) const {
        return {m_number[i], std::string_view(m_text->data() + m_offset[i], m_width)};
    }
    data_line front() const { return (*this)[0]; }
    data_line back() const { return (*this)[size() - 1]; }

private:
    friend class line_reader;
    const std::string* m_text = nullptr;
    std::size_t m_width = 0;
    std::vector<std::uint32_t> m_offset;  ///< first digit of each data line in the text
    std::vector<std::uint32_t> m_number;  ///< 1-based line number of each data line
};

/// What the caller already knows about a file; each part is checked while reading.
struct line_expectation {
    std::optional<std::size_t> width;  ///< binary digits per line
    std::string width_why;             ///< why, e.g. "8 channels x 4 bits"
    std::optional<std::size_t> count;  ///< number of data lines
    std::string count_why;             ///< why, e.g. "6 x 6 padded positions"
    bool unknown_bits = false;         ///< x/z digits allowed (an RTL dump of expected values)
};

/// Largest vector file the reader accepts (a guard against reading a device or a huge blob).
constexpr std::size_t max_vector_file_bytes = std::size_t{256} << 20;

/// The data lines of one vector file. Usage:
/// \code
///   line_reader r("activation_tile0.txt", -1, {32, "8 channels x 4 bits", 36, "6 x 6 padded
///   positions"}); for (std::size_t n = 0; n < r.lines().size(); ++n) auto f = r.fields(n, 4);  //
///   8 nibbles, MSB first
/// \endcode
class line_reader {
public:
    /// Reads the file at `path`; `header_lines` is -1 (auto) or the exact count of leading
    /// non-blank lines to skip. Throws vector_format_error naming file and line.
    explicit line_reader(std::string path, int header_lines = -1,
                         const line_expectation& expect = {});
    /// The same rules on text already in memory; `name` stands for the file in messages.
    static line_reader from_text(std::string name, std::string_view text, int header_lines = -1,
                                 const line_expectation& expect = {});
    line_reader(const line_reader& other);
    line_reader(line_reader&& other) noexcept;
    line_reader& operator=(line_reader other) noexcept;

    const std::string& path() const { return m_path; }
    const data_lines& lines() const { return m_lines; }
    std::size_t width() const { return m_width; }           ///< binary digits per data line
    std::size_t header_count() const { return m_headers; }  ///< header lines skipped
    /// The header lines skipped, trailing spaces, tabs and `\r` stripped.
    const std::vector<std::string>& header_text() const { return m_header_text; }
    std::size_t last_line() const { return m_last_line; }   ///< number of the file's last line

    /// Throws unless there are exactly `n` data lines: "expected n data lines (why), found m".
    void expect_count(std::size_t n, const std::string& why) const;
    /// Throws unless the lines are `w` digits wide: "expected w binary digits (why), got x".
    void expect_width(std::size_t w, const std::string& why) const;
    /// Data line `index` split into `field_bits`-wide unsigned fields, most significant first.
    std::vector<std::uint64_t> fields(std::size_t index, unsigned field_bits) const;
    /// The same for a file read with unknown_bits: x/z digits read as 0 and set their bit in
    /// `unknown` (one mask per field).
    std::vector<std::uint64_t> fields(std::size_t index, unsigned field_bits,
                                      std::vector<std::uint64_t>& unknown) const;

private:
    line_reader() = default;
    void parse(int header_lines, const line_expectation& expect);

    std::string m_path;
    std::string m_text;  ///< the whole file; data lines point into it
    data_lines m_lines;
    std::size_t m_width = 0;
    std::size_t m_headers = 0;
    std::vector<std::string> m_header_text;
    std::size_t m_last_line = 0;
};

/// Splits a binary string into `field_bits`-wide unsigned fields (1..64), most significant
/// first. Throws std::invalid_argument when the width is not a multiple of field_bits or a
/// character is not 0/1.
std::vector<std::uint64_t> split_fields(std::string_view bits, unsigned field_bits);

/// A character as it can appear inside a one-line message ('x', or \xNN when not printable).
std::string printable_char(char c);

}  // namespace satlm
