#pragma once
/// The configuration tree: every key of the vector-set manifest (layer, tiles, files, format)
/// and of the architecture (array, clock, SRAMs, FIFOs, SFU, off-chip link, schedule, model),
/// each settable by its dotted name. Defaults are the canonical format and the RTL's sizes.

#include <cstdint>
#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace satlm {

enum class lane_order { high_first, low_first };
enum class weight_2bit_order { even_first, odd_first };
enum class schedule_kind { reference, overlapped, scalesim };
enum class fidelity { cycle, lt };
/// Which SystemC top `satlm run` elaborates in the cycle fidelity (model.top): the stepped top
/// (one thread steps the composed core) or the structural top (one module and process per block).
enum class top_kind { stepped, structural };
/// Header lines `satlm gen` writes where the manifest gives no text: short lines (at most 29
/// characters, no spaces) or the instructor notebook's canonical lines.
enum class header_style { short_lines, canonical };
/// The kinds of vector file; each may have its own header text (format.header.<kind>).
enum class file_kind { activation, weight, output, psum, acc };
constexpr std::array<file_kind, 5> all_file_kinds = {file_kind::activation, file_kind::weight,
                                                     file_kind::output, file_kind::psum,
                                                     file_kind::acc};
/// "activation", "weight", "output", "psum" or "acc" (the [files] key of the kind).
const char* to_string(file_kind k);
/// The dataflow behind the seam (dataflow/dataflow.h); output- and input-stationary will join.
enum class dataflow_kind { ws };

/// [layer]: the convolution being run (all tiles together).
struct layer_keys {
    unsigned in_channels = 8;    ///< input channels of the whole layer
    unsigned out_channels = 8;   ///< output channels of the whole layer
    unsigned padded_height = 6;  ///< padded input rows (activation lines = height x width)
    unsigned padded_width = 6;   ///< padded input columns
    unsigned kernel_h = 3;       ///< filter rows (any size up to the map)
    unsigned kernel_w = 3;       ///< filter columns
    unsigned stride = 1;         ///< the same in both dimensions
    unsigned act_bits = 4;       ///< 4, or 2 (two activations per 4-bit lane)
    unsigned weight_bits = 4;    ///< two's-complement weight width
    unsigned psum_bits = 16;     ///< psum/accumulator width, wrap-around

    /// floor((H_padded - F) / stride) + 1 per dimension (0 when the filter exceeds the map).
    unsigned out_height() const { return out_size(padded_height, kernel_h); }
    unsigned out_width() const { return out_size(padded_width, kernel_w); }
    unsigned positions() const { return padded_height * padded_width; }     ///< N (nij)
    unsigned out_positions() const { return out_height() * out_width(); }   ///< O (onij)
    /// kh x kw (kij = ki x kernel_w + kj, row-major over the filter).
    unsigned kernel_positions() const { return kernel_h * kernel_w; }
    bool square_kernel() const { return kernel_h == kernel_w; }
    /// Input channels one 4-bit array lane carries: 1 (4-bit) or 2 (2-bit).
    unsigned channels_per_lane() const { return act_bits == 2 ? 2 : 1; }
    /// Useful MACs: out_ch x in_ch x k^2 x output pixels.
    std::uint64_t macs() const {
        return std::uint64_t{out_channels} * in_channels * kernel_positions() * out_positions();
    }

private:
    unsigned out_size(unsigned padded, unsigned filter) const {
        return padded >= filter && stride ? (padded - filter) / stride + 1 : 0;
    }
};

/// [tiles]: how the vector files split the channels.
struct tile_keys {
    unsigned in_channels = 0;   ///< channels per activation line; 0 = 32 / act_bits
    unsigned out_channels = 8;  ///< output channels per weight file and per output file
};

/// [files]: file-name patterns; {i} input tile, {o} output tile, {k} kernel index.
struct file_keys {
    std::string activation = "activation_tile{i}.txt";
    std::string weight = "weight_itile{i}_otile{o}_kij{k}.txt";
    std::string output = "out.txt";  ///< with {o}: one file per output tile
    std::string psum;                ///< optional: checked when named
    std::string acc;                 ///< optional: acc addresses, checked when named
};

