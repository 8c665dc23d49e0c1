#include "vectors/vector_set.h"

#include "tlm/bits.h"
#include "tlm/budget.h"
#include "tlm/report.h"
#include "tlm/safe_file.h"
#include "vectors/file_pattern.h"
#include "vectors/line_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <map>
#include <memory>
#include <system_error>

namespace satlm {

namespace fs = std::filesystem;

unsigned acc_address_bits(const layer_keys& layer, unsigned psum_base) {
    const std::uint64_t last = psum_base + std::uint64_t{layer.kernel_positions()} * layer.positions();
    return std::max(11u, bits_for(last == 0 ? 0 : last - 1));
}

namespace {

constexpr unsigned max_tiles = 4096;  // stops the file count of a {i}/{o}/{k} pattern

std::uint64_t isqrt(std::uint64_t n) {
    std::uint64_t r = 0;
    while ((r + 1) * (r + 1) <= n) ++r;
    return r;
}

bool odd_square(std::uint64_t n, std::uint64_t& root) {
    root = isqrt(n);
    return n > 0 && root * root == n && root % 2 == 1;
}

/// Loads one set: the state shared by the inference and decoding steps.
class set_loader {
public:
    set_loader(accel_config& cfg, std::string dir, bool check)
        : m_cfg(cfg), m_dir(std::move(dir)), m_check(check) {}

    void infer_keys();
    void infer_headers();
    const std::vector<std::string>& files_read() const { return m_read; }
    /// The expected output files that exist but were not read (--no-check): still the set's
    /// files, so no output may overwrite them.
    std::vector<std::string> unread_expected_files() const {
        std::vector<std::string> v;
        if (m_check || !m_out) return v;
        for (unsigned o = 0; o < (m_out->has_o() ? m_out_tiles : 1); ++o)
            if (exists(m_out->expand(0, o, 0))) v.push_back(path_of(m_out->expand(0, o, 0)));
        return v;
    }
    layer_data decode_layer();
    expected_data decode_expected();

private:
    bool given(const char* key) const {
        return m_cfg.given_at_or_above(key, key_source::config_file);
    }
    void infer(const char* key, std::uint64_t value, const std::string& from) {
        if (m_cfg.source_of(key) != key_source::built_in) return;
        m_cfg.set(key, std::to_string(value), key_source::inferred, "inferred from " + from);
    }
    std::string path_of(const std::string& name) const {
        return (fs::path(m_dir) / name).lexically_normal().string();
    }
    bool exists(const std::string& name) const {
        std::error_code ec;
        return fs::exists(path_of(name), ec);
    }
    /// Reads (once) and returns a file; later calls apply the expectation to the cached lines.
    /// `kind` decides the header lines (format.header.<kind>, else format.header_lines); the
    /// first file of each kind gives its header text when no key gives it (see infer_headers).
    const line_reader& read(const std::string& name, file_kind kind, const line_expectation& e = {}) {
        const std::string p = path_of(name);
        auto it = m_files.find(p);
        if (it == m_files.end()) {
            try {
                check_file_budget(m_cfg, p, double(check_input_file(p, "")));
            } catch (const config_error&) {
                throw;
            } catch (const input_error& bad) {
                throw vector_format_error(bad.what());
            }
            m_read.push_back(p);
            auto r = std::make_unique<line_reader>(p, m_cfg.format.header_lines_of(kind), e);
            // Copied now: a decoded file is released before infer_headers runs.
            auto& first = m_first_of_kind[static_cast<std::size_t>(kind)];
            if (!first) first = first_header{r->path(), r->header_text()};
            it = m_files.emplace(p, std::move(r)).first;
        } else {
            if (e.width) it->second->expect_width(*e.width, e.width_why);
            if (e.count) it->second->expect_count(*e.count, e.count_why);
        }
        return *it->second;
    }
    /// Frees a decoded file's text: a set is held in memory one file at a time.
    void release(const std::string& name) { m_files.erase(path_of(name)); }
    /// How many files the pattern names for n = 0, 1, ... until one is missing.
    unsigned count_files(const file_pattern& p, char which) const {
        unsigned n = 0;
        while (n < max_tiles &&
               exists(p.expand(which == 'i' ? n : 0, which == 'o' ? n : 0, which == 'k' ? n : 0)))
            ++n;
        return n;
    }
    /// Throws config_error "FILE: missing: needed for WHY" unless the data file exists.
    void need_file(const std::string& name, const std::string& why) const {
        if (!exists(name))
            throw config_error(fmt::format("{}: missing: needed for {}", path_of(name), why));
    }
    std::string in_tiles_why() const {
        return fmt::format("layer.in_channels = {} with tiles.in_channels = {} ({} input tiles)",
                           m_cfg.layer.in_channels, tin(), m_in_tiles);
    }
    std::string out_tiles_why() const {
        return fmt::format("layer.out_channels = {} with tiles.out_channels = {} ({} output tiles)",
                           m_cfg.layer.out_channels, tout(), m_out_tiles);
    }
    /// Why file (i, o, k) of a tiled pattern is read: the key that asks for that tile.
    std::string tile_why(unsigned i, unsigned o, unsigned k) const {
        if (i > 0) return in_tiles_why();
        if (o > 0) return out_tiles_why();
        return fmt::format("{} ({} kernel positions, this is {})", kernel_text(false), kk(), k);
    }
    /// The filter keys as given or inferred: "layer.kernel = 3" or "layer.kernel_h x
    /// layer.kernel_w = 3 x 1" (as "key `layer.kernel` = 3" ... when `key`).
    std::string kernel_text(bool key) const {
        const auto& L = m_cfg.layer;
        if (L.square_kernel()) return fmt::format(key ? "key `layer.kernel` = {}" : "layer.kernel = {}", L.kernel_h);
        return fmt::format(key ? "keys `layer.kernel_h` x `layer.kernel_w` = {} x {}"
                               : "layer.kernel_h x layer.kernel_w = {} x {}",
                           L.kernel_h, L.kernel_w);
    }
    bool kernel_h_given() const { return given("layer.kernel_h"); }
    bool kernel_w_given() const { return given("layer.kernel_w"); }
    bool kernel_given() const { return kernel_h_given() && kernel_w_given(); }
    /// Whether `blocks` kernel positions can be the filter the keys allow: kernel_h x kernel_w
    /// when both are given, a multiple of the one given, else k^2 with k odd (a square filter).
    bool kernel_blocks_ok(std::uint64_t blocks, std::uint64_t& root) const {
        const auto& L = m_cfg.layer;
        if (kernel_given()) return blocks == kk();
        if (kernel_h_given()) return blocks > 0 && blocks % L.kernel_h == 0;
        if (kernel_w_given()) return blocks > 0 && blocks % L.kernel_w == 0;
        return odd_square(blocks, root);
    }
    /// Sets the filter keys the manifest and --set left open from `blocks` kernel positions.
    void infer_kernel(std::uint64_t blocks, std::uint64_t root, const std::string& from) {
        const auto& L = m_cfg.layer;
        if (kernel_h_given()) infer("layer.kernel_w", blocks / L.kernel_h, from);
        else if (kernel_w_given()) infer("layer.kernel_h", blocks / L.kernel_w, from);
        else infer("layer.kernel", root, from);
    }
    [[noreturn]] void contradiction(const std::string& file, std::size_t line,
                                    const std::string& what) const {
        throw_format_error(file, line, what);
    }

