#pragma once
/// SystemC shell of one SRAM macro: a TLM-2.0 target over an sram_core (byte addresses, data
/// pointer = packed word bytes). Out of range -> TLM_ADDRESS_ERROR_RESPONSE; byte enables ->
/// TLM_BYTE_ENABLE_ERROR_RESPONSE; transport_dbg for backdoor access.
///
/// The core is owned by the accel_core (the clocked engine steps it); the bank exposes it to
/// TLM initiators (the vector loader) and to the hierarchy.

#include "sram/sram_core.h"

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

namespace satlm {

class sram_bank : public sc_core::sc_module {
public:
    tlm_utils::simple_target_socket<sram_bank> in;

    sram_bank(const sc_core::sc_module_name& name, sram_core& core);

    std::uint64_t tlm_writes() const { return m_tlm_writes; }

private:
    void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);
    unsigned transport_dbg(tlm::tlm_generic_payload& p);
    bool access(tlm::tlm_generic_payload& p);

    sram_core& m_core;
    std::uint64_t m_tlm_writes = 0;
};

}  // namespace satlm
