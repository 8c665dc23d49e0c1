#pragma once
// The parts of the example virtual platform around the accelerator: a byte memory, a bus that
// routes by address, and nothing else a real SoC would not have. Kept small on purpose: a
// platform team replaces them with its own.

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_target_socket.h>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

namespace platform {

/// A byte-addressed memory (DRAM-like): b_transport adds `latency` per access; DMI and debug
/// transport give direct access.
class memory : public sc_core::sc_module {
public:
    tlm_utils::simple_target_socket<memory> port;

    memory(const sc_core::sc_module_name& name, std::size_t bytes, sc_core::sc_time latency)
        : sc_core::sc_module(name), port("port"), m_bytes(bytes, 0), m_latency(latency) {
        port.register_b_transport(this, &memory::b_transport);
        port.register_transport_dbg(this, &memory::transport_dbg);
        port.register_get_direct_mem_ptr(this, &memory::get_direct_mem_ptr);
    }
    std::size_t size() const { return m_bytes.size(); }

private:
    bool copy(tlm::tlm_generic_payload& p) {
        const std::uint64_t a = p.get_address(), n = p.get_data_length();
        if (p.get_byte_enable_ptr()) {
            p.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
            return false;
        }
        if (a > m_bytes.size() || n > m_bytes.size() - a) {
            p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
            return false;
        }
        if (p.is_read()) std::memcpy(p.get_data_ptr(), &m_bytes[a], n);
        else if (p.is_write()) std::memcpy(&m_bytes[a], p.get_data_ptr(), n);
        else {
            p.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
            return false;
        }
        p.set_response_status(tlm::TLM_OK_RESPONSE);
        return true;
    }
    void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
        if (copy(p)) delay += m_latency;
        p.set_dmi_allowed(true);
    }
    unsigned transport_dbg(tlm::tlm_generic_payload& p) {
        return copy(p) ? p.get_data_length() : 0;
    }
    bool get_direct_mem_ptr(tlm::tlm_generic_payload&, tlm::tlm_dmi& dmi) {
        dmi.set_dmi_ptr(m_bytes.data());
        dmi.set_start_address(0);
        dmi.set_end_address(m_bytes.size() - 1);
        dmi.allow_read_write();
        dmi.set_read_latency(m_latency);
        dmi.set_write_latency(m_latency);
        return true;
    }

    std::vector<unsigned char> m_bytes;
    sc_core::sc_time m_latency;
};

/// A bus: any number of initiators, targets at fixed address windows (given when the bus is
/// built, as sockets must be). A target sees addresses relative to its window's base; an
/// address outside every window gets an address error.
class bus : public sc_core::sc_module {
public:
    struct window {
        std::uint64_t base, size;
    };
    tlm_utils::multi_passthrough_target_socket<bus> in;

    bus(const sc_core::sc_module_name& name, std::vector<window> windows)
        : sc_core::sc_module(name), in("in"), m_windows(std::move(windows)) {
        in.register_b_transport(this, &bus::b_transport);
        in.register_transport_dbg(this, &bus::transport_dbg);
        for (std::size_t i = 0; i < m_windows.size(); ++i)
            m_out.push_back(std::make_unique<tlm_utils::simple_initiator_socket<bus>>(sc_core::sc_gen_unique_name("out")));
    }
    /// The socket of window i: bind it to the window's target.
    tlm_utils::simple_initiator_socket<bus>& out(std::size_t i) { return *m_out.at(i); }

private:
    int route(tlm::tlm_generic_payload& p) {
        const std::uint64_t a = p.get_address();
        for (std::size_t i = 0; i < m_windows.size(); ++i)
            if (a >= m_windows[i].base && a - m_windows[i].base < m_windows[i].size) {
                p.set_address(a - m_windows[i].base);
                return static_cast<int>(i);
            }
        p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return -1;
    }
    void b_transport(int, tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
        const std::uint64_t a = p.get_address();
        if (const int t = route(p); t >= 0) out(static_cast<std::size_t>(t))->b_transport(p, delay);
        p.set_address(a);
    }
    unsigned transport_dbg(int, tlm::tlm_generic_payload& p) {
        const std::uint64_t a = p.get_address();
        unsigned n = 0;
        if (const int t = route(p); t >= 0) n = out(static_cast<std::size_t>(t))->transport_dbg(p);
        p.set_address(a);
        return n;
    }

    std::vector<window> m_windows;
    std::vector<std::unique_ptr<tlm_utils::simple_initiator_socket<bus>>> m_out;
};

}  // namespace platform