    /// A padded channel (beyond the layer's count, filling the last tile) must hold 0.
    [[noreturn]] void padded_nonzero(const line_reader& r, std::size_t index, const char* what,
                                     const char* dir, unsigned ch, const char* key, unsigned count,
                                     std::int64_t value, unsigned field) const {
        throw_format_error(
            r.path(), r.lines()[index].number,
            fmt::format("padded {} {} channel {} (key `{}` = {}) must be 0, got {} in field {}",
                        what, dir, ch, key, count, value, field + 1));
    }

    unsigned cpl() const { return m_cfg.layer.act_bits == 2 ? 2 : 1; }
    unsigned tin() const { return m_cfg.tile_in_channels(); }
    unsigned tout() const { return m_cfg.tiles.out_channels; }
    unsigned kk() const { return m_cfg.layer.kernel_positions(); }
    line_expectation act_expect() const;
    line_expectation weight_expect() const;
    line_expectation output_expect(bool per_tile) const;
    line_expectation psum_expect(bool per_k) const;
    void check_tile_counts();
    void decode_acc(expected_data& e);

    std::vector<std::string> m_read;  ///< every file read, in order
    accel_config& m_cfg;
    std::string m_dir;
    bool m_check;
    std::map<std::string, std::unique_ptr<line_reader>> m_files;
    /// The header lines of the first file read of each kind, and that file's path.
    struct first_header {
        std::string path;
        std::vector<std::string> lines;
    };
    std::array<std::optional<first_header>, all_file_kinds.size()> m_first_of_kind{};
    std::optional<file_pattern> m_act, m_wgt, m_out, m_psum;
    unsigned m_in_tiles = 1;
    unsigned m_out_tiles = 1;
};

line_expectation set_loader::act_expect() const {
    const auto& L = m_cfg.layer;
    return {
        std::size_t{tin()} * L.act_bits,
        fmt::format("{} channels x {} bits: tiles.in_channels x layer.act_bits", tin(), L.act_bits),
        std::size_t{L.padded_height} * L.padded_width,
        fmt::format("{} x {} padded positions: layer.padded_height x layer.padded_width",
                    L.padded_height, L.padded_width)};
}

line_expectation set_loader::weight_expect() const {
    const auto& L = m_cfg.layer;
    const std::size_t fields = tin() / cpl();
    const std::string width_why =
        cpl() == 2
            ? fmt::format(
                  "{} fields x {} bits: tiles.in_channels / 2 x layer.weight_bits (2-bit mode)",
                  fields, L.weight_bits)
            : fmt::format("{} fields x {} bits: tiles.in_channels x layer.weight_bits", fields,
                          L.weight_bits);
    const std::size_t per_block = std::size_t{tout()} * cpl();
    const std::string block_why =
        cpl() == 2
            ? fmt::format("{} output channels x 2 lines (2-bit mode): tiles.out_channels", tout())
            : fmt::format("{} output channels: tiles.out_channels", tout());
    if (m_wgt->has_k()) return {fields * L.weight_bits, width_why, per_block, block_why};
    return {fields * L.weight_bits, width_why, per_block * kk(),
            fmt::format("{} kernel positions x {}", kk(), block_why)};
}

line_expectation set_loader::output_expect(bool per_tile) const {
    const auto& L = m_cfg.layer;
    const unsigned ch = per_tile ? tout() : L.out_channels;
    line_expectation e{std::size_t{ch} * L.psum_bits,
                       fmt::format("{} channels x {} bits: {} x layer.psum_bits", ch, L.psum_bits,
                                   per_tile ? "tiles.out_channels" : "layer.out_channels"),
                       std::size_t{L.out_positions()},
                       fmt::format("{} x {} output positions of a {} x {} map, a {} x {} kernel and stride {}",
                                   L.out_height(), L.out_width(), L.padded_height, L.padded_width, L.kernel_h,
                                   L.kernel_w, L.stride)};
    e.unknown_bits = true;  // an RTL dump may hold x/z: counted as mismatches, not bad input
    return e;
}

line_expectation set_loader::psum_expect(bool per_k) const {
    const auto& L = m_cfg.layer;
    line_expectation e{std::size_t{tout()} * L.psum_bits,
                       fmt::format("{} channels x {} bits: tiles.out_channels x layer.psum_bits",
                                   tout(), L.psum_bits),
                       std::size_t{L.positions()},
                       fmt::format("{} x {} padded positions", L.padded_height, L.padded_width)};
    if (!per_k) {
        e.count = std::size_t{L.positions()} * kk();
        e.count_why = fmt::format("{} kernel positions x {} x {} padded positions", kk(),
                                  L.padded_height, L.padded_width);
    }
    return e;
}

void set_loader::infer_keys() {
    auto& L = m_cfg.layer;
    // Checks that the inference itself relies on, before any file is read.
    if (given("layer.act_bits") && L.act_bits != 2 && L.act_bits != 4)
        throw config_error(
            fmt::format("key `layer.act_bits`: expected 4 or 2, got {}", L.act_bits));
    m_act.emplace("files.activation", m_cfg.files.activation, "i");
    m_wgt.emplace("files.weight", m_cfg.files.weight, "iok");
    m_out.emplace("files.output", m_cfg.files.output, "o");
    if (!m_cfg.files.psum.empty()) m_psum.emplace("files.psum", m_cfg.files.psum, "iok");
    if (!m_cfg.files.acc.empty()) file_pattern("files.acc", m_cfg.files.acc, "");

    // Input tiles and the padded map, from the activation files.
    const bool tin_given = given("tiles.in_channels") && m_cfg.tiles.in_channels != 0;
    if (!m_act->has_i())
        m_in_tiles = 1;
    else if (given("layer.in_channels") && tin_given) {
        m_in_tiles = static_cast<unsigned>(ceil_div(L.in_channels, m_cfg.tiles.in_channels));
        for (unsigned i = 1; i < m_in_tiles; ++i) need_file(m_act->expand(i, 0, 0), in_tiles_why());
    } else
        m_in_tiles = std::max(1u, count_files(*m_act, 'i'));
    const line_reader& a0 = read(m_act->expand(0, 0, 0), file_kind::activation);
    const std::uint64_t n = a0.lines().size();
    const bool h_given = given("layer.padded_height"), w_given = given("layer.padded_width");
    if (h_given && w_given) {
        a0.expect_count(
            std::uint64_t{L.padded_height} * L.padded_width,
            fmt::format("{} x {} padded positions: layer.padded_height x layer.padded_width",
                        L.padded_height, L.padded_width));
    } else if (h_given || w_given) {
        const char* key = h_given ? "layer.padded_height" : "layer.padded_width";
        const unsigned side = h_given ? L.padded_height : L.padded_width;
        if (n % side != 0)
            contradiction(
                a0.path(), a0.last_line(),
                fmt::format(
                    "expected a multiple of {} = {} data lines (padded positions), found {}", key,
                    side, n));
        infer(h_given ? "layer.padded_width" : "layer.padded_height", n / side, a0.path());
    } else {
        const std::uint64_t s = isqrt(n);
        if (s * s != n)
            contradiction(
                a0.path(), a0.last_line(),
                fmt::format(
                    "found {} data lines, not a square padded map: give layer.padded_height and "
                    "layer.padded_width",
                    n));
        infer("layer.padded_height", s, a0.path());
        infer("layer.padded_width", s, a0.path());
    }

    // A given kernel against the map, before the kernel-position files are counted (a default
    // kernel is not checked yet: the files may still set it).
    if (kernel_given()) m_cfg.validate();

    // Output tiles.
    const bool tout_given = given("tiles.out_channels");
    if (!m_wgt->has_o())
        m_out_tiles = 1;
    else if (given("layer.out_channels") && tout_given) {
        m_out_tiles = static_cast<unsigned>(ceil_div(L.out_channels, tout()));
        for (unsigned o = 1; o < m_out_tiles; ++o)
            need_file(m_wgt->expand(0, o, 0), out_tiles_why());
    } else
        m_out_tiles = std::max(1u, count_files(*m_wgt, 'o'));

    // Output channels per tile (and per file) from the expected output's width.
    bool tout_known = tout_given;
    bool out_known = given("layer.out_channels");
    if (m_check) {
        line_expectation rtl_dump;
        rtl_dump.unknown_bits = true;  // x/z in an expected output: mismatches, read on
        const line_reader& o0 = read(m_out->expand(0, 0, 0), file_kind::output, rtl_dump);
        const std::size_t pb = L.psum_bits;
        // Output channels on one line of the output file (whole psum_bits fields).
        auto fields_per_line = [&] {
            if (o0.width() % pb != 0)
                contradiction(o0.path(), o0.lines().front().number,
                              fmt::format("expected a multiple of layer.psum_bits = {} binary "
                                          "digits, got {}",
                                          pb, o0.width()));
            return o0.width() / pb;
        };
        if (m_out->has_o()) {
            if (!tout_known) {
                infer("tiles.out_channels", fields_per_line(), o0.path());
                tout_known = true;
            }
        } else {
            if (!out_known) {
                infer("layer.out_channels", fields_per_line(), o0.path());
                out_known = true;
            }
            if (!tout_known && m_out_tiles == 1) {
                infer("tiles.out_channels", L.out_channels, o0.path());
                tout_known = true;
            }
        }
    }

    // Kernel size, act_bits and output tile size from the weight files.
    const line_reader& w0 = read(m_wgt->expand(0, 0, 0), file_kind::weight);
    const std::uint64_t lw = w0.lines().size();
    // Kernel positions = kernel_h x kernel_w weight files ({k}) or blocks (no {k}); a square
    // filter of odd size is inferred, a non-square or even one needs the keys.
    const bool k_given = kernel_given();
    if (m_wgt->has_k() && !k_given) {
        const unsigned files = count_files(*m_wgt, 'k');
        std::uint64_t k = 0;
        if (!kernel_blocks_ok(files, k))
            throw config_error(fmt::format(
                "{}: missing: found weight files for kernel positions {{k}} = 0..{} only, "
                "expected {} (or give layer.kernel_h and layer.kernel_w)",
                path_of(m_wgt->expand(0, 0, files)), files - 1,
                kernel_h_given()   ? fmt::format("a multiple of layer.kernel_h = {} of them", L.kernel_h)
                : kernel_w_given() ? fmt::format("a multiple of layer.kernel_w = {} of them", L.kernel_w)
                                   : std::string("k^2 of them with k odd")));
        infer_kernel(files, k, path_of(m_wgt->text()));
    }
    if (m_wgt->has_k() && k_given) {
        const unsigned files = count_files(*m_wgt, 'k');
        if (files < kk())
            throw config_error(fmt::format(
                "{}: missing: {} needs {} weight files ({{k}} = 0..{})",
                path_of(m_wgt->expand(0, 0, files)), kernel_text(true), kk(), kk() - 1));
        // More kernel-position files than kh x kw: the keys contradict the files (a smaller
        // kernel would silently ignore them).
        if (files > kk())
            throw config_error(fmt::format(
                "{}: expected {} weight file(s) ({{k}} = 0..{}), but {} "
                "exists too ({} kernel-position files in all)",
                kernel_text(true), kk(), kk() - 1, path_of(m_wgt->expand(0, 0, kk())), files));
    }
    const bool bits_given = given("layer.act_bits");
    if (!bits_given && tout_known) {
        // Lines per weight file = (k^2 blocks unless {k}) x tile_out x (1 line per column, 2 in
        // 2-bit mode).
        const std::uint64_t to = tout();
        std::uint64_t q = lw % to == 0 ? lw / to : 0;
        unsigned bits = 0;
        if (m_wgt->has_k() || k_given) {
            const std::uint64_t blocks = m_wgt->has_k() ? 1 : kk();
            if (q == blocks)
                bits = 4;
            else if (q == 2 * blocks)
                bits = 2;
        } else {
            std::uint64_t root = 0;
            if (kernel_blocks_ok(q, root))
                bits = 4;
            else if (q % 2 == 0 && kernel_blocks_ok(q / 2, root))
                bits = 2;
        }
        if (bits == 0)
            contradiction(
                w0.path(), w0.last_line(),
                fmt::format(
                    "found {} data lines, expected tiles.out_channels = {} lines per kernel "
                    "position (4-bit) or {} (2-bit){}",
                    lw, to, 2 * to, m_wgt->has_k() ? "" : ", k^2 positions per file"));
        infer("layer.act_bits", bits, w0.path());
    }
    if (!tout_known) {
        const std::uint64_t per = (m_wgt->has_k() ? 1 : kk()) * std::uint64_t{cpl()};
        if (lw % per != 0 || lw / per == 0)
            contradiction(
                w0.path(), w0.last_line(),
                fmt::format("found {} data lines, expected a multiple of {} ({} line(s) per output "
                            "channel{})",
                            lw, per, cpl(),
                            m_wgt->has_k() ? "" : fmt::format(" x {} kernel positions", kk())));
        infer("tiles.out_channels", lw / per, w0.path());
    }
    if (!m_wgt->has_k() && !k_given) {
        const std::uint64_t per = std::uint64_t{tout()} * cpl();
        std::uint64_t k = 0;
        if (lw % per != 0 || !kernel_blocks_ok(lw / per, k))
            contradiction(
                w0.path(), w0.last_line(),
                fmt::format("found {} data lines, expected {} blocks of {} lines "
                            "(tiles.out_channels x lines per channel) in kij order",
                            lw,
                            kernel_h_given()   ? fmt::format("a multiple of layer.kernel_h = {}", L.kernel_h)
                            : kernel_w_given() ? fmt::format("a multiple of layer.kernel_w = {}", L.kernel_w)
                                               : std::string("k^2 (k odd)"),
                            per));
        infer_kernel(lw / per, k, w0.path());
    }
    w0.expect_count(*weight_expect().count, weight_expect().count_why);

    // Input tile size from the activation width.
    if (!tin_given) {
        if (a0.width() % L.act_bits != 0)
            contradiction(
                a0.path(), a0.lines().front().number,
                fmt::format("expected a multiple of layer.act_bits = {} binary digits, got {}",
                            L.act_bits, a0.width()));
        infer("tiles.in_channels", a0.width() / L.act_bits, a0.path());
    }
    a0.expect_width(*act_expect().width, act_expect().width_why);
    if (L.act_bits == 2 && tin() % 2 != 0)
        contradiction(
            a0.path(), a0.lines().front().number,
            fmt::format(
                "2-bit mode packs channels in pairs: expected an even tiles.in_channels, got {}",
                tin()));
    w0.expect_width(*weight_expect().width, weight_expect().width_why);

    // Whole-layer channel counts.
    if (given("layer.in_channels")) {
        const std::uint64_t need = ceil_div(L.in_channels, tin());
        if (need != m_in_tiles)
            throw config_error(fmt::format(
                "key `layer.in_channels` = {}: needs {} input tile(s) of {} channels, but {} has "
                "{} (\"{}\")",
                L.in_channels, need, tin(),
                m_act->has_i() ? "the activation pattern" : "files.activation without {i}",
                m_in_tiles, path_of(m_act->text())));
    } else {
        infer("layer.in_channels", std::uint64_t{m_in_tiles} * tin(), path_of(m_act->text()));
    }
    if (out_known || given("layer.out_channels")) {
        const std::uint64_t need = ceil_div(L.out_channels, tout());
        if (need != m_out_tiles)
            throw config_error(
                fmt::format("key `layer.out_channels` = {}: needs {} output tile(s) of {} channels "
                            "(tiles.out_channels), but "
                            "files.weight \"{}\" has {}",
                            L.out_channels, need, tout(), path_of(m_wgt->text()), m_out_tiles));
    } else {
        infer("layer.out_channels", std::uint64_t{m_out_tiles} * tout(), path_of(m_wgt->text()));
    }
    check_tile_counts();
    m_cfg.validate();
}

void set_loader::check_tile_counts() {
    auto need = [](const file_pattern& p, char which, unsigned tiles) {
        if (tiles > 1 && !(which == 'i' ? p.has_i() : p.has_o()))
            throw config_error(
                fmt::format("key `{}`: \"{}\" has no {{{}}} but the layer has {} {} tiles", p.key(),
                            p.text(), which, tiles, which == 'i' ? "input" : "output"));
    };
    need(*m_wgt, 'i', m_in_tiles);
    if (m_psum && m_check) {
        need(*m_psum, 'i', m_in_tiles);
        need(*m_psum, 'o', m_out_tiles);
    }
}

/// The acc-address file: 1 or k^2 addresses per line (format.acc_per_line, else from the
/// width), each as wide as the last address needs. The first address (output pixel 0, kij 0)
/// is the pmem word of the first psum: it sets pmem.psum_base unless --config or --set gives it.
void set_loader::decode_acc(expected_data& e) {
    const auto& L = m_cfg.layer;
    const std::size_t total = std::size_t{L.out_positions()} * kk();
    const line_reader& r = read(m_cfg.files.acc, file_kind::acc);
    const bool base_given = given("pmem.psum_base");
    unsigned aw = acc_address_bits(L, base_given ? m_cfg.arch.pmem.psum_base : 0);
    const unsigned given_per_line = m_cfg.format.acc_per_line;
    if (given_per_line != 0 && given_per_line != 1 && given_per_line != kk())
        throw config_error(fmt::format("key `format.acc_per_line`: expected 1 or {} (k^2 of a {}x{} "
                                       "kernel), got {}", kk(), L.kernel_h, L.kernel_w, given_per_line));
    const std::size_t per_line = given_per_line              ? given_per_line
                                 : r.width() == aw           ? 1
                                 : r.width() == std::size_t{aw} * kk() ? kk()
                                                             : 0;
    if (per_line == 0)
        throw_format_error(
            r.path(), r.lines().front().number,
            fmt::format(
                "expected {} or {} binary digits (1 or {} acc addresses of {} bits), got {}",
                aw, std::size_t{aw} * kk(), kk(), aw, r.width()));
    if (given_per_line)
        r.expect_width(std::size_t{aw} * per_line,
                       fmt::format("{} acc address(es) of {} bits: format.acc_per_line", per_line, aw));
    else if (kk() > 1)
        infer("format.acc_per_line", per_line, r.path());
    r.expect_count(
        total / per_line,
        fmt::format("{} output positions x {} kernel positions, {} address(es) per line",
                    L.out_positions(), kk(), per_line));
    std::vector<std::uint32_t> acc;
    acc.reserve(total);
    for (std::size_t n = 0; n < r.lines().size(); ++n)
        for (auto v : r.fields(n, aw)) acc.push_back(static_cast<std::uint32_t>(v));
    // A base explains the file when most addresses follow it (one corrupt first entry does not).
    auto follows = [&](std::uint64_t base) {
        std::size_t n = 0, same = 0;
        for (unsigned onij = 0; onij < L.out_positions(); ++onij)
            for (unsigned kij = 0; kij < kk() && n < acc.size(); ++kij, ++n) {
                const unsigned orow = onij / L.out_width(), ocol = onij % L.out_width();
                same += acc[n] == base + std::uint64_t{kij} * L.positions() +
                                      std::uint64_t{orow * L.stride + kij / L.kernel_w} * L.padded_width +
                                      ocol * L.stride + kij % L.kernel_w;
            }
        return 2 * same > acc.size();
    };
    if (!base_given && !acc.empty() && acc.front() != 0 && follows(acc.front())) {
        m_cfg.set("pmem.psum_base", std::to_string(acc.front()), key_source::inferred,
                  fmt::format("inferred from the first address in {}", r.path()));
        // The addresses are still as wide as the base-0 rule says, so the base must keep them so.
        if (acc_address_bits(L, acc.front()) != aw)
            throw_format_error(
                r.path(), r.lines().front().number,
                fmt::format("the first acc address {} puts the psums at pmem words {}..{}, which "
                            "need {}-bit addresses, got {} (give pmem.psum_base)",
                            acc.front(), acc.front(), acc.front() + L.positions() * kk() - 1,
                            acc_address_bits(L, acc.front()), aw));
    }
    e.acc = std::move(acc);
    e.acc_desc = r.path();
}

/// Header text of each file kind from the first file of that kind read, unless a key gives it
/// (recorded as inferred, so `satlm gen --like` writes the same lines back).
void set_loader::infer_headers() {
    for (file_kind kind : all_file_kinds) {
        const auto& r = m_first_of_kind[static_cast<std::size_t>(kind)];
        const std::string key = fmt::format("format.header.{}", to_string(kind));
        if (!r || m_cfg.source_of(key) != key_source::built_in) continue;
        std::string text;
        for (const auto& l : r->lines) text += (text.empty() ? "" : "\n") + l;
        try {
            m_cfg.set(key, text, key_source::inferred, "inferred from " + r->path);
        } catch (const config_error&) {
            // A header line the key cannot hold (e.g. one with a literal `\n`): keep the count only.
        }
    }
}

layer_data set_loader::decode_layer() {
    const auto& L = m_cfg.layer;
    const auto& F = m_cfg.format;
    layer_data d(L);
    const unsigned ti = tin();
    for (unsigned i = 0; i < m_in_tiles; ++i) {
        need_file(m_act->expand(i, 0, 0), in_tiles_why());
        const line_reader& r = read(m_act->expand(i, 0, 0), file_kind::activation, act_expect());
        for (unsigned nij = 0; nij < L.positions(); ++nij) {
            const auto f = r.fields(nij, L.act_bits);
            for (unsigned c = 0; c < ti; ++c) {
                const unsigned ic = i * ti + (F.lanes == lane_order::high_first ? ti - 1 - c : c);
                if (ic < L.in_channels)
                    d.act_at(ic, nij) = static_cast<std::uint8_t>(f[c]);
                else if (f[c] != 0)
                    padded_nonzero(r, nij, "activation", "input", ic, "layer.in_channels",
                                   L.in_channels, static_cast<std::int64_t>(f[c]), c);
            }
        }
        release(m_act->expand(i, 0, 0));
    }
    const unsigned to = tout();
    const unsigned lanes = ti / cpl();  // fields per weight line
    for (unsigned i = 0; i < m_in_tiles; ++i)
        for (unsigned o = 0; o < m_out_tiles; ++o)
            for (unsigned k = 0; k < kk(); ++k) {
                need_file(m_wgt->expand(i, o, k), tile_why(i, o, k));
                const line_reader& r = read(m_wgt->expand(i, o, k), file_kind::weight, weight_expect());
                const std::size_t base = m_wgt->has_k() ? 0 : std::size_t{k} * to * cpl();
                for (unsigned c = 0; c < to; ++c) {
                    const unsigned oc = o * to + c;
                    for (unsigned part = 0; part < cpl(); ++part) {
                        const auto f =
                            r.fields(base + std::size_t{c} * cpl() + part, L.weight_bits);
                        // 2-bit: the pair holds the even channels and the odd channels, in either
                        // order.
                        const bool odd =
                            cpl() == 2 &&
                            ((part == 1) == (F.weight_2bit_lines == weight_2bit_order::even_first));
                        for (unsigned j = 0; j < lanes; ++j) {
                            const unsigned lane =
                                F.lanes == lane_order::high_first ? lanes - 1 - j : j;
                            const unsigned ch = cpl() == 2 ? 2 * lane + (odd ? 1 : 0) : lane;
                            const unsigned ic = i * ti + ch;
                            const std::size_t line = base + std::size_t{c} * cpl() + part;
                            if (oc < L.out_channels && ic < L.in_channels)
                                d.weight_at(oc, ic, k) =
                                    static_cast<std::int8_t>(sign_extend(f[j], L.weight_bits));
                            else if (f[j] != 0 && ic >= L.in_channels)
                                padded_nonzero(r, line, "weight", "input", ic, "layer.in_channels",
                                               L.in_channels, sign_extend(f[j], L.weight_bits), j);
                            else if (f[j] != 0)
                                padded_nonzero(r, line, "weight", "output", oc,
                                               "layer.out_channels", L.out_channels,
                                               sign_extend(f[j], L.weight_bits), j);
                        }
                    }
                }
                // A file without {k} holds every kernel position: kept until the last.
                if (m_wgt->has_k() || k + 1 == kk()) release(m_wgt->expand(i, o, k));
            }
    return d;
}

expected_data set_loader::decode_expected() {
    expected_data e;
    if (!m_check) return e;
    const auto& L = m_cfg.layer;
    const bool high = m_cfg.format.output_lanes == lane_order::high_first;
    const unsigned to = tout();

    layer_output out;
    out.out_positions = L.out_positions();
    out.out_channels = L.out_channels;
    out.relu = m_cfg.format.output_relu;
    out.values.assign(std::size_t{out.out_positions} * out.out_channels, 0);
    const unsigned files = m_out->has_o() ? m_out_tiles : 1;
    for (unsigned o = 0; o < files; ++o) {
        need_file(m_out->expand(0, o, 0), out_tiles_why());
        const line_reader& r = read(m_out->expand(0, o, 0), file_kind::output, output_expect(m_out->has_o()));
        const unsigned ch = m_out->has_o() ? to : L.out_channels;
        const unsigned first = m_out->has_o() ? o * to : 0;
        e.output_file_channels = ch;
        e.output_files.push_back(r.path());
        e.output_lines.emplace_back();
        std::vector<std::uint64_t> unknown;
        for (unsigned onij = 0; onij < out.out_positions; ++onij) {
            const auto f = r.fields(onij, L.psum_bits, unknown);
            e.output_lines.back().push_back(static_cast<std::uint32_t>(r.lines()[onij].number));
            for (unsigned j = 0; j < ch; ++j) {
                const unsigned oc = first + (high ? ch - 1 - j : j);
                if (oc < L.out_channels) {
                    out.at(onij, oc) = sign_extend(f[j], L.psum_bits);
                    if (unknown[j]) e.output_unknown[std::size_t{onij} * L.out_channels + oc] = unknown[j];
                } else if (f[j] != 0 || unknown[j] != 0) {
                    throw_format_error(
                        r.path(), r.lines()[onij].number,
                        fmt::format("padded output channel {} (layer.out_channels = {}) must be 0, "
                                    "got {} in field {}",
                                    oc, L.out_channels, sign_extend(f[j], L.psum_bits), j + 1));
                }
            }
        }
        e.output_desc += (e.output_desc.empty() ? "" : ", ") + r.path();
        release(m_out->expand(0, o, 0));
    }
    // A ReLU'd file never holds a negative value; one that does holds pre-ReLU sums.
    if (!given("format.output_relu") && m_cfg.format.output_relu &&
        std::any_of(out.values.begin(), out.values.end(), [](std::int64_t v) { return v < 0; })) {
        m_cfg.set("format.output_relu", "false", key_source::inferred,
                  "inferred from negative values in " + e.output_desc);
        out.relu = false;
    }
    e.output = std::move(out);

    if (m_psum) {
        for (unsigned i = 0; i < m_in_tiles; ++i)
            for (unsigned o = 0; o < m_out_tiles; ++o)
                for (unsigned k = 0; k < kk(); ++k) {
                    need_file(m_psum->expand(i, o, k), tile_why(i, o, k));
                    const line_reader& r =
                        read(m_psum->expand(i, o, k), file_kind::psum, psum_expect(m_psum->has_k()));
                    const std::size_t base = m_psum->has_k() ? 0 : std::size_t{k} * L.positions();
                    expected_data::psum_block b;
                    b.itile = i;
                    b.otile = o;
                    b.kij = k;
                    b.file = r.path();
                    b.values.assign(std::size_t{L.positions()} * to, 0);
                    for (unsigned nij = 0; nij < L.positions(); ++nij) {
                        const auto f = r.fields(base + nij, L.psum_bits);
                        b.lines.push_back(r.lines()[base + nij].number);
                        for (unsigned j = 0; j < to; ++j) {
                            const unsigned c = high ? to - 1 - j : j;
                            const std::int64_t v = sign_extend(f[j], L.psum_bits);
                            // Padded output channels have all-zero weights, so their psums are
                            // 0 (padded input channels add 0 x 0 to every psum).
                            if (v != 0 && o * to + c >= L.out_channels)
                                padded_nonzero(r, base + nij, "psum", "output", o * to + c,
                                               "layer.out_channels", L.out_channels, v, j);
                            b.values[std::size_t{nij} * to + c] = v;
                        }
                    }
                    e.psums.push_back(std::move(b));
                    if (m_psum->has_k() || k + 1 == kk()) release(m_psum->expand(i, o, k));
                }
    }

    if (!m_cfg.files.acc.empty()) decode_acc(e);
    return e;
}

}  // namespace

namespace {

/// File names seen in real sets (docs/vector-format.md). A file key left at its default whose
/// default file is absent takes the first of these that exists (recorded as inferred).
struct name_candidates {
    const char* key;
    std::vector<const char*> patterns;
};
const std::vector<name_candidates>& known_names() {
    static const std::vector<name_candidates> names = {
        {"files.activation",
         {"activation_tile{i}.txt", "activation.txt", "tile{i}_activation.txt"}},
        {"files.weight",
         {"weight_itile{i}_otile{o}_kij{k}.txt", "weight_kij{k}.txt", "weight{k}.txt",
          "weight_{k}.txt", "weight_k{k}.txt", "tile{i}_weight{k}.txt",
          "weight_octile{o}_kij{k}.txt", "Tile{o}/weight_{k}.txt", "weight.txt"}},
        {"files.output", {"out.txt", "output.txt", "Tile{o}/out.txt", "out_octile{o}.txt"}},
    };
    return names;
}

void detect_file_names(accel_config& cfg, const fs::path& data, bool check) {
    for (const auto& [key, patterns] : known_names()) {
        if (cfg.source_of(key) != key_source::built_in) continue;
        if (!check && std::string_view(key) == "files.output") continue;
        for (const char* pattern : patterns) {
            std::string first = pattern;
            for (const char* field : {"{i}", "{o}", "{k}"})
                for (auto at = first.find(field); at != std::string::npos; at = first.find(field))
                    first.replace(at, 3, "0");
            std::error_code ec;
            if (!fs::exists(data / first, ec)) continue;
            if (cfg.get(key) != pattern)
                cfg.set(key, pattern, key_source::inferred, "inferred from the file names");
            break;
        }
    }
}

}  // namespace

vector_set load_vector_set(const std::string& path, accel_config cfg,
                           const std::vector<std::pair<std::string, std::string>>& overrides,
                           bool check) {
    std::error_code ec;
    const fs::path p(path);
    const auto st = fs::status(p, ec);
    if (ec || !fs::exists(st))
        throw input_error(fmt::format("{}: no such vector-set folder or manifest file", path));
    fs::path base;
    std::string manifest;
    if (fs::is_directory(st)) {
        base = p;
        if (fs::exists(p / "vectorset.toml", ec)) manifest = (p / "vectorset.toml").string();
    } else {
        if (p.extension() != ".toml")
            throw input_error(
                fmt::format("{}: expected a vector-set folder or a *.toml manifest", path));
        base = p.parent_path().empty() ? fs::path(".") : p.parent_path();
        manifest = path;
    }
    if (!manifest.empty()) load_manifest_file(cfg, manifest);
    for (const auto& [key, value] : overrides)
        cfg.set(key, value, key_source::command_line, "--set");
    // The architecture's capacities alone, before any vector file is read.
    check_memory_budget(cfg, false);
    const fs::path data = fs::path(cfg.dir).is_absolute() ? fs::path(cfg.dir) : base / cfg.dir;
    fs::path normal = data.lexically_normal();
    if (!normal.has_filename() && normal.has_parent_path() && normal != normal.root_path())
        normal = normal.parent_path();
    const std::string data_dir = normal.string();
    if (!fs::is_directory(data, ec)) {
        const bool there = fs::exists(data, ec);
        throw config_error(fmt::format("{}: key `dir`: data folder \"{}\" {}",
                                       manifest.empty() ? std::string("--set") : manifest, data_dir,
                                       there ? "is not a folder" : "does not exist"));
    }

    detect_file_names(cfg, data, check);
    set_loader loader(cfg, data_dir, check);
    loader.infer_keys();
    // Everything the run will hold, with the layer's keys final and before its tensors exist.
    check_memory_budget(cfg, true);
    layer_data layer = loader.decode_layer();
    expected_data expected = loader.decode_expected();
    loader.infer_headers();
    std::vector<std::string> files;
    if (!manifest.empty()) files.push_back(manifest);
    files.insert(files.end(), loader.files_read().begin(), loader.files_read().end());
    for (auto& f : loader.unread_expected_files()) files.push_back(std::move(f));
    return vector_set{std::move(cfg), data_dir, std::move(layer), std::move(expected), manifest,
                      std::move(files)};
}

}  // namespace satlm
