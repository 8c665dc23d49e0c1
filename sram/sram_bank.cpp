#include "sram/sram_bank.h"

#include "tlm/report.h"

#include <cstring>

namespace satlm {

sram_bank::sram_bank(const sc_core::sc_module_name& name, sram_core& core)
    : sc_core::sc_module(name), in("in"), m_core(core) {
    in.register_b_transport(this, &sram_bank::b_transport);
    in.register_transport_dbg(this, &sram_bank::transport_dbg);
}

bool sram_bank::access(tlm::tlm_generic_payload& p) {
    const std::uint64_t addr = p.get_address();
    const unsigned len = p.get_data_length();
    if (p.get_byte_enable_ptr()) {
        log_warn("satlm/sram", "{}: byte enables are not supported (address 0x{:x})", name(), addr);
        p.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
        return false;
    }
    if (addr + len > m_core.size_bytes() || addr + len < addr) {
        log_warn("satlm/sram", "{}: access [0x{:x}, +{}) outside the {} bytes of the bank", name(), addr,
                 len, m_core.size_bytes());
        p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return false;
    }
    if (p.is_write()) std::memcpy(m_core.data() + addr, p.get_data_ptr(), len);
    else if (p.is_read()) std::memcpy(p.get_data_ptr(), m_core.data() + addr, len);
    else {
        p.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
        return false;
    }
    p.set_response_status(tlm::TLM_OK_RESPONSE);
    return true;
}

void sram_bank::b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& /*delay*/) {
    if (access(p) && p.is_write()) ++m_tlm_writes;
}

unsigned sram_bank::transport_dbg(tlm::tlm_generic_payload& p) {
    return access(p) ? p.get_data_length() : 0;
}

}  // namespace satlm
