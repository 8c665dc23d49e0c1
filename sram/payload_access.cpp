#include "sram/payload_access.h"

#include "tlm/report.h"

#include <cstring>

namespace satlm {

bool payload_in_range(tlm::tlm_generic_payload& p, std::size_t size, const char* who, const char* noun) {
    const std::uint64_t addr = p.get_address();
    const unsigned len = p.get_data_length();
    if (p.get_byte_enable_ptr()) {
        if (who) log_warn("satlm/sram", "{}: byte enables are not supported (address 0x{:x})", who, addr);
        p.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
        return false;
    }
    if (addr + len > size || addr + len < addr) {
        if (who) log_warn("satlm/sram", "{}: access [0x{:x}, +{}) outside the {} bytes of the {}", who, addr, len, size, noun);
        p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return false;
    }
    return true;
}

bool copy_payload(tlm::tlm_generic_payload& p, std::uint8_t* bytes) {
    std::uint8_t* at = bytes + p.get_address();
    if (p.is_write()) std::memcpy(at, p.get_data_ptr(), p.get_data_length());
    else if (p.is_read()) std::memcpy(p.get_data_ptr(), at, p.get_data_length());
    else {
        p.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
        return false;
    }
    p.set_response_status(tlm::TLM_OK_RESPONSE);
    return true;
}

}  // namespace satlm
