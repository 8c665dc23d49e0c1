#pragma once
/// The built-in "banked" memory model (sram/memory_model.h): the storage, checks, debug
/// transport and counters of the "sram" model, with the words interleaved over banks that stay
/// busy for a while after each access.
///
/// - Word a lives in bank a % `<mem>.banks`. Each bank takes `ports` accesses per cycle (pmem:
///   `pmem.ports`; xmem: 1), and each access keeps its port of the bank busy for
///   `<mem>.bank_cycles` cycles.
/// - An access arrives at sc_time_stamp() + its incoming delay, in cycle
///   floor(arrival / period). When every port of its bank is still busy then, it waits until the
///   first one is free; the model adds that wait (whole cycles) to the annotated delay, and the
///   structural top stalls the accelerator for it. An access that finds a free port adds nothing.
/// - DMI is not granted: it would bypass the banks. transport_dbg is untimed, as for "sram".
///
/// With banks >= bank_cycles, a stream of one access per cycle to consecutive words never waits;
/// two accesses in a row to one bank wait bank_cycles - 1 cycles; two in one cycle on one port
/// wait bank_cycles.

#include "sram/sram_memory.h"

#include <cstdint>
#include <vector>

namespace satlm {

class banked_memory : public sram_memory {
public:
    /// Throws config_error when the geometry or the period is empty, or the keys are missing.
    banked_memory(const sc_core::sc_module_name& name, const memory_params& p);

    unsigned banks() const { return m_banks; }
    unsigned ports() const { return m_ports; }
    unsigned bank_cycles() const { return m_bank_cycles; }
    /// Accesses that found their bank busy, and the cycles they waited in all.
    std::uint64_t conflicts() const { return m_conflicts; }
    std::uint64_t wait_cycles() const { return m_wait_cycles; }

protected:
    sc_core::sc_time access_delay(unsigned word, const sc_core::sc_time& arrival) override;
    bool grants_dmi() const override { return false; }

private:
    unsigned m_banks, m_ports, m_bank_cycles;
    std::vector<std::uint64_t> m_free_at;  // [bank x ports + port]: first cycle the port is free
    std::uint64_t m_conflicts = 0, m_wait_cycles = 0;
};

}  // namespace satlm
