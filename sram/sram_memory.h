#pragma once
/// The built-in "sram" memory model (sram/memory_model.h): `words` packed words of
/// `word_bytes` bytes behind a TLM-2.0 target socket, an SRAM macro that keeps up with the clock.
///
/// - b_transport: one word per access (address = word x word_bytes, length word_bytes), served
///   at once: the annotated delay is left as it is. Errors set the response status and report an
///   SC_WARNING of type satlm/sram, as sram_bank does: an address outside the storage or not on
///   a word -> TLM_ADDRESS_ERROR_RESPONSE; byte enables -> TLM_BYTE_ENABLE_ERROR_RESPONSE; a
///   length other than one word -> TLM_BURST_ERROR_RESPONSE; a command that is neither read nor
///   write -> TLM_COMMAND_ERROR_RESPONSE.
/// - transport_dbg: any byte range inside the storage (the test bench's backdoor), not counted.
/// - get_direct_mem_ptr: DMI over the whole storage, read and write, zero latency.
///
/// Derived models (banked_memory) keep the storage and the checks and add their timing through
/// access_delay() and their DMI policy through grants_dmi().

#include "sram/memory_model.h"

#include <tlm_utils/simple_target_socket.h>

#include <cstdint>
#include <vector>

namespace satlm {

class sram_memory : public memory_model {
public:
    tlm_utils::simple_target_socket<sram_memory> in;

    /// Throws config_error when the geometry is empty (no words or no bytes per word).
    sram_memory(const sc_core::sc_module_name& name, const memory_params& p);

    tlm::tlm_target_socket<>& target() override { return in; }
    std::uint64_t reads() const override { return m_reads; }
    std::uint64_t writes() const override { return m_writes; }

    unsigned words() const { return m_words; }
    unsigned word_bytes() const { return m_word_bytes; }
    std::size_t size_bytes() const { return m_storage.size(); }
    const std::uint8_t* word(unsigned addr) const { return &m_storage[std::size_t{addr} * m_word_bytes]; }

protected:
    /// Time the access to `word` keeps the initiator waiting beyond its cycle, the access
    /// arriving at `arrival` (sc_time_stamp() + the incoming delay). The sram keeps up: zero.
    virtual sc_core::sc_time access_delay(unsigned word, const sc_core::sc_time& arrival);
    /// Whether the model grants DMI (a model whose timing DMI would bypass says no).
    virtual bool grants_dmi() const { return true; }

    sc_core::sc_time period() const { return m_period; }

private:
    void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);
    unsigned transport_dbg(tlm::tlm_generic_payload& p);
    bool get_direct_mem_ptr(tlm::tlm_generic_payload& p, tlm::tlm_dmi& dmi);
    /// The checks every access passes; false (with the error status set) when one fails.
    bool check_range(tlm::tlm_generic_payload& p);
    bool check_single_word(tlm::tlm_generic_payload& p);
    /// Copies the bytes of a read or write; false (TLM_COMMAND_ERROR_RESPONSE) for other commands.
    bool copy(tlm::tlm_generic_payload& p);

    unsigned m_words, m_word_bytes;
    sc_core::sc_time m_period;
    std::vector<std::uint8_t> m_storage;
    std::uint64_t m_reads = 0, m_writes = 0;
};

}  // namespace satlm
