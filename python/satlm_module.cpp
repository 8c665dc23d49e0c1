// The `satlm` Python module (docs/python.md): layers from NumPy tensors, vector sets, whole
// networks and sweeps on the reentrant engine, and vector sets written from tensors in any
// layout, with results as NumPy arrays and plain records. Nothing runs the SystemC kernel, so a
// process can call it any number of times and from several threads; the GIL is released while
// a call works. Errors raise ValueError with the command line's one-line messages (bad input,
// configuration, shapes) or RuntimeError (a broken invariant of the model, never expected).

#include "engine/engine.h"
#include "gen/generator.h"
#include "net/net_report.h"
#include "net/network_run.h"
#include "sweep/sweep_run.h"
#include "testbench/checker.h"
#include "testbench/golden.h"
#include "testbench/run_report.h"
#include "tlm/report.h"
#include "tlm/safe_file.h"
#include "vectors/vector_set.h"
#include "vectors/vector_writer.h"

#include <systemc>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

namespace py = pybind11;

// libsystemc.so refers to sc_main (its own main() calls it); the module never elaborates, so
// this one is never called. It exists (visible to the loader) so the library can load.
__attribute__((visibility("default"))) int sc_main(int, char*[]) { return 3; }

namespace {

using satlm::accel_config;

/// A Python value as the text a --set would give.
std::string key_text(const py::handle& v) {
    if (py::isinstance<py::bool_>(v)) return v.cast<bool>() ? "true" : "false";
    if (py::isinstance<py::int_>(v) || py::isinstance<py::float_>(v) || py::isinstance<py::str>(v))
        return py::str(v).cast<std::string>();
    throw py::value_error("expected a number, a string or a bool, got " + py::repr(v).cast<std::string>());
}

/// A path argument: str, bytes or os.PathLike (pathlib.Path), else a ValueError naming it.
std::string path_text(const py::handle& v, const char* name) {
    if (py::isinstance<py::str>(v)) return v.cast<std::string>();
    try {
        return py::module_::import("os").attr("fsdecode")(v).cast<std::string>();
    } catch (const py::error_already_set&) {
        throw py::value_error(fmt::format("{}: expected a path (str or os.PathLike), got {}", name,
                                          py::repr(v).cast<std::string>()));
    }
}

/// The layer keys an architecture carries: the bit widths of the datapath.
bool is_width_key(const std::string& key) {
    return key == "layer.act_bits" || key == "layer.weight_bits" || key == "layer.psum_bits";
}

/// Arch: the architecture keys (docs/cli.md section 4) and layer bit widths, by dotted name.
struct arch {
    accel_config cfg;

