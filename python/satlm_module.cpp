// The `satlm` Python module: the engine, vector sets and whole networks from NumPy and plain
// records. Every call runs on the reentrant engine (never the SystemC kernel), so a process can
// call it any number of times and from several threads; the GIL is released while it runs.
// Errors raise ValueError with the command line's one-line messages (bad input, configuration,
// shapes) or RuntimeError (a broken invariant of the model, never expected).

#include "engine/engine.h"
#include "net/net_report.h"
#include "net/network_run.h"
#include "testbench/checker.h"
#include "testbench/golden.h"
#include "testbench/run_report.h"
#include "tlm/report.h"
#include "vectors/vector_set.h"
#include "vectors/vector_writer.h"

#include <systemc>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <fmt/format.h>

#include <cstdint>
#include <filesystem>
#include <string>

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
    auto m = a.mutable_unchecked<3>();
    for (unsigned p = 0; p < o.out_positions; ++p)
        for (unsigned c = 0; c < o.out_channels; ++c) m(c, p / ow, p % ow) = o.at(p, c);
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

/// Integer tensor of the given rank, with a ValueError naming the argument otherwise.
py::array_t<std::int64_t, py::array::c_style> int_tensor(const py::object& obj, const char* name, int rank) {
    const py::array a = py::array::ensure(obj);
    if (!a) throw py::value_error(std::string(name) + ": expected a NumPy array");
    const char kind = a.dtype().kind();
    if (kind != 'i' && kind != 'u' && kind != 'b')
        throw py::value_error(std::string(name) + ": expected an integer array, got dtype " +
                              py::str(a.dtype()).cast<std::string>());
    if (a.ndim() != rank)
        throw py::value_error(std::string(name) + ": expected " + std::to_string(rank) + " dimensions, got " +
                              std::to_string(a.ndim()));
    return py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>::ensure(a);
}

/// The layer of act [C, H, W] and weight [K, C, R, S] (ValueError naming the argument and the
/// element when a shape or value does not fit); sets cfg's layer keys.
satlm::layer_data layer_from_numpy(const py::object& act_obj, const py::object& weight_obj, unsigned stride,
                                   unsigned pad, unsigned act_bits, unsigned weight_bits, accel_config& cfg) {
    const auto act = int_tensor(act_obj, "act", 3);
    const auto wgt = int_tensor(weight_obj, "weight", 4);
    const auto C = static_cast<unsigned>(act.shape(0)), H = static_cast<unsigned>(act.shape(1)),
               W = static_cast<unsigned>(act.shape(2));
    const auto K = static_cast<unsigned>(wgt.shape(0)), R = static_cast<unsigned>(wgt.shape(2)),
               S = static_cast<unsigned>(wgt.shape(3));
    if (static_cast<unsigned>(wgt.shape(1)) != C)
        throw py::value_error("weight: expected [K, C, R, S] with C = " + std::to_string(C) +
                              " (act's channels), got C = " + std::to_string(wgt.shape(1)));
    if (C == 0 || H == 0 || W == 0 || K == 0) throw py::value_error("act and weight must not be empty");
    if (stride == 0) throw py::value_error("stride: expected 1 or more, got 0");
    auto set = [&cfg](const char* key, unsigned v) {
        cfg.set(key, std::to_string(v), satlm::key_source::command_line, "satlm");
    };
    set("layer.in_channels", C);
    set("layer.out_channels", K);
    set("layer.padded_height", H + 2 * pad);
    set("layer.padded_width", W + 2 * pad);
    set("layer.kernel_h", R);
    set("layer.kernel_w", S);
    set("layer.stride", stride);
    set("layer.act_bits", act_bits);
    set("layer.weight_bits", weight_bits);
    cfg.validate();

    satlm::layer_data d(cfg.layer);
    const std::int64_t amax = (std::int64_t{1} << act_bits) - 1;
    const std::int64_t wlo = -(std::int64_t{1} << (weight_bits - 1)), whi = -wlo - 1;
    auto a = act.unchecked<3>();
    const unsigned PW = W + 2 * pad;
    for (unsigned c = 0; c < C; ++c)
        for (unsigned y = 0; y < H; ++y)
            for (unsigned x = 0; x < W; ++x) {
                const std::int64_t v = a(c, y, x);
                if (v < 0 || v > amax)
                    throw py::value_error(fmt::format("act[{}, {}, {}] = {}: expected 0..{} (act_bits = {})", c, y, x,
                                                      v, amax, act_bits));
                d.act_at(c, (y + pad) * PW + x + pad) = static_cast<std::uint8_t>(v);
            }
    auto w = wgt.unchecked<4>();
    for (unsigned k = 0; k < K; ++k)
        for (unsigned c = 0; c < C; ++c)
            for (unsigned i = 0; i < R; ++i)
                for (unsigned j = 0; j < S; ++j) {
                    const std::int64_t v = w(k, c, i, j);
                    if (v < wlo || v > whi)
                        throw py::value_error(fmt::format("weight[{}, {}, {}, {}] = {}: expected {}..{} (weight_bits = {})",
                                                          k, c, i, j, v, wlo, whi, weight_bits));
                    d.weight_at(k, c, i * S + j) = static_cast<std::int8_t>(v);
                }
    return d;
}

