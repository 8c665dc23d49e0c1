#include "sram/banked_memory.h"

#include "tlm/report.h"

#include <fmt/format.h>

#include <algorithm>

namespace satlm {

namespace {

const sram_keys& keys_of(const memory_params& p) {
    if (!p.keys) throw config_error(fmt::format("key `{}.model`: the \"banked\" model needs the memory's keys", p.role));
    return *p.keys;
}

}  // namespace

banked_memory::banked_memory(const sc_core::sc_module_name& name, const memory_params& p)
    : sram_memory(name, p),
      m_banks(keys_of(p).banks),
      m_ports(p.role == "pmem" ? keys_of(p).ports : 1),  // xmem is a single-port macro
      m_bank_cycles(keys_of(p).bank_cycles) {
    if (m_banks == 0 || m_ports == 0 || m_bank_cycles == 0) {
        throw config_error(fmt::format("key `{}.banks`/`{}.bank_cycles`: the \"banked\" model needs at least one "
                                       "bank, port and cycle, got {} banks, {} ports, {} cycles",
                                       p.role, p.role, m_banks, m_ports, m_bank_cycles));
    }
    if (p.period == sc_core::SC_ZERO_TIME) {
        throw config_error(fmt::format("key `{}.model`: the \"banked\" model needs a clock period", p.role));
    }
    m_free_at.assign(std::size_t{m_banks} * m_ports, 0);
}

sc_core::sc_time banked_memory::access_delay(unsigned word, const sc_core::sc_time& arrival) {
    const std::uint64_t cycle = arrival.value() / period().value();
    // The port of the word's bank that frees first serves the access.
    const auto first = m_free_at.begin() + std::ptrdiff_t{word % m_banks} * m_ports;
    const auto port = std::min_element(first, first + m_ports);
    const std::uint64_t start = std::max(cycle, *port);
    *port = start + m_bank_cycles;
    const std::uint64_t wait = start - cycle;
    if (wait == 0) return sc_core::SC_ZERO_TIME;
    ++m_conflicts;
    m_wait_cycles += wait;
    return static_cast<double>(wait) * period();
}

}  // namespace satlm