    void set(const std::string& key, const py::handle& value) {
        const auto* info = satlm::find_key(key);
        if (info && info->section == satlm::key_section::manifest && !is_width_key(key))
            throw satlm::config_error("key `" + key + "`: a vector-set key, not an architecture key (the "
                                      "layer's shape comes from the tensors or the network)");
        cfg.set(key, key_text(value), satlm::key_source::command_line, "Arch");
    }
    py::dict keys() const {
        py::dict d;
        const accel_config used = cfg.resolved();
        for (const auto& k : satlm::all_keys())
            if (k.section == satlm::key_section::architecture || is_width_key(k.name))
                d[py::str(k.name)] = py::module_::import("json").attr("loads")(
                    satlm::typed_value(k.name, used.get(k.name)).dump());
        return d;
    }
};

arch make_arch(const py::dict& keys) {
    arch a;
    for (const auto& [k, v] : keys) a.set(py::str(k).cast<std::string>(), v);
    a.cfg.validate();
    return a;
}

py::object json_to_python(const nlohmann::json& j) { return py::module_::import("json").attr("loads")(j.dump()); }

/// Result of one layer: outputs as NumPy arrays [K, OH, OW], statistics as a nested dict.
struct result {
    py::array_t<std::int64_t> output, pre_relu;
    py::dict stats;
    std::uint64_t cycles = 0;
    py::object mismatches = py::none();  ///< run_set with check: the mismatch count
    py::object report = py::none();      ///< run_set: the JSON report of `satlm run`
};

py::array_t<std::int64_t> to_kohw(const satlm::layer_output& o, unsigned oh, unsigned ow) {
    py::array_t<std::int64_t> a({std::size_t{o.out_channels}, std::size_t{oh}, std::size_t{ow}});
    // [onij][oc] -> [oc][oy][ox]: written in order, read with a stride.
    std::int64_t* out = a.mutable_data();
    const std::size_t positions = std::size_t{oh} * ow;
    for (unsigned c = 0; c < o.out_channels; ++c)
        for (std::size_t p = 0; p < positions; ++p) *out++ = o.values[p * o.out_channels + c];
    return a;
}

result make_result(const accel_config& cfg, const satlm::run_result& r) {
    result out;
    const auto& L = cfg.layer;
    out.output = to_kohw(r.output, L.out_height(), L.out_width());
    out.pre_relu = r.sums.values.empty() ? py::array_t<std::int64_t>() : to_kohw(r.sums, L.out_height(), L.out_width());
    satlm::net_layer_result l;
    l.layer = satlm::layer_record("layer", L);
    l.config = cfg;
    l.stats = r.stats;
    l.plan = r.plan;
    l.outputs = std::uint64_t{L.out_positions()} * L.out_channels;
    out.stats = json_to_python(satlm::layer_json(l));
    out.cycles = r.stats.cycles.total();
    return out;
}

/// An integer NumPy array as the module reads it: C-contiguous in its own dtype (no widening
/// copy: an int8 tensor is read as int8), native byte order. `keep` holds the data alive.
struct int_array {
    py::array keep;
    const void* data = nullptr;
    bool is_signed = true;
    std::size_t itemsize = 8;
    std::vector<std::size_t> shape;
    std::size_t size() const {
        std::size_t n = 1;
        for (auto d : shape) n *= d;
        return n;
    }
};

/// Integer tensor of the given rank, with a ValueError naming the argument otherwise.
int_array int_tensor(const py::object& obj, const char* name, int rank) {
    py::array a = py::array::ensure(obj);
    if (!a) throw py::value_error(std::string(name) + ": expected a NumPy array");
    const char kind = a.dtype().kind();
    if (kind != 'i' && kind != 'u' && kind != 'b')
        throw py::value_error(std::string(name) + ": expected an integer array, got dtype " +
                              py::str(a.dtype()).cast<std::string>());
    if (a.ndim() != rank)
        throw py::value_error(fmt::format("{}: expected {} (rank {}), got shape {}", name,
                                          rank == 3 ? "an activation tensor [C, H, W]" : "a weight tensor [K, C, kh, kw]",
                                          rank, py::str(a.attr("shape")).cast<std::string>()));
    if (!a.dtype().attr("isnative").cast<bool>()) a = a.attr("astype")(a.dtype().attr("newbyteorder")("="));
    a = py::array::ensure(a, py::array::c_style);  // copies only an array that is not C-contiguous
    if (!a) throw py::value_error(std::string(name) + ": cannot be read as a C-contiguous array");
    int_array t;
    t.keep = a;
    t.data = a.data();
    t.is_signed = kind == 'i';
    t.itemsize = static_cast<std::size_t>(a.itemsize());
    for (py::ssize_t d = 0; d < a.ndim(); ++d) t.shape.push_back(static_cast<std::size_t>(a.shape(d)));
    return t;
}

/// Calls f(const T*) with the array's element type.
template <typename F>
void visit_elements(const int_array& a, F&& f) {
    switch (a.itemsize) {
        case 1: return a.is_signed ? f(static_cast<const std::int8_t*>(a.data)) : f(static_cast<const std::uint8_t*>(a.data));
        case 2: return a.is_signed ? f(static_cast<const std::int16_t*>(a.data)) : f(static_cast<const std::uint16_t*>(a.data));
        case 4: return a.is_signed ? f(static_cast<const std::int32_t*>(a.data)) : f(static_cast<const std::uint32_t*>(a.data));
        case 8: return a.is_signed ? f(static_cast<const std::int64_t*>(a.data)) : f(static_cast<const std::uint64_t*>(a.data));
        default: throw satlm::input_error(fmt::format("expected 1, 2, 4 or 8-byte integers, got {} bytes", a.itemsize));
    }
}

/// v outside lo..hi (lo <= 0 <= hi).
template <typename T>
bool outside(T v, std::int64_t lo, std::int64_t hi) {
    if constexpr (std::is_signed_v<T>) return std::int64_t{v} < lo || std::int64_t{v} > hi;
    else return std::uint64_t{v} > static_cast<std::uint64_t>(hi);
}

/// Narrows n values into dst; false when any lies outside lo..hi, which is 0..2^b-1 or
/// -2^(b-1)..2^(b-1)-1. One pass of adds, ands and ors that the compiler vectorizes (the weights
/// of a big layer are most of what the module copies): v is inside iff v - lo has no bit above
/// hi - lo (for an unsigned type, iff v has no bit above hi).
template <typename T, typename D>
bool copy_in_range(const T* __restrict src, std::size_t n, std::int64_t lo, std::int64_t hi, D* __restrict dst) {
    using U = std::make_unsigned_t<T>;
    const U off = std::is_signed_v<T> ? static_cast<U>(-lo) : U{0};
    const U mask = static_cast<U>(~static_cast<U>(std::is_signed_v<T> ? hi - lo : hi));
    U bad = 0;
    for (std::size_t i = 0; i < n; ++i) {
        bad |= static_cast<U>(static_cast<U>(static_cast<U>(src[i]) + off) & mask);
        dst[i] = static_cast<D>(src[i]);
    }
    return bad == 0;
}

/// The ValueError for the first element of `a` outside lo..hi, worded as `satlm gen --from-npy`
/// words it: "act: element [0, 1, 2] = 16 is out of range: expected 4-bit unsigned activations 0..15".
[[noreturn]] void out_of_range(const int_array& a, const char* name, std::int64_t lo, std::int64_t hi,
                               const std::string& what) {
    visit_elements(a, [&](const auto* v) {
        const std::size_t n = a.size();
        std::size_t i = 0;
        while (i < n && !outside(v[i], lo, hi)) ++i;
        std::string index;
        for (std::size_t d = a.shape.size(), rest = i; d-- > 0; rest /= a.shape[d])
            index = std::to_string(rest % a.shape[d]) + (index.empty() ? "" : ", ") + index;
        throw satlm::input_error(fmt::format("{}: element [{}] = {} is out of range: expected {} {}..{}", name, index,
                                             i < n ? +v[i] : 0, what, lo, hi));
    });
    throw satlm::input_error(std::string(name) + ": a value out of range");
}

/// A whole-number argument within lo..hi, else a ValueError naming it.
unsigned whole_arg(const py::handle& v, const char* name, long long lo, long long hi) {
    if (!py::isinstance<py::int_>(v) || py::isinstance<py::bool_>(v))
        throw py::value_error(fmt::format("{}: expected a whole number {}..{}, got {}", name, lo, hi,
                                          py::repr(v).cast<std::string>()));
    const auto big = py::reinterpret_borrow<py::int_>(v);
    if (big < py::int_(lo) || big > py::int_(hi))
        throw py::value_error(fmt::format("{}: expected {}..{}, got {}", name, lo, hi, py::str(v).cast<std::string>()));
    return static_cast<unsigned>(big.cast<long long>());
}

/// A layer's two tensors, checked for rank and matching channels (with the GIL held).
struct layer_tensors {
    int_array act, weight;
    unsigned C = 0, H = 0, W = 0, K = 0, R = 0, S = 0;
};

layer_tensors read_tensors(const py::object& act_obj, const py::object& weight_obj) {
    layer_tensors t{int_tensor(act_obj, "act", 3), int_tensor(weight_obj, "weight", 4)};
    for (const auto* a : {&t.act, &t.weight}) {
        const char* name = a == &t.act ? "act" : "weight";
        const std::string shape = py::str(a->keep.attr("shape")).cast<std::string>();
        for (auto d : a->shape) {
            if (d == 0) throw py::value_error(fmt::format("{}: the tensor is empty (shape {})", name, shape));
            if (d > 16777216)  // the largest layer key
                throw py::value_error(fmt::format("{}: expected dimensions of at most 16777216, got shape {}", name, shape));
        }
    }
    t.C = static_cast<unsigned>(t.act.shape[0]);
    t.H = static_cast<unsigned>(t.act.shape[1]);
    t.W = static_cast<unsigned>(t.act.shape[2]);
    t.K = static_cast<unsigned>(t.weight.shape[0]);
    t.R = static_cast<unsigned>(t.weight.shape[2]);
    t.S = static_cast<unsigned>(t.weight.shape[3]);
    if (t.weight.shape[1] != t.C)
        throw py::value_error(fmt::format("weight: expected {} input channels (dimension 1) to match act, got shape {}",
                                          t.C, py::str(t.weight.keep.attr("shape")).cast<std::string>()));
    return t;
}

/// Sets cfg's layer keys for the tensors (one line naming the argument when they cannot form a
/// layer) and validates cfg.
void set_layer_keys(const layer_tensors& t, unsigned stride, unsigned pad, unsigned act_bits, unsigned weight_bits,
                    accel_config& cfg) {
    if (t.H + 2 * pad < t.R || t.W + 2 * pad < t.S)
        throw satlm::input_error(fmt::format("weight: a {}x{} filter does not fit the padded {}x{} map (act {}x{}, pad {})",
                                             t.R, t.S, t.H + 2 * pad, t.W + 2 * pad, t.H, t.W, pad));
    auto set = [&cfg](const char* key, unsigned v) {
        cfg.set(key, std::to_string(v), satlm::key_source::command_line, "satlm");
    };
    set("layer.in_channels", t.C);
    set("layer.out_channels", t.K);
    set("layer.padded_height", t.H + 2 * pad);
    set("layer.padded_width", t.W + 2 * pad);
    set("layer.kernel_h", t.R);
    set("layer.kernel_w", t.S);
    set("layer.stride", stride);
    set("layer.act_bits", act_bits);
    set("layer.weight_bits", weight_bits);
    cfg.validate();
}

/// The layer's data from the tensors: activations inside a zero ring of `pad`, weights as they
/// are ([K][C][R*S] is the C order of [K, C, R, S]); a ValueError naming the first element out
/// of range. Needs no GIL (the caller holds the arrays).
satlm::layer_data layer_data_of(const layer_tensors& t, const satlm::layer_keys& shape, unsigned pad) {
    satlm::layer_data d(shape);
    const std::int64_t amax = (std::int64_t{1} << shape.act_bits) - 1;
    const std::int64_t wlo = -(std::int64_t{1} << (shape.weight_bits - 1)), whi = -wlo - 1;
    bool ok = true;
    const std::size_t PW = t.W + 2 * pad, plane = std::size_t{shape.padded_height} * PW;
    visit_elements(t.act, [&](const auto* a) {
        for (std::size_t c = 0; c < t.C; ++c)
            for (std::size_t y = 0; y < t.H; ++y)
                ok &= copy_in_range(a + (c * t.H + y) * t.W, t.W, 0, amax, d.act.data() + c * plane + (y + pad) * PW + pad);
    });
    if (!ok) out_of_range(t.act, "act", 0, amax, fmt::format("{}-bit unsigned activations", shape.act_bits));
    visit_elements(t.weight, [&](const auto* w) { ok = copy_in_range(w, d.weight.size(), wlo, whi, d.weight.data()); });
    if (!ok) out_of_range(t.weight, "weight", wlo, whi, fmt::format("{}-bit signed weights", shape.weight_bits));
    return d;
}

/// The arch argument: None (the defaults), an Arch, or a dict of dotted keys (as Arch(dict)).
accel_config config_of(const py::object& arch_obj) {
    if (arch_obj.is_none()) return accel_config{};
    if (py::isinstance<arch>(arch_obj)) return arch_obj.cast<const arch&>().cfg;
    if (py::isinstance<py::dict>(arch_obj)) return make_arch(arch_obj.cast<py::dict>()).cfg;
    throw py::value_error("arch: expected a satlm.Arch or a dict of dotted keys, got " +
                          py::repr(arch_obj).cast<std::string>());
}

result run_layer(const py::object& act, const py::object& weight, const py::object& arch_obj, const py::object& stride_obj,
                 const py::object& pad_obj, const py::object& act_bits_obj, const py::object& weight_bits_obj,
                 const std::string& fidelity) {
    accel_config cfg = config_of(arch_obj);
    cfg.set("model.fidelity", fidelity, satlm::key_source::command_line, "run_layer");
    const unsigned stride = whole_arg(stride_obj, "stride", 1, 16777216), pad = whole_arg(pad_obj, "pad", 0, 64);
    const unsigned act_bits = whole_arg(act_bits_obj, "act_bits", 2, 4);
    const unsigned weight_bits = whole_arg(weight_bits_obj, "weight_bits", 2, 4);
    const layer_tensors t = read_tensors(act, weight);
    set_layer_keys(t, stride, pad, act_bits, weight_bits, cfg);
    satlm::run_result r;
    {
        py::gil_scoped_release nogil;  // the copy in and the engine
        r = satlm::run_layer(cfg, layer_data_of(t, cfg.layer, pad));
    }
    return make_result(cfg, r);
}

/// A value of an optional whole-number argument: None leaves the layout's (or the default).
void optional_whole(const py::object& v, const char* name, long long lo, long long hi, unsigned& field,
                    const char* option, satlm::gen_options& o) {
    if (v.is_none()) return;
    field = whole_arg(v, name, lo, hi);
    o.given.insert(option);
}

/// satlm.gen: the layer's vector set from the tensors, in the canonical layout or the one a
/// manifest (--layout), an existing set (--like) and keys (--set) give, as `satlm gen` writes
/// it. Returns the data files written, relative to `out`.
std::vector<std::string> gen(const py::object& out_obj, const py::object& act, const py::object& weight,
                             const py::object& layout, const py::object& like, const py::object& keys,
                             const py::object& stride, const py::object& pad, const py::object& act_bits,
                             const py::object& weight_bits, const py::object& tile_in, const py::object& tile_out,
                             bool psums, bool force) {
    namespace fs = std::filesystem;
    satlm::gen_options o;
    o.out_dir = path_text(out_obj, "out");
    o.force = force;
    o.no_psums = !psums;
    if (py::isinstance<py::dict>(layout)) {
        for (const auto& [k, v] : layout.cast<py::dict>())
            o.sets.push_back(py::str(k).cast<std::string>() + "=" + key_text(v));
    } else if (!layout.is_none()) {
        const std::string path = path_text(layout, "layout");
        std::error_code ec;
        (fs::is_directory(path, ec) ? o.like : o.layout_file) = path;
    }
    if (!like.is_none()) {
        if (!o.like.empty() || !o.layout_file.empty())
            throw py::value_error("layout and like: expected one layout, got both");
        o.like = path_text(like, "like");
    }
    if (!keys.is_none() && !py::isinstance<py::dict>(keys))
        throw py::value_error("keys: expected a dict of dotted keys, got " + py::repr(keys).cast<std::string>());
    if (!keys.is_none())
        for (const auto& [k, v] : keys.cast<py::dict>()) o.sets.push_back(py::str(k).cast<std::string>() + "=" + key_text(v));

    const layer_tensors t = read_tensors(act, weight);
    o.pad = whole_arg(pad, "pad", 0, 64);
    o.in_channels = t.C;
    o.out_channels = t.K;
    o.height = t.H;
    o.width = t.W;
    o.kernel_h = t.R;
    o.kernel_w = t.S;
    o.given.insert({"in-ch", "out-ch", "height", "width", "kernel-h", "kernel-w", "pad"});
    optional_whole(stride, "stride", 1, 16777216, o.stride, "stride", o);
    optional_whole(act_bits, "act_bits", 2, 4, o.act_bits, "act-bits", o);
    optional_whole(weight_bits, "weight_bits", 2, 4, o.weight_bits, "weight-bits", o);
    optional_whole(tile_in, "tile_in", 1, 1024, o.tile_in, "tile-in", o);
    optional_whole(tile_out, "tile_out", 1, 1024, o.tile_out, "tile-out", o);

    py::gil_scoped_release nogil;  // reading a --like set, the copy in, the golden model, the files
    satlm::apply_layout_shape(o, satlm::resolve_layout(o));
    accel_config cfg;
    set_layer_keys(t, o.stride, o.pad, o.act_bits, o.weight_bits, cfg);
    return satlm::write_generated_set(o, layer_data_of(t, cfg.layer, o.pad)).files;
}

result run_set(const py::object& path_obj, const py::object& arch_obj, bool check) {
    const std::string path = path_text(path_obj, "path");
    accel_config cfg = config_of(arch_obj);
    satlm::vector_set vs;
    satlm::run_result r;
    satlm::check_report rep;
    {
        py::gil_scoped_release nogil;
        vs = satlm::load_vector_set(path, cfg, {}, check);
        vs.config.validate();
        r = satlm::run_layer(vs.config, vs.layer);
        rep = satlm::check_run(vs, r);
    }
    result out = make_result(vs.config, r);
    if (check) out.mismatches = py::int_(rep.mismatches);
    out.report = json_to_python(satlm::make_report(vs, r, rep, 0.0));
    return out;
}

/// A CSV cell as Python would want it: int, float, or the text.
py::object typed_cell(const std::string& s) {
    if (s.empty()) return py::none();
    try {
        std::size_t used = 0;
        if (s.find_first_not_of("0123456789-") == std::string::npos) {
            const long long v = std::stoll(s, &used);
            if (used == s.size()) return py::int_(v);
        }
        const double d = std::stod(s, &used);
        if (used == s.size()) return py::float_(d);
    } catch (const std::exception&) {
    }
    return py::str(s);
}

/// CSV text (header and rows) as a list of dicts, cells typed.
py::list csv_records(const std::string& text) {
    py::object reader = py::module_::import("csv").attr("DictReader")(py::module_::import("io").attr("StringIO")(text));
    py::list rows;
    for (const auto& row : reader) {
        py::dict d;
        for (const auto& [k, v] : row.cast<py::dict>()) d[k] = typed_cell(v.cast<std::string>());
        rows.append(d);
    }
    return rows;
}

py::list net(const py::object& network_obj, const py::object& arch_obj, bool check, bool no_data, std::uint64_t seed,
             unsigned jobs, const std::vector<std::string>& layers) {
    const std::string network = path_text(network_obj, "network");
    satlm::net_options o;
    o.arch = config_of(arch_obj);
    o.check = check;
    o.no_data = no_data;
    o.seed = seed;
    o.jobs = jobs ? jobs : 1;
    o.layers = layers;
    std::string text;
    {
        py::gil_scoped_release nogil;
        text = satlm::net_csv(satlm::run_network(satlm::load_network(network), o));
    }
    return csv_records(text);  // the same records as `satlm net --csv`
}

/// "array.rows=8, offchip.bytes_per_cycle=2" from the JSON object of a point's keys.
std::string keys_text(const std::string& json) {
    const auto keys = nlohmann::ordered_json::parse(json.empty() ? "{}" : json);
    std::string s;
    for (auto it = keys.begin(); it != keys.end(); ++it)
        s += (s.empty() ? "" : ", ") + it.key() + "=" + (it->is_string() ? it->get<std::string>() : it->dump());
    return s;
}

/// satlm.sweep: runs a sweep file into its folder (resuming it) and returns the rows of its
/// results.csv, or, given a sweep's output folder, the rows of its store.
py::list sweep(const py::object& path_obj, const py::object& out, unsigned jobs, bool retry_failed) {
    const std::string path = path_text(path_obj, "path");
    namespace fs = std::filesystem;
    std::error_code ec;
    std::string dir = path;
    if (!fs::is_directory(path, ec)) {
        const satlm::sweep_spec spec = satlm::read_sweep_file(path);
        satlm::sweep_run_options run;
        run.out = out.is_none() ? spec.out : path_text(out, "out");
        if (fs::exists(run.out, ec) && !fs::is_directory(run.out, ec))
            throw satlm::input_error(fmt::format("out {}: exists and is not a folder", run.out));
        run.jobs = jobs ? jobs : std::max(1u, std::thread::hardware_concurrency());
        run.retry_failed = retry_failed;
        // Ctrl-C: the points in flight finish and are stored, then KeyboardInterrupt (as the
        // command line's exit 130); the progress callback runs on this thread.
        std::atomic<bool> stop{false};
        std::optional<py::error_already_set> interrupt;
        run.stop = &stop;
        run.progress = [&](const satlm::sweep_progress&) {
            py::gil_scoped_acquire gil;
            if (!interrupt && PyErr_CheckSignals() != 0) {
                interrupt.emplace();
                stop = true;
            }
        };
        satlm::sweep_outcome r;
        {
            py::gil_scoped_release nogil;
            r = satlm::run_sweep(spec, run);
            const auto store = satlm::sweep_store::open(run.out, false);
            satlm::write_file_atomically((fs::path(run.out) / "results.csv").string(), satlm::export_csv(*store),
                                         "results.csv");
        }
        if (interrupt) throw std::move(*interrupt);
        auto warn = py::module_::import("warnings").attr("warn");
        for (const auto& f : r.failures)
            warn(fmt::format("point {} failed ({}{}{}): {}", f.id, f.network, f.keys == "{}" ? "" : ", ",
                             keys_text(f.keys), f.error),
                 py::module_::import("builtins").attr("RuntimeWarning"), 2);
        dir = run.out;
    } else if (!out.is_none()) {
        throw py::value_error(fmt::format("out: {} is a sweep's output folder, expected a sweep file to run", path));
    }
    std::string text;
    {
        py::gil_scoped_release nogil;
        text = satlm::export_csv(*satlm::sweep_store::open(dir, false));
    }
    return csv_records(text);
}

}  // namespace