/// [format]: field order and header conventions of the files.
struct format_keys {
    int header_lines = -1;                          ///< -1 = "auto": non-binary lines before data
    lane_order lanes = lane_order::high_first;      ///< activation/weight lines
    lane_order output_lanes = lane_order::high_first;  ///< out/psum lines
    weight_2bit_order weight_2bit_lines = weight_2bit_order::even_first;
    bool output_relu = true;                        ///< false: output files hold pre-ReLU sums
    /// format.header.<kind>: the exact header lines of every file of that kind (none when
    /// empty); unset: header_lines applies (and the writer uses `headers`).
    std::array<std::optional<std::vector<std::string>>, all_file_kinds.size()> header_text;
    header_style headers = header_style::short_lines;  ///< format.header_style (writer only)
    unsigned acc_per_line = 0;                      ///< acc addresses per line: 1 or k^2; 0 = auto

    const std::optional<std::vector<std::string>>& header_of(file_kind k) const {
        return header_text[static_cast<std::size_t>(k)];
    }
    /// Header lines the reader skips in a file of kind `k`: the count of its header text when
    /// given, else header_lines (-1 = auto).
    int header_lines_of(file_kind k) const {
        const auto& t = header_of(k);
        return t ? static_cast<int>(t->size()) : header_lines;
    }
};

/// One SRAM macro (xmem or pmem).
struct sram_keys {
    unsigned words = 2048;       ///< depth in words
    unsigned width_bits = 0;     ///< 0: derived (xmem 4 x rows, pmem psum_bits x cols)
    unsigned weight_base = 0;    ///< xmem only: first weight word; 0 = words / 2
    unsigned psum_base = 0;      ///< pmem only: word of the first psum (psum(kij, nij) at base + kij x N + nij)
    unsigned read_latency = 1;   ///< cycles from read address to data
    unsigned banks = 1;          ///< pmem only (pmem.banks): a power of two; word a is in bank a % banks
    unsigned ports = 1;          ///< pmem only (pmem.ports): accesses each bank takes per cycle
    std::string model = "sram";  ///< <mem>.model: the memory model the structural top binds (sram/memory_model.h)
    unsigned bank_cycles = 1;    ///< <mem>.bank_cycles: cycles a bank of the "banked" model stays busy per access
    /// Whether two accesses in one cycle, to words a and b, fit the banks and ports.
    bool two_fit(unsigned a, unsigned b) const { return ports >= 2 || (banks > 1 && a % banks != b % banks); }
};

/// Architecture (docs/cli.md section 4); defaults are the measured RTL's.
struct arch_keys {
    unsigned rows = 8;                 ///< array.rows: PE rows (1 or 2 input channels each)
    unsigned cols = 8;                 ///< array.cols: PE columns = output channels per pass
    double clock_period_ns = 1.0;      ///< clock.period_ns
    sram_keys xmem;                    ///< activation + weight SRAM
    sram_keys pmem;                    ///< psum SRAM
    unsigned l0_depth = 64;            ///< l0.depth: entries per L0 row FIFO
    unsigned ofifo_depth = 64;         ///< ofifo.depth: entries per OFIFO column
    unsigned sfu_latency = 1;          ///< sfu.latency: cycles of the ReLU/output step
    unsigned offchip_bytes_per_cycle = 4;  ///< offchip.bytes_per_cycle: SRAM fill bandwidth
    unsigned offchip_latency = 0;      ///< offchip.latency: cycles before each burst's first word
    unsigned offchip_burst_bytes = 0;  ///< offchip.burst_bytes: bytes per burst (0: a whole transfer)
    schedule_kind schedule = schedule_kind::reference;  ///< schedule.kind
    fidelity model = fidelity::cycle;                   ///< model.fidelity
    top_kind top = top_kind::structural;                ///< model.top (satlm run, cycle fidelity)
    dataflow_kind dataflow = dataflow_kind::ws;          ///< dataflow.kind

