#include "net/topology.h"

#include "tlm/report.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace satlm {
namespace {

// Larger values are no real layer; padded sizes (value + 2 pad) still fit 32 bits.
constexpr unsigned max_value = 1u << 30;
constexpr std::uint64_t max_macs = std::uint64_t{1} << 62;
constexpr std::size_t max_file_bytes = std::size_t{64} << 20;

constexpr std::array<const char*, 8> conv_columns = {"name",     "ifmap_h",  "ifmap_w", "filter_h",
                                                     "filter_w", "channels", "filters", "stride"};
constexpr const char* conv_expectation =
    "a layer `name, ifmap_h, ifmap_w, filter_h, filter_w, channels, filters, stride,`";
constexpr const char* gemm_expectation = "a GEMM `name, M, N, K,`";

[[noreturn]] void fail(const std::string& source, std::size_t line, const std::string& what) {
    throw input_error(fmt::format("{}:{}: {}", source, line, what));
}

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t\r\n\v\f");
    if (b == std::string::npos) return "";
    return s.substr(b, s.find_last_not_of(" \t\r\n\v\f") - b + 1);
}

std::string lower(std::string s) {
    for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s;
}

/// Printable form of a cell for messages (control bytes escaped, long cells cut).
std::string shown(const std::string& cell) {
    std::string out;
    for (unsigned char ch : cell.substr(0, 40)) {
        if (ch >= 0x20 && ch < 0x7f)
            out += static_cast<char>(ch);
        else
            out += fmt::format("\\x{:02x}", ch);
    }
    if (cell.size() > 40) out += "...";
    return out;
}

/// The cells of one line: split at the separator, trimmed; a cell that starts with `#` ends
/// the row (it and everything after it are dropped); empty cells at the end are dropped.
std::vector<std::string> cells_of(const std::string& line, char sep) {
    std::vector<std::string> cells;
    std::size_t from = 0;
    for (;;) {
        const auto at = line.find(sep, from);
        std::string cell =
            trim(line.substr(from, at == std::string::npos ? std::string::npos : at - from));
        if (!cell.empty() && cell[0] == '#') break;
        cells.push_back(std::move(cell));
        if (at == std::string::npos) break;
        from = at + 1;
    }
    while (!cells.empty() && cells.back().empty()) cells.pop_back();
    return cells;
}

bool is_count(const std::string& cell) {
    return !cell.empty() && std::all_of(cell.begin(), cell.end(),
                                        [](unsigned char ch) { return std::isdigit(ch) != 0; });
}

/// A count in 1..max_value (0 allowed where `zero_ok`), else a message naming the column.
unsigned count_cell(const std::string& source, std::size_t line, const std::string& cell,
                    const std::string& column, bool zero_ok = false) {
    if (!is_count(cell))
        fail(source, line,
             fmt::format("{}: expected a {} integer, found '{}'", column,
                         zero_ok ? "non-negative" : "positive", shown(cell)));
    const std::string digits = cell.substr(std::min(cell.find_first_not_of('0'), cell.size() - 1));
    const unsigned long long v = digits.size() > 10 ? max_value + 1ull : std::stoull(digits);
    if (v > max_value)
        fail(source, line,
             fmt::format("{}: {} is larger than the limit {}", column, shown(cell), max_value));
    if (v == 0 && !zero_ok)
        fail(source, line, fmt::format("{}: expected a positive integer, found 0", column));
    return static_cast<unsigned>(v);
}

void check_layer(const std::string& source, const net_layer& l) {
    if (l.filter_h > l.ifmap_h || l.filter_w > l.ifmap_w)
        fail(source, l.line,
             fmt::format("layer '{}': the {}x{} filter is larger than the padded {}x{} IFMAP",
                         shown(l.name), l.filter_h, l.filter_w, l.ifmap_h, l.ifmap_w));
    std::uint64_t window = 0, macs = 0;
    const std::uint64_t outputs = std::uint64_t{l.ofmap_h()} * l.ofmap_w();
    if (__builtin_mul_overflow(std::uint64_t{l.filter_h} * l.filter_w, std::uint64_t{l.channels},
                               &window) ||
        __builtin_mul_overflow(window, outputs, &macs) ||
        __builtin_mul_overflow(macs, std::uint64_t{l.filters}, &macs) || macs > max_macs)
        fail(source, l.line,
             fmt::format("layer '{}': more than 2^62 multiply-accumulates", shown(l.name)));
}

struct line_text {
    std::size_t number;
    std::string text;
};

