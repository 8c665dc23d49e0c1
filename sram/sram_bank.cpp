#include "sram/sram_bank.h"

#include "sram/payload_access.h"



namespace satlm {

sram_bank::sram_bank(const sc_core::sc_module_name& name, sram_core& core)
    : sc_core::sc_module(name), in("in"), m_core(core) {
    in.register_b_transport(this, &sram_bank::b_transport);
    in.register_transport_dbg(this, &sram_bank::transport_dbg);
}

bool sram_bank::access(tlm::tlm_generic_payload& p) {
    return payload_in_range(p, m_core.size_bytes(), name(), "bank") && copy_payload(p, m_core.data());
}

void sram_bank::b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& /*delay*/) {
    if (access(p) && p.is_write()) ++m_tlm_writes;
}

unsigned sram_bank::transport_dbg(tlm::tlm_generic_payload& p) {
    return access(p) ? p.get_data_length() : 0;
}

}  // namespace satlm