    unsigned xmem_width() const { return xmem.width_bits ? xmem.width_bits : 4 * rows; }
    unsigned xmem_weight_base() const { return xmem.weight_base ? xmem.weight_base : xmem.words / 2; }
    unsigned pmem_width(unsigned psum_bits) const {
        return pmem.width_bits ? pmem.width_bits : psum_bits * cols;
    }
};

/// Resource budgets (docs/safety.md): checked before anything is allocated or written.
struct limits_keys {
    unsigned memory_mb = 1024;  ///< limits.memory_mb: the model's memory need, all capacities in full
    unsigned gen_files = 100000;  ///< limits.gen_files: files `satlm gen` may write
    unsigned gen_mb = 1024;     ///< limits.gen_mb: megabytes `satlm gen` may write
};

/// Where a key's value came from (lowest to highest precedence).
enum class key_source { built_in, inferred, config_file, manifest, command_line };
const char* to_string(key_source s);

/// Which file may set a key: the manifest holds layer/tiles/files/format (+dir), the
/// architecture file holds the rest.
enum class key_section { manifest, architecture };

/// The whole configuration of one run. A pure value: one run is a function of it (and its seed).
struct accel_config {
    std::string dir = ".";  ///< manifest `dir`: data folder, relative to the manifest
    layer_keys layer;
    tile_keys tiles;
    file_keys files;
    format_keys format;
    arch_keys arch;
    limits_keys limits;

    /// Source of each key that was set by anything but the built-in default.
    std::map<std::string, key_source> sources;

    /// tiles.in_channels with its default applied (32 / act_bits).
    unsigned tile_in_channels() const { return tiles.in_channels ? tiles.in_channels : 32 / layer.act_bits; }

    /// Sets a key from its text form (as in `--set key=value`); throws config_error naming the
    /// key on an unknown key or a value of the wrong type/range. `origin` prefixes messages.
    void set(std::string_view dotted_key, std::string_view value, key_source src,
             const std::string& origin = "--set");
    /// The value of a key in text form (as in the report); throws config_error on an unknown key.
    std::string get(std::string_view dotted_key) const;
    /// Whether `key` was given by something above `src` in precedence (or equal).
    bool given_at_or_above(std::string_view key, key_source src) const;
    key_source source_of(std::string_view key) const;

    /// The same configuration with every derived default made explicit (xmem and pmem widths,
    /// the weight base, tiles.in_channels): the values a run actually uses.
    accel_config resolved() const;

    /// Every problem in the configuration, one line each; empty when valid.
    std::vector<std::string> problems() const;
    /// Throws config_error with all problems (one per line) if any.
    void validate() const;
    /// Multi-line "key = value  (source)" dump of every key.
    std::string describe() const;
};

/// The type a key's value has in a TOML file.
enum class value_kind { whole, number, boolean, text, choice, auto_or_whole, whole_or_text, lines };

/// Static description of one key (for --help, describe(), the report and sweeps).
struct key_info {
    std::string name;     ///< dotted name, e.g. "array.rows"
    key_section section;  ///< which file may hold it
    std::string doc;      ///< one-line meaning
    value_kind kind = value_kind::text;  ///< TOML type
    std::string range;    ///< allowed values, e.g. "1..1024" or "\"cycle\" | \"lt\""
};
/// Every key, in documentation order.
const std::vector<key_info>& all_keys();
const key_info* find_key(std::string_view dotted_key);
/// Known keys nearest to a mistyped one (edit distance, at most three), for "did you mean".
std::vector<std::string> nearest_keys(std::string_view unknown);
/// " (did you mean `a` or `b`?)" for an unknown key, or "" when nothing is near.
std::string did_you_mean(std::string_view unknown);

/// Loads an architecture file (--config): only architecture keys allowed. Throws config_error
/// "FILE: key `x`: ..." for unknown/misplaced keys, bad values, or TOML syntax errors.
void load_architecture_file(accel_config& cfg, const std::string& path);
/// Loads a manifest (vectorset.toml format): only dir/layer/tiles/files/format allowed.
/// Does not resolve `dir` (the caller does, relative to the manifest's folder).
void load_manifest_file(accel_config& cfg, const std::string& path);

}  // namespace satlm