/// Lines of the text: a UTF-8 byte-order mark dropped, CR LF and CR line ends accepted.
std::vector<line_text> lines_of(std::string text) {
    if (text.compare(0, 3, "\xEF\xBB\xBF") == 0) text.erase(0, 3);
    std::vector<line_text> lines;
    std::size_t number = 1, from = 0;
    while (from <= text.size()) {
        auto end = text.find_first_of("\r\n", from);
        if (end == std::string::npos) end = text.size();
        lines.push_back({number++, text.substr(from, end - from)});
        if (end < text.size() && text[end] == '\r' && end + 1 < text.size() &&
            text[end + 1] == '\n')
            ++end;
        from = end + 1;
    }
    return lines;
}

bool is_blank_or_comment(const std::string& line) {
    const std::string t = trim(line);
    return t.empty() || t[0] == '#';
}

bool is_gemm_header(const std::vector<std::string>& h) {
    return h.size() >= 4 && lower(h[0]).rfind("layer", 0) == 0 && lower(h[1]) == "m" &&
           lower(h[2]) == "n" && lower(h[3]) == "k";
}

/// A layer row's common start: at least `min_cells` cells, the first a non-empty name.
net_layer named_row(const std::string& source, std::size_t number, const std::vector<std::string>& cells,
                    std::size_t min_cells, const std::string& expectation) {
    if (cells.size() < min_cells)
        fail(source, number,
             fmt::format("expected {}, found {} cell{}", expectation, cells.size(), cells.size() == 1 ? "" : "s"));
    net_layer l;
    l.line = number;
    l.name = cells[0];
    if (l.name.empty()) fail(source, number, fmt::format("expected {}, found an empty name", expectation));
    return l;
}

net_layer conv_row(const std::string& source, std::size_t number,
                   const std::vector<std::string>& cells, std::size_t pad_column) {
    net_layer l = named_row(source, number, cells, conv_columns.size(), conv_expectation);
    std::array<unsigned, 8> v{};
    for (std::size_t c = 1; c < conv_columns.size(); ++c)
        v[c] = count_cell(source, number, cells[c],
                          fmt::format("column {} ({})", c + 1, conv_columns[c]));
    l.height = v[1];
    l.width = v[2];
    l.filter_h = v[3];
    l.filter_w = v[4];
    l.channels = v[5];
    l.filters = v[6];
    l.stride = v[7];
    if (pad_column != 0) {
        l.pad_known = true;
        if (pad_column < cells.size() && !cells[pad_column].empty())
            l.pad = count_cell(source, number, cells[pad_column],
                               fmt::format("column {} (pad)", pad_column + 1), true);
        if (l.pad > max_value / 4)
            fail(source, number,
                 fmt::format("column {} (pad): {} is larger than the limit {}", pad_column + 1,
                             l.pad, max_value / 4));
    }
    l.ifmap_h = l.height + 2 * l.pad;
    l.ifmap_w = l.width + 2 * l.pad;
    if (l.ifmap_h > max_value || l.ifmap_w > max_value)
        fail(source, number,
             fmt::format("layer '{}': the padded IFMAP is larger than the limit {}", shown(l.name),
                         max_value));
    check_layer(source, l);
    return l;
}

/// A GEMM of M x K by K x N: M output positions (a map of M x 1), K channels, N filters.
net_layer gemm_row(const std::string& source, std::size_t number,
                   const std::vector<std::string>& cells) {
    net_layer l = named_row(source, number, cells, 4, gemm_expectation);
    const unsigned m = count_cell(source, number, cells[1], "column 2 (M)");
    const unsigned n = count_cell(source, number, cells[2], "column 3 (N)");
    const unsigned k = count_cell(source, number, cells[3], "column 4 (K)");
    l.ifmap_h = l.height = m;
    l.ifmap_w = l.width = 1;
    l.pad_known = true;
    l.channels = k;
    l.filters = n;
    check_layer(source, l);
    return l;
}

std::string stem_of(const std::string& path) {
    std::string base =
        path.substr(path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/') + 1);
    const auto dot = base.find_last_of('.');
    return dot == std::string::npos || dot == 0 ? base : base.substr(0, dot);
}

network vgg16_cifar10(const std::string& name, bool eight_channel_block4) {
    // 13 3x3 convolutions, stride 1, padding 1; max-pools between blocks halve the map.
    struct shape {
        const char* name;
        unsigned size, in, out;
    };
    static const shape base[] = {
        {"conv1_1", 32, 3, 64},    {"conv1_2", 32, 64, 64},  {"conv2_1", 16, 64, 128},
        {"conv2_2", 16, 128, 128}, {"conv3_1", 8, 128, 256}, {"conv3_2", 8, 256, 256},
        {"conv3_3", 8, 256, 256},  {"conv4_1", 4, 256, 512}, {"conv4_2", 4, 512, 512},
        {"conv4_3", 4, 512, 512},  {"conv5_1", 2, 512, 512}, {"conv5_2", 2, 512, 512},
        {"conv5_3", 2, 512, 512}};
    network net;
    net.name = name;
    net.source = "built-in";
    for (const auto& s : base) {
        net_layer l;
        l.name = s.name;
        l.height = l.width = s.size;
        l.pad = 1;
        l.pad_known = true;
        l.ifmap_h = l.ifmap_w = s.size + 2;
        l.filter_h = l.filter_w = 3;
        l.channels = s.in;
        l.filters = s.out;
        net.layers.push_back(l);
    }
    if (eight_channel_block4) {  // the course's variant: conv4_1..conv4_3 are 256->8, 8->8, 8->512
        net.layers[7].filters = 8;
        net.layers[8].channels = 8;
        net.layers[8].filters = 8;
        net.layers[9].channels = 8;
    }
    return net;
}

}  // namespace

