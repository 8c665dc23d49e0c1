#pragma once
/// The accelerator's off-chip side (docs/blocks/accelerator.md, "Off-chip layout"): where one
/// layer's tensors sit in the memory bound to `accelerator::offchip`, and a plain byte memory
/// with a TLM-2.0 target socket that the test bench (and a virtual platform) can bind there.
///
/// Layout, one region each, at byte addresses of the off-chip memory:
/// - activations: [nij][ic], one byte per value (unsigned, act_bits wide), nij over the padded
///   map row-major: the channels of one position are contiguous, so each xmem activation word is
///   one read;
/// - weights: [oc][kij][ic], one byte per value (signed, two's complement): the input channels
///   of one (oc, kij) are contiguous, so each xmem weight word is one read;
/// - outputs: [onij][oc], int32 little-endian, after ReLU; written by the accelerator;
/// - sums (optional): the same pixels before ReLU.

#include "tlm/config.h"
#include "tlm/layer.h"

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include <cstdint>
#include <optional>
#include <vector>

namespace satlm {

struct offchip_layout {
    std::uint64_t activations = 0;
    std::uint64_t weights = 0;
    std::uint64_t outputs = 0;
    std::optional<std::uint64_t> sums;  ///< when set, the pre-ReLU sums are written there too
};

std::uint64_t activation_bytes(const layer_keys& L);
std::uint64_t weight_bytes(const layer_keys& L);
std::uint64_t output_bytes(const layer_keys& L);

/// The regions one after another from `base` (activations, weights, outputs, sums), each
/// aligned to 64 bytes.
offchip_layout packed_layout(const layer_keys& L, std::uint64_t base = 0, bool with_sums = true);
/// One past the last byte of `where` for layer `L`.
std::uint64_t layout_end(const layer_keys& L, const offchip_layout& where);

/// Writes the layer's activations and weights into `image` (grown as needed) at `where`.
void write_layer_image(const layer_data& layer, const offchip_layout& where, std::vector<std::uint8_t>& image);
/// Reads an output region ([onij][oc] int32) back: `relu` marks outputs after ReLU.
layer_output read_output_region(const std::vector<std::uint8_t>& image, std::uint64_t addr, const layer_keys& L,
                                bool relu);

/// A byte-addressed memory behind a TLM-2.0 target: b_transport (no added delay), transport_dbg
/// and DMI over the whole storage. Out of range -> TLM_ADDRESS_ERROR_RESPONSE.
class offchip_memory : public sc_core::sc_module {
public:
    tlm_utils::simple_target_socket<offchip_memory> in;

    offchip_memory(const sc_core::sc_module_name& name, std::size_t bytes);
    std::vector<std::uint8_t>& bytes() { return m_bytes; }
    const std::vector<std::uint8_t>& bytes() const { return m_bytes; }

private:
    bool access(tlm::tlm_generic_payload& p);
    void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);
    unsigned transport_dbg(tlm::tlm_generic_payload& p);
    bool get_direct_mem_ptr(tlm::tlm_generic_payload& p, tlm::tlm_dmi& dmi);

    std::vector<std::uint8_t> m_bytes;
};

}  // namespace satlm
