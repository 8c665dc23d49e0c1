#include "net/network_run.h"

#include "dataflow/dataflow.h"
#include "engine/engine.h"
#include "testbench/golden.h"
#include "tlm/report.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <random>
#include <thread>

namespace satlm {

namespace {

using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point t0) {
    return std::chrono::duration<double>(clock_type::now() - t0).count();
}

/// Uniform `bits`-wide values sliced from the engine's 64-bit words: exactly uniform because
/// every range drawn here is a power of two, with 64 / bits values per engine call.
class bit_fields {
  public:
    bit_fields(std::mt19937_64& rng, unsigned bits) : m_rng(rng), m_bits(bits), m_mask((1u << bits) - 1) {}
    unsigned next() {
        if (m_left < m_bits) {
            m_word = m_rng();
            m_left = 64;
        }
        const auto v = static_cast<unsigned>(m_word & m_mask);
        m_word >>= m_bits;
        m_left -= m_bits;
        return v;
    }

  private:
    std::mt19937_64& m_rng;
    unsigned m_bits;
    std::uint64_t m_mask;
    std::uint64_t m_word = 0;
    unsigned m_left = 0;
};

/// Seeded tensors of one layer: activations uniform over act_bits inside the unpadded map (the
/// padding ring stays zero when the topology gives the padding), weights uniform over the
/// signed range. The seed mixes the run's seed with the layer index, so a layer's data does not
/// depend on which other layers run.
layer_data random_tensors(const net_layer& nl, const layer_keys& shape, std::uint64_t seed, std::size_t index) {
    std::seed_seq seq{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32),
                      static_cast<std::uint32_t>(index), 0x5a71u};
    std::mt19937_64 rng(seq);
    layer_data d(shape);
    bit_fields act(rng, shape.act_bits);
    const unsigned pad = nl.pad_known ? nl.pad : 0;
    const unsigned H = shape.padded_height, W = shape.padded_width;
    for (unsigned ic = 0; ic < shape.in_channels; ++ic)
        for (unsigned y = 0; y < H; ++y)
            for (unsigned x = 0; x < W; ++x) {
                const bool inside = y >= pad && y < H - pad && x >= pad && x < W - pad;
                d.act_at(ic, y * W + x) = inside ? static_cast<std::uint8_t>(act.next()) : 0;
            }
    // A weight_bits field read as an offset from the most negative weight.
    bit_fields w(rng, shape.weight_bits);
    const int w_lo = -(1 << (shape.weight_bits - 1));
    for (auto& v : d.weight) v = static_cast<std::int8_t>(w_lo + static_cast<int>(w.next()));
    return d;
}

std::uint64_t count_mismatches(const layer_output& got, const layer_output& want) {
    std::uint64_t n = 0;
    const std::size_t size = std::min(got.values.size(), want.values.size());
    for (std::size_t i = 0; i < size; ++i) n += got.values[i] != want.values[i];
    return n + (std::max(got.values.size(), want.values.size()) - size);
}

net_layer_result run_one(const net_layer& nl, const accel_config& cfg, const net_options& o, std::size_t index) {
    const auto t0 = clock_type::now();
    net_layer_result r;
    r.layer = nl;
    r.config = cfg;
    r.outputs = std::uint64_t{cfg.layer.out_positions()} * cfg.layer.out_channels;
    r.plan = dataflow_for(cfg).plan(cfg);
    if (o.no_data) {
        r.stats = time_layer(cfg);
    } else {
        const layer_data data = random_tensors(nl, cfg.layer, o.seed, index);
        run_result run = run_layer(cfg, data);
        r.stats = run.stats;
        if (o.check) r.mismatches = count_mismatches(run.output, golden_output(data, true));
    }
    r.wall_seconds = seconds_since(t0);
    return r;
}

