#include "accel/offchip.h"

#include "sram/payload_access.h"

#include <algorithm>

namespace satlm {

namespace {
constexpr std::uint64_t align64(std::uint64_t a) { return (a + 63) & ~std::uint64_t{63}; }
}  // namespace

std::uint64_t activation_bytes(const layer_keys& L) { return std::uint64_t{L.positions()} * L.in_channels; }
std::uint64_t weight_bytes(const layer_keys& L) {
    return std::uint64_t{L.out_channels} * L.kernel_positions() * L.in_channels;
}
std::uint64_t output_bytes(const layer_keys& L) { return std::uint64_t{L.out_positions()} * L.out_channels * 4; }

offchip_layout packed_layout(const layer_keys& L, std::uint64_t base, bool with_sums) {
    offchip_layout w;
    w.activations = align64(base);
    w.weights = align64(w.activations + activation_bytes(L));
    w.outputs = align64(w.weights + weight_bytes(L));
    if (with_sums) w.sums = align64(w.outputs + output_bytes(L));
    return w;
}

std::uint64_t layout_end(const layer_keys& L, const offchip_layout& w) {
    std::uint64_t end = std::max({w.activations + activation_bytes(L), w.weights + weight_bytes(L),
                                  w.outputs + output_bytes(L)});
    if (w.sums) end = std::max(end, *w.sums + output_bytes(L));
    return end;
}

void write_layer_image(const layer_data& layer, const offchip_layout& w, std::vector<std::uint8_t>& image) {
    const layer_keys& L = layer.shape;
    if (image.size() < layout_end(L, w)) image.resize(layout_end(L, w), 0);
    const unsigned n = L.positions(), ic_n = L.in_channels, k2 = L.kernel_positions();
    for (unsigned nij = 0; nij < n; ++nij)
        for (unsigned ic = 0; ic < ic_n; ++ic) image[w.activations + std::uint64_t{nij} * ic_n + ic] = layer.act_at(ic, nij);
    for (unsigned oc = 0; oc < L.out_channels; ++oc)
        for (unsigned kij = 0; kij < k2; ++kij)
            for (unsigned ic = 0; ic < ic_n; ++ic)
                image[w.weights + (std::uint64_t{oc} * k2 + kij) * ic_n + ic] =
                    static_cast<std::uint8_t>(layer.weight_at(oc, ic, kij));
}

layer_output read_output_region(const std::vector<std::uint8_t>& image, std::uint64_t addr, const layer_keys& L,
                                bool relu) {
    layer_output o;
    o.out_positions = L.out_positions();
    o.out_channels = L.out_channels;
    o.relu = relu;
    o.values.resize(std::size_t{o.out_positions} * o.out_channels);
    for (std::size_t i = 0; i < o.values.size(); ++i) {
        std::uint32_t u = 0;
        for (unsigned b = 0; b < 4; ++b) u |= std::uint32_t{image[addr + 4 * i + b]} << (8 * b);
        o.values[i] = static_cast<std::int32_t>(u);
    }
    return o;
}

offchip_memory::offchip_memory(const sc_core::sc_module_name& name, std::size_t bytes)
    : sc_core::sc_module(name), in("in"), m_bytes(bytes, 0) {
    in.register_b_transport(this, &offchip_memory::b_transport);
    in.register_transport_dbg(this, &offchip_memory::transport_dbg);
    in.register_get_direct_mem_ptr(this, &offchip_memory::get_direct_mem_ptr);
}

bool offchip_memory::access(tlm::tlm_generic_payload& p) {
    return payload_in_range(p, m_bytes.size()) && copy_payload(p, m_bytes.data());
}

void offchip_memory::b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& /*delay*/) {
    if (access(p)) p.set_dmi_allowed(true);
}

unsigned offchip_memory::transport_dbg(tlm::tlm_generic_payload& p) { return access(p) ? p.get_data_length() : 0; }

bool offchip_memory::get_direct_mem_ptr(tlm::tlm_generic_payload& /*p*/, tlm::tlm_dmi& dmi) {
    dmi.set_dmi_ptr(m_bytes.data());
    dmi.set_start_address(0);
    dmi.set_end_address(m_bytes.empty() ? 0 : m_bytes.size() - 1);
    dmi.allow_read_write();
    dmi.set_read_latency(sc_core::SC_ZERO_TIME);
    dmi.set_write_latency(sc_core::SC_ZERO_TIME);
    return !m_bytes.empty();
}

}  // namespace satlm
