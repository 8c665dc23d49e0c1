// A user's memory model, written outside satlm and registered under a new name: a memory whose
// reads take one clock more than the accelerator's cycle (returned through the b_transport
// delay, so the accelerator stalls for it), counting every access it serves. The program runs
// `satlm run` with it:
//   slow_memory_run SET [--report FILE] [--set KEY=VALUE ...]   (for example --set xmem.model=slow_memory)
// and prints the accesses the slow memory served.
#include "cli/run_command.h"
#include "sram/memory_model.h"
#include "tlm/report.h"

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace {

/// Accesses served by every slow_memory of the run (the top owns and destroys its memories).
std::uint64_t served_reads = 0, served_writes = 0;

class slow_memory : public satlm::memory_model {
public:
    tlm_utils::simple_target_socket<slow_memory> in{"in"};

    slow_memory(const sc_core::sc_module_name& name, const satlm::memory_params& p)
        : satlm::memory_model(name), m_period(p.period),
          m_storage(std::size_t{p.words} * p.word_bytes, 0) {
        in.register_b_transport(this, &slow_memory::b_transport);
        in.register_transport_dbg(this, &slow_memory::transport_dbg);
    }

    tlm::tlm_target_socket<>& target() override { return in; }
    std::uint64_t reads() const override { return m_reads; }
    std::uint64_t writes() const override { return m_writes; }

private:
    /// Whether the payload's bytes lie inside the storage (and it asks for no byte enables).
    bool fits(const tlm::tlm_generic_payload& p) const {
        return !p.get_byte_enable_ptr() && p.get_address() + p.get_data_length() <= m_storage.size();
    }
    void copy(tlm::tlm_generic_payload& p) {
        std::uint8_t* at = m_storage.data() + p.get_address();
        if (p.is_write()) std::memcpy(at, p.get_data_ptr(), p.get_data_length());
        else std::memcpy(p.get_data_ptr(), at, p.get_data_length());
    }

    void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
        if (!fits(p) || !(p.is_read() || p.is_write())) {
            p.set_response_status(fits(p) ? tlm::TLM_COMMAND_ERROR_RESPONSE : tlm::TLM_ADDRESS_ERROR_RESPONSE);
            return;
        }
        copy(p);
        if (p.is_read()) {
            delay += m_period;  // the data comes one clock late
            ++m_reads;
            ++served_reads;
        } else {
            ++m_writes;
            ++served_writes;
        }
        p.set_response_status(tlm::TLM_OK_RESPONSE);
    }
    unsigned transport_dbg(tlm::tlm_generic_payload& p) {
        if (!fits(p) || !(p.is_read() || p.is_write())) return 0;
        copy(p);
        return p.get_data_length();
    }

    sc_core::sc_time m_period;
    std::vector<std::uint8_t> m_storage;
    std::uint64_t m_reads = 0, m_writes = 0;
};

}  // namespace

int sc_main(int argc, char* argv[]) {
    sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
    satlm::register_memory_model("slow_memory", [](const sc_core::sc_module_name& n, const satlm::memory_params& p) {
        return std::make_unique<slow_memory>(n, p);
    });

    satlm::run_options run;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if ((arg == "--set" || arg == "--report") && i + 1 < argc) {
            (arg == "--set" ? run.sets.emplace_back() : run.report) = argv[++i];
        } else if (!arg.empty() && arg[0] != '-') {
            run.paths.push_back(arg);
        } else {
            std::fprintf(stderr, "usage: slow_memory_run SET [--report FILE] [--set KEY=VALUE ...]\n");
            return 2;
        }
    }
    int rc = 0;
    try {
        rc = satlm::run_command(run);
    } catch (const satlm::input_error& e) {
        std::fprintf(stderr, "slow_memory_run: error: %s\n", e.what());
        return 2;
    }
    std::printf("slow_memory served %llu reads and %llu writes\n", static_cast<unsigned long long>(served_reads),
                static_cast<unsigned long long>(served_writes));
    return rc;
}