accel_config config_of(const py::object& arch_obj) {
    return arch_obj.is_none() ? accel_config{} : arch_obj.cast<const arch&>().cfg;
}

result run_layer(const py::object& act, const py::object& weight, const py::object& arch_obj, unsigned stride,
                 unsigned pad, unsigned act_bits, unsigned weight_bits, const std::string& fidelity) {
    accel_config cfg = config_of(arch_obj);
    cfg.set("model.fidelity", fidelity, satlm::key_source::command_line, "run_layer");
    const satlm::layer_data d = layer_from_numpy(act, weight, stride, pad, act_bits, weight_bits, cfg);
    satlm::run_result r;
    {
        py::gil_scoped_release nogil;
        r = satlm::run_layer(cfg, d);
    }
    return make_result(cfg, r);
}

/// Writes the canonical vector set of the layer into `out` (a missing or empty folder), with the
/// golden model's outputs and psums, as `satlm gen` does.
void gen(const std::string& out, const py::object& act, const py::object& weight, unsigned pad, unsigned act_bits,
         unsigned weight_bits, unsigned tile_out) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (fs::exists(out, ec) && !(fs::is_directory(out, ec) && fs::is_empty(out, ec)))
        throw satlm::input_error("gen: " + out + ": expected a missing or empty folder");
    accel_config cfg;
    const satlm::layer_data layer = layer_from_numpy(act, weight, 1, pad, act_bits, weight_bits, cfg);
    satlm::tile_keys tiles;
    tiles.in_channels = 32 / act_bits;
    tiles.out_channels = tile_out;
    py::gil_scoped_release nogil;
    satlm::write_vector_set(out, layer, tiles, satlm::golden_output(layer, true),
                            [&layer](unsigned ic0, unsigned nic, unsigned oc0, unsigned noc, unsigned kij) {
                                return satlm::golden_psums(layer, ic0, nic, oc0, noc, kij);
                            });
}

result run_set(const std::string& path, const py::object& arch_obj, bool check) {
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

py::list net(const std::string& network, const py::object& arch_obj, bool check, bool no_data, std::uint64_t seed,
             unsigned jobs) {
    satlm::net_options o;
    o.arch = config_of(arch_obj);
    o.check = check;
    o.no_data = no_data;
    o.seed = seed;
    o.jobs = jobs ? jobs : 1;
    std::string text;
    {
        py::gil_scoped_release nogil;
        text = satlm::net_csv(satlm::run_network(satlm::load_network(network), o));
    }
    // The same records as `satlm net --csv`, parsed by Python's csv module.
    py::object reader = py::module_::import("csv").attr("DictReader")(py::module_::import("io").attr("StringIO")(text));
    py::list rows;
    for (const auto& row : reader) {
        py::dict d;
        for (const auto& [k, v] : row.cast<py::dict>()) d[k] = typed_cell(v.cast<std::string>());
        rows.append(d);
    }
    return rows;
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
        .def_static("from_toml", [](const std::string& path) {
            arch a;
            satlm::load_architecture_file(a.cfg, path);
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
          R"doc(Runs one convolution: act [C, H, W] unsigned integers, weight [K, C, R, S] signed integers.

    pad adds a zero ring; the result's output is [K, OH, OW] after ReLU, wrapped to layer.psum_bits.)doc");
    m.def("run_set", &run_set, py::arg("path"), py::arg("arch") = py::none(), py::arg("check") = true,
          "Runs a vector set (folder or manifest) and checks it against its expected outputs, as `satlm run`.");
    m.def("net", &net, py::arg("network") = "vgg16-cifar10", py::arg("arch") = py::none(), py::arg("check") = false,
          py::kw_only(), py::arg("no_data") = false, py::arg("seed") = 1, py::arg("jobs") = 1,
          "Runs a whole network; one dict per layer with the columns of `satlm net --csv`.");
    m.def("gen", &gen, py::arg("out"), py::arg("act"), py::arg("weight"), py::kw_only(), py::arg("pad") = 0,
          py::arg("act_bits") = 4, py::arg("weight_bits") = 4, py::arg("tile_out") = 8,
          "Writes the layer's vector set (activations, weights, psums, acc addresses, golden out.txt, "
          "vectorset.toml) into a missing or empty folder, as `satlm gen`.");
}