std::vector<std::size_t> selected_layers(const network& net, const std::vector<std::string>& names) {
    std::vector<std::size_t> idx;
    if (names.empty()) {
        for (std::size_t i = 0; i < net.layers.size(); ++i) idx.push_back(i);
        return idx;
    }
    for (const auto& name : names) {
        const auto it = std::find_if(net.layers.begin(), net.layers.end(),
                                     [&](const net_layer& l) { return l.name == name; });
        if (it == net.layers.end()) {
            std::string known;
            for (const auto& l : net.layers) known += (known.empty() ? "" : ", ") + l.name;
            throw config_error(fmt::format("--layers: network {} has no layer `{}` (it has {})", net.name, name, known));
        }
        idx.push_back(static_cast<std::size_t>(it - net.layers.begin()));
    }
    return idx;
}

}  // namespace

accel_config layer_config(const accel_config& arch, const net_layer& nl) {
    accel_config c = arch;
    layer_keys& L = c.layer;
    L.in_channels = nl.channels;
    L.out_channels = nl.filters;
    L.padded_height = nl.ifmap_h;
    L.padded_width = nl.ifmap_w;
    L.kernel_h = nl.filter_h;
    L.kernel_w = nl.filter_w;
    L.stride = nl.stride;
    try {
        c.validate();
        (void)dataflow_for(c).plan(c);
    } catch (const config_error& e) {
        throw config_error(fmt::format("layer {}: {}", nl.name, e.what()));
    }
    return c;
}

net_layer layer_record(const std::string& name, const layer_keys& L) {
    net_layer n;
    n.name = name;
    n.ifmap_h = n.height = L.padded_height;
    n.ifmap_w = n.width = L.padded_width;
    n.filter_h = L.kernel_h;
    n.filter_w = L.kernel_w;
    n.stride = L.stride;
    n.channels = L.in_channels;
    n.filters = L.out_channels;
    return n;
}

run_stats net_result::total() const {
    run_stats t;
    for (const auto& l : layers) {
        const run_stats& s = l.stats;
        t.cycles += s.cycles;
        t.macs += s.macs;
        t.xmem.reads += s.xmem.reads;
        t.xmem.writes += s.xmem.writes;
        t.pmem.reads += s.pmem.reads;
        t.pmem.writes += s.pmem.writes;
        t.xmem.word_bytes = std::max(t.xmem.word_bytes, s.xmem.word_bytes);
        t.pmem.word_bytes = std::max(t.pmem.word_bytes, s.pmem.word_bytes);
        t.l0_high_water = std::max(t.l0_high_water, s.l0_high_water);
        t.ofifo_high_water = std::max(t.ofifo_high_water, s.ofifo_high_water);
        t.passes += s.passes;
        t.chunks += s.chunks;
        t.simulated_seconds += s.simulated_seconds;
    }
    return t;
}

std::optional<std::uint64_t> net_result::mismatches() const {
    std::optional<std::uint64_t> n;
    for (const auto& l : layers)
        if (l.mismatches) n = n.value_or(0) + *l.mismatches;
    return n;
}

net_result run_network(const network& net, const net_options& o) {
    const auto t0 = clock_type::now();
    const std::vector<std::size_t> idx = selected_layers(net, o.layers);
    // Every layer's configuration first: an impossible layer stops the run before any work.
    std::vector<accel_config> configs;
    std::string problems;
    for (std::size_t i : idx) {
        try {
            configs.push_back(layer_config(o.arch, net.layers[i]));
        } catch (const config_error& e) {
            problems += (problems.empty() ? "" : "\n") + std::string(e.what());
        }
    }
    if (!problems.empty()) throw config_error(problems);

    net_result result;
    result.net = net;
    result.layers.resize(idx.size());
    std::atomic<std::size_t> next{0};
    std::exception_ptr failure;
    std::atomic<bool> failed{false};
    auto worker = [&] {
        for (std::size_t k = next++; k < idx.size() && !failed; k = next++) {
            try {
                result.layers[k] = run_one(net.layers[idx[k]], configs[k], o, idx[k]);
            } catch (...) {
                if (!failed.exchange(true)) failure = std::current_exception();
            }
        }
    };
    const unsigned threads = std::max(1u, std::min<unsigned>(o.jobs, static_cast<unsigned>(idx.size())));
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker);
    worker();
    for (auto& th : pool) th.join();
    if (failure) std::rethrow_exception(failure);
    result.wall_seconds = seconds_since(t0);
    return result;
}

}  // namespace satlm