std::uint64_t net_layer::macs() const {
    return std::uint64_t{ofmap_h()} * ofmap_w() * filter_h * filter_w * channels * filters;
}

network parse_topology(const std::string& source, const std::string& text) {
    if (text.size() > max_file_bytes)
        fail(source, 0,
             fmt::format("expected a topology file of at most {} MB", max_file_bytes >> 20));
    const auto lines = lines_of(text);
    std::size_t at = 0;
    while (at < lines.size() && is_blank_or_comment(lines[at].text)) ++at;
    if (at == lines.size())
        fail(source, lines.empty() ? 1 : lines.back().number,
             "expected a header line (`Layer name, IFMAP Height, ...` or `Layer,M,N,K`), found "
             "none");
    const auto& header_line = lines[at++];
    // SCALE-Sim's files separate cells by commas; a header without a comma but with tabs
    // marks a tab-separated file.
    const char sep = header_line.text.find(',') == std::string::npos &&
                             header_line.text.find('\t') != std::string::npos
                         ? '\t'
                         : ',';
    const auto header = cells_of(header_line.text, sep);

    network net;
    net.name = stem_of(source);
    net.source = source;
    net.gemm = is_gemm_header(header);
    const bool looks_like_layer =
        header.size() >= 8 && std::all_of(header.begin() + 1, header.begin() + 8, is_count);
    if (looks_like_layer)
        fail(source, header_line.number,
             "expected a header line before the layers (`Layer name, IFMAP Height, ...`), found a "
             "layer");
    std::size_t pad_column = 0;
    if (!net.gemm)
        for (std::size_t c = conv_columns.size(); c < header.size(); ++c)
            if (lower(header[c]) == "pad") {
                pad_column = c;
                break;
            }

    for (; at < lines.size(); ++at) {
        const auto& line = lines[at];
        if (is_blank_or_comment(line.text)) continue;
        const auto cells = cells_of(line.text, sep);
        if (cells.empty()) continue;  // a comma-only row, or one that starts with a `#` cell
        net.layers.push_back(net.gemm ? gemm_row(source, line.number, cells)
                                      : conv_row(source, line.number, cells, pad_column));
    }
    if (net.layers.empty())
        fail(source, header_line.number,
             fmt::format("expected at least one {} after the header", net.gemm ? "GEMM" : "layer"));
    return net;
}

network read_topology(const std::string& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        throw input_error(fmt::format("{}: expected a topology file, found a folder", path));
    std::ifstream in(path, std::ios::binary);
    if (!in) throw input_error(fmt::format("{}: cannot open the topology file", path));
    std::string text;
    in.seekg(0, std::ios::end);
    const auto size = in.tellg();
    if (size < 0) throw input_error(fmt::format("{}: cannot read the topology file", path));
    if (static_cast<std::uint64_t>(size) > max_file_bytes)
        throw input_error(fmt::format("{}:0: expected a topology file of at most {} MB", path,
                                      max_file_bytes >> 20));
    in.seekg(0, std::ios::beg);
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (in.bad()) throw input_error(fmt::format("{}: cannot read the topology file", path));
    return parse_topology(path, text);
}

const std::vector<std::string>& builtin_network_names() {
    static const std::vector<std::string> names = {"vgg16-cifar10", "vgg16-cifar10-8ch"};
    return names;
}

network builtin_network(const std::string& name) {
    if (name == "vgg16-cifar10") return vgg16_cifar10(name, false);
    if (name == "vgg16-cifar10-8ch") return vgg16_cifar10(name, true);
    throw config_error(
        fmt::format("network '{}': expected a built-in name (vgg16-cifar10, "
                    "vgg16-cifar10-8ch) or a topology file",
                    shown(name)));
}

network load_network(const std::string& name_or_path) {
    const auto& names = builtin_network_names();
    if (std::find(names.begin(), names.end(), name_or_path) != names.end())
        return builtin_network(name_or_path);
    return read_topology(name_or_path);
}

}  // namespace satlm
