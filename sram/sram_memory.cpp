#include "sram/sram_memory.h"

#include "sram/payload_access.h"

#include "tlm/report.h"

#include <fmt/format.h>

#include <limits>

namespace satlm {

namespace {

unsigned word_bytes_of(const memory_params& p) { return p.word_bytes ? p.word_bytes : (p.width_bits + 7) / 8; }

}  // namespace

sram_memory::sram_memory(const sc_core::sc_module_name& name, const memory_params& p)
    : memory_model(name), in("in"), m_words(p.words), m_word_bytes(word_bytes_of(p)), m_period(p.period) {
    if (m_words == 0 || m_word_bytes == 0) {
        throw config_error(fmt::format("key `{}.words`/`{}.width_bits`: a memory needs at least one word of one byte, "
                                       "got {} words of {} bytes",
                                       p.role, p.role, m_words, m_word_bytes));
    }
    m_storage.assign(std::size_t{m_words} * m_word_bytes, 0);
    in.register_b_transport(this, &sram_memory::b_transport);
    in.register_transport_dbg(this, &sram_memory::transport_dbg);
    in.register_get_direct_mem_ptr(this, &sram_memory::get_direct_mem_ptr);
}

sc_core::sc_time sram_memory::access_delay(unsigned /*word*/, const sc_core::sc_time& /*arrival*/) {
    return sc_core::SC_ZERO_TIME;
}

bool sram_memory::check_range(tlm::tlm_generic_payload& p) {
    return payload_in_range(p, m_storage.size(), name(), "memory");
}

bool sram_memory::check_single_word(tlm::tlm_generic_payload& p) {
    const std::uint64_t addr = p.get_address();
    if (addr % m_word_bytes != 0) {
        log_warn("satlm/sram", "{}: address 0x{:x} is not on a word of {} bytes", name(), addr, m_word_bytes);
        p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return false;
    }
    const unsigned len = p.get_data_length();
    const unsigned width = p.get_streaming_width();
    if (len != m_word_bytes || (width != 0 && width < len)) {
        log_warn("satlm/sram", "{}: access of {} bytes (streaming width {}) at 0x{:x}, expected one word of {} bytes",
                 name(), len, width, addr, m_word_bytes);
        p.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
        return false;
    }
    return true;
}

bool sram_memory::copy(tlm::tlm_generic_payload& p) { return copy_payload(p, m_storage.data()); }

void sram_memory::b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
    if (!check_range(p) || !check_single_word(p)) return;
    if (!p.is_read() && !p.is_write()) {
        log_warn("satlm/sram", "{}: command {} is neither read nor write", name(), static_cast<int>(p.get_command()));
        p.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
        return;
    }
    const auto word = static_cast<unsigned>(p.get_address() / m_word_bytes);
    delay += access_delay(word, sc_core::sc_time_stamp() + delay);
    copy(p);
    ++(p.is_write() ? m_writes : m_reads);
    p.set_dmi_allowed(grants_dmi());
}

unsigned sram_memory::transport_dbg(tlm::tlm_generic_payload& p) {
    return check_range(p) && copy(p) ? p.get_data_length() : 0;
}

bool sram_memory::get_direct_mem_ptr(tlm::tlm_generic_payload& p, tlm::tlm_dmi& dmi) {
    const std::uint64_t last = m_storage.size() - 1;
    if (!grants_dmi() || p.get_address() > last) {
        // Deny, naming the range the answer holds for: the whole storage, or what lies beyond it.
        dmi.set_start_address(grants_dmi() ? last + 1 : 0);
        dmi.set_end_address(std::numeric_limits<sc_dt::uint64>::max());
        dmi.allow_none();
        return false;
    }
    dmi.set_dmi_ptr(m_storage.data());
    dmi.set_start_address(0);
    dmi.set_end_address(last);
    dmi.allow_read_write();
    dmi.set_read_latency(sc_core::SC_ZERO_TIME);
    dmi.set_write_latency(sc_core::SC_ZERO_TIME);
    return true;
}

}  // namespace satlm
