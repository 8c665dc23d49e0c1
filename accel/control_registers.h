#pragma once
/// The accelerator's control registers: a TLM-2.0 target a CPU drives by register writes
/// (docs/registers.md). A write of START to CTRL launches the layer the descriptor registers
/// describe; STATUS and the interrupt say when it is done and whether it failed.
///
/// 32-bit registers, little-endian, one aligned 4-byte access each. The layer runs in this
/// block's own thread, so a CPU model keeps running (and may poll STATUS) while it does.

#include "tlm/config.h"

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include <cstdint>
#include <functional>
#include <string>

namespace satlm {

/// Register offsets (bytes) of the control block (docs/registers.md).
namespace reg {
constexpr std::uint32_t id = 0x00;           ///< RO: control_registers::id_value
constexpr std::uint32_t version = 0x04;      ///< RO: register-map version
constexpr std::uint32_t ctrl = 0x08;         ///< WO: bit 0 START, bit 1 CLEAR (DONE, ERROR, IRQ)
constexpr std::uint32_t status = 0x0c;       ///< RO: bit 0 BUSY, bit 1 DONE, bit 2 ERROR
constexpr std::uint32_t irq_enable = 0x10;   ///< RW: bit 0 raises `irq` with DONE
constexpr std::uint32_t in_channels = 0x20;  ///< RW: layer descriptor, one key each
constexpr std::uint32_t out_channels = 0x24;
constexpr std::uint32_t in_height = 0x28;    ///< padded input rows
constexpr std::uint32_t in_width = 0x2c;     ///< padded input columns
constexpr std::uint32_t kernel = 0x30;       ///< bits 0-15 filter rows, 16-31 filter columns
constexpr std::uint32_t stride = 0x34;
constexpr std::uint32_t bits = 0x38;         ///< bits 0-7 act, 8-15 weight, 16-23 psum
constexpr std::uint32_t act_addr_lo = 0x40;  ///< RW: off-chip byte addresses (docs/blocks/accelerator.md)
constexpr std::uint32_t act_addr_hi = 0x44;
constexpr std::uint32_t weight_addr_lo = 0x48;
constexpr std::uint32_t weight_addr_hi = 0x4c;
constexpr std::uint32_t out_addr_lo = 0x50;
constexpr std::uint32_t out_addr_hi = 0x54;
constexpr std::uint32_t cycles_lo = 0x60;    ///< RO: cycles of the last layer
constexpr std::uint32_t cycles_hi = 0x64;
constexpr std::uint32_t error_code = 0x68;   ///< RO: why the last START failed (reg_error)
constexpr std::uint32_t size = 0x80;         ///< bytes the block decodes
}  // namespace reg

/// ERROR_CODE values.
enum class reg_error : std::uint32_t { none = 0, bad_descriptor = 1, start_while_busy = 2, run_failed = 3 };

/// What START hands to the accelerator.
struct layer_descriptor {
    layer_keys shape;
    std::uint64_t act_addr = 0, weight_addr = 0, out_addr = 0;
};

class control_registers : public sc_core::sc_module {
public:
    static constexpr std::uint32_t id_value = 0x5341544c;  ///< "SATL"
    static constexpr std::uint32_t map_version = 1;

    tlm_utils::simple_target_socket<control_registers> bus;
    sc_core::sc_out<bool> irq;  ///< high from DONE (when enabled) until CLEAR

    /// Runs one layer and returns its cycles; throws config_error on a descriptor the
    /// architecture cannot run. Called from this block's thread.
    using launcher = std::function<std::uint64_t(const layer_descriptor&)>;

    SC_HAS_PROCESS(control_registers);
    control_registers(const sc_core::sc_module_name& name, const accel_config& arch, launcher launch);

    /// The message of the last layer's failure (empty when it ran), for a driver's log; CLEAR
    /// keeps it.
    const std::string& last_error() const { return m_error_text; }

private:
    void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);
    unsigned transport_dbg(tlm::tlm_generic_payload& p);
    bool decode(tlm::tlm_generic_payload& p);
    std::uint32_t read(std::uint32_t offset) const;
    bool write(std::uint32_t offset, std::uint32_t value);
    void start();
    void run();
    void set_irq(bool level);
    void drive_irq() { irq.write(m_irq_level); }
    layer_descriptor descriptor() const;

    accel_config m_arch;
    launcher m_launch;
    sc_core::sc_event m_start, m_irq_changed;
    bool m_irq_level = false;  ///< driven onto `irq` by one process (a signal has one writer)
    std::uint32_t m_regs[reg::size / 4] = {};
    bool m_busy = false, m_done = false, m_failed = false;
    std::uint64_t m_cycles = 0;
    std::string m_error_text;
};

}  // namespace satlm