PYBIND11_MODULE(satlm, m) {
    m.doc() = "satlm: a cycle-faithful model of a weight-stationary quantized-CNN accelerator (docs/python.md)";
    m.attr("__version__") = SATLM_VERSION;
    // A broken invariant must raise, never abort the interpreter.
    sc_core::sc_report_handler::set_actions(sc_core::SC_FATAL, sc_core::SC_THROW);
    sc_core::sc_report_handler::set_actions(sc_core::SC_ERROR, sc_core::SC_THROW);
    sc_core::sc_report_handler::set_actions(sc_core::SC_WARNING, sc_core::SC_DO_NOTHING);
    sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) std::rethrow_exception(p);
        } catch (const satlm::input_error& e) {
            PyErr_SetString(PyExc_ValueError, e.what());
        } catch (const sc_core::sc_report& e) {
            PyErr_SetString(PyExc_RuntimeError, (std::string("satlm internal error: ") + e.get_msg()).c_str());
        }
    });

    py::class_<arch>(m, "Arch", R"doc(Architecture keys by dotted name (docs/blocks/config.md).

    Arch(**{"array.rows": 16, "array.cols": 16})   or   Arch({"array.rows": 16})
    Unknown keys and values out of range raise ValueError with the command line's message.)doc")
        .def(py::init([](const py::object& keys, const py::kwargs& kw) {
                 py::dict all;
                 if (!keys.is_none()) {
                     if (!py::isinstance<py::dict>(keys)) throw py::value_error("Arch: expected a dict of dotted keys");
                     for (const auto& [k, v] : keys.cast<py::dict>()) all[k] = v;
                 }
                 for (const auto& [k, v] : kw) all[k] = v;
                 return make_arch(all);
             }),
             py::arg("keys") = py::none())
        .def_static("from_toml", [](const py::object& path) {
            arch a;
            satlm::load_architecture_file(a.cfg, path_text(path, "path"));
            a.cfg.validate();
            return a;
        }, py::arg("path"), "An architecture file (TOML, section-4 keys), as `satlm run --config`.")
        .def("__getitem__", [](const arch& a, const std::string& key) { return a.keys()[py::str(key)]; })
        .def("__setitem__", [](arch& a, const std::string& key, const py::object& v) {
            a.set(key, v);
            a.cfg.validate();
        })
        .def("keys", &arch::keys, "Every architecture key and layer bit width with the value used.")
        .def("__repr__", [](const arch& a) { return "satlm.Arch(" + py::repr(a.keys()).cast<std::string>() + ")"; });

    py::class_<result>(m, "Result", "Outputs and statistics of one layer.")
        .def_readonly("output", &result::output, "[K, OH, OW] outputs after ReLU (int64)")
        .def_readonly("pre_relu", &result::pre_relu, "[K, OH, OW] the SFU's sums before ReLU")
        .def_readonly("stats", &result::stats, "The report's keys as a nested dict (cycles, macs, sram, ...)")
        .def_readonly("cycles", &result::cycles, "cycles.total")
        .def_readonly("mismatches", &result::mismatches, "run_set with check: output values that differ")
        .def_readonly("report", &result::report, "run_set: the JSON report `satlm run --report` writes")
        .def("__repr__", [](const result& r) {
            return "satlm.Result(cycles=" + std::to_string(r.cycles) + ", output shape " +
                   py::str(py::tuple(py::cast(std::vector<py::ssize_t>(r.output.shape(), r.output.shape() + r.output.ndim())))).cast<std::string>() + ")";
        });

    m.def("run_layer", &run_layer, py::arg("act"), py::arg("weight"), py::arg("arch") = py::none(), py::kw_only(),
          py::arg("stride") = 1, py::arg("pad") = 0, py::arg("act_bits") = 4, py::arg("weight_bits") = 4,
          py::arg("fidelity") = "lt",
          R"doc(Runs one convolution on the engine and returns a Result.

    act:     [C, H, W] integer array, 0 .. 2^act_bits - 1 (any integer dtype; read in place)
    weight:  [K, C, R, S] integer array, two's complement range of weight_bits
    arch:    an Arch (default: the RTL's keys)
    stride:  1 or more, both dimensions; pad: a zero ring of 0..64 around the map
    act_bits 4 or 2; weight_bits 2..4; fidelity "lt" (loosely timed) or "cycle"
    Result.output is [K, OH, OW] after ReLU, wrapped to layer.psum_bits; OH = (H + 2 pad - R) // stride + 1.
    Bad shapes, values and keys raise ValueError with one line. The GIL is released while it runs.)doc");
    m.def("run_set", &run_set, py::arg("path"), py::arg("arch") = py::none(), py::arg("check") = true,
          R"doc(Runs a vector set (folder or manifest *.toml) as `satlm run` does and returns a Result.

    With check (default), Result.mismatches counts the output values that differ from the set's
    expected ones, and Result.report is the JSON report `satlm run --report` writes (per-file
    details of every mismatch included).)doc");
    m.def("net", &net, py::arg("network") = "vgg16-cifar10", py::arg("arch") = py::none(), py::arg("check") = false,
          py::kw_only(), py::arg("no_data") = false, py::arg("seed") = 1, py::arg("jobs") = 1,
          py::arg("layers") = std::vector<std::string>{},
          R"doc(Runs a whole network (built-in name or SCALE-Sim topology CSV) as `satlm net` does.

    Returns one dict per layer with exactly the columns of `satlm net --csv` (numbers typed).
    check compares every layer with the golden model; no_data times the layers without tensors;
    seed picks the tensors; jobs runs layers on that many threads; layers picks layers by name.)doc");
    m.def("sweep", &sweep, py::arg("path"), py::kw_only(), py::arg("out") = py::none(), py::arg("jobs") = 1,
          py::arg("retry_failed") = false,
          R"doc(Runs a sweep file as `satlm sweep` does and returns the rows of its results.csv.

    path:  a sweep file (*.toml, docs/sweep.md), run into `out` (default: the file's `out`);
           points already stored there are not run again (retry_failed runs failed ones again);
           or a sweep's output folder, whose stored results are returned without running.
    Rows: one dict per point and layer, points in sweep order: `point`, `network`, each varied
    key by its dotted name, then the `satlm net --csv` columns. A failed point has no rows and
    gives a RuntimeWarning with the command line's line. Ctrl-C stops after the points in flight
    (they are stored) and raises KeyboardInterrupt.)doc");
    m.def("gen", &gen, py::arg("out"), py::arg("act"), py::arg("weight"), py::arg("layout") = py::none(),
          py::kw_only(), py::arg("like") = py::none(), py::arg("keys") = py::none(), py::arg("stride") = py::none(),
          py::arg("pad") = 0, py::arg("act_bits") = py::none(), py::arg("weight_bits") = py::none(),
          py::arg("tile_in") = py::none(), py::arg("tile_out") = py::none(), py::arg("psums") = true,
          py::arg("force") = false,
          R"doc(Writes the layer's vector set into the folder `out`, as `satlm gen` does; returns the data files.

    act [C, H, W] and weight [K, C, R, S] as run_layer takes them; every expected value (outputs,
    psums, acc addresses) comes from the golden model, and vectorset.toml describes the files.
    layout:  None (the canonical layout), a manifest *.toml (as --layout), a vector set's folder
             (its layout, as --like), or a dict of layout keys (as --set, e.g.
             {"files.output": "out_tile{o}.txt", "format.header_lines": 0})
    like:    a vector set (folder or manifest) whose layout to write (as --like)
    keys:    a dict of layout keys over the layout (as --set), also pmem.psum_base and limits.*
    stride, act_bits, weight_bits, tile_in, tile_out: None takes the layout's value (else 1, 4,
             4, 32 / act_bits, 8); pad: the zero ring around the map.
    psums=False writes no psum files; force replaces the set a non-empty folder's vectorset.toml
    lists (nothing else). The set is written into a staging folder and moved into place.)doc");
}
