#include "accel/control_registers.h"

#include "tlm/report.h"

#include <cstring>

namespace satlm {

namespace {

constexpr std::uint32_t start_bit = 1u << 0, clear_bit = 1u << 1;
constexpr std::uint32_t busy_bit = 1u << 0, done_bit = 1u << 1, error_bit = 1u << 2;

bool read_only(std::uint32_t offset) {
    return offset == reg::id || offset == reg::version || offset == reg::status || offset == reg::cycles_lo ||
           offset == reg::cycles_hi || offset == reg::error_code;
}

std::uint64_t join(std::uint32_t lo, std::uint32_t hi) { return std::uint64_t{hi} << 32 | lo; }

}  // namespace

control_registers::control_registers(const sc_core::sc_module_name& name, const accel_config& arch,
                                     launcher launch)
    : sc_core::sc_module(name), bus("bus"), irq("irq"), m_arch(arch), m_launch(std::move(launch)) {
    bus.register_b_transport(this, &control_registers::b_transport);
    bus.register_transport_dbg(this, &control_registers::transport_dbg);
    // Reset values: the layer of the RTL's test vectors (docs/registers.md).
    const layer_keys d;
    m_regs[reg::in_channels / 4] = d.in_channels;
    m_regs[reg::out_channels / 4] = d.out_channels;
    m_regs[reg::in_height / 4] = d.padded_height;
    m_regs[reg::in_width / 4] = d.padded_width;
    m_regs[reg::kernel / 4] = d.kernel_h | d.kernel_w << 16;
    m_regs[reg::stride / 4] = d.stride;
    m_regs[reg::bits / 4] = d.act_bits | d.weight_bits << 8 | d.psum_bits << 16;
    SC_THREAD(run);
    SC_METHOD(drive_irq);
    sensitive << m_irq_changed;
    dont_initialize();
}

/// CLEAR (from a bus access) and DONE (from the thread) both move the line, through one process.
void control_registers::set_irq(bool level) {
    m_irq_level = level;
    m_irq_changed.notify(sc_core::SC_ZERO_TIME);
}

/// A register access: one aligned 32-bit word inside the block, no byte enables.
bool control_registers::decode(tlm::tlm_generic_payload& p) {
    const std::uint64_t a = p.get_address();
    if (p.get_byte_enable_ptr()) {
        p.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
        return false;
    }
    if (p.get_data_length() != 4 || p.get_streaming_width() < 4) {
        p.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
        return false;
    }
    if (a % 4 != 0 || a >= reg::size) {
        p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return false;
    }
    return true;
}

void control_registers::b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& /*delay*/) {
    if (!decode(p)) return;
    const auto offset = static_cast<std::uint32_t>(p.get_address());
    std::uint32_t v = 0;
    if (p.is_read()) {
        v = read(offset);
        std::memcpy(p.get_data_ptr(), &v, 4);
    } else if (p.is_write()) {
        std::memcpy(&v, p.get_data_ptr(), 4);
        if (!write(offset, v)) {
            p.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
            return;
        }
    } else {
        p.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
        return;
    }
    p.set_response_status(tlm::TLM_OK_RESPONSE);
}

/// Debug reads see the registers without side effects; debug writes are refused.
unsigned control_registers::transport_dbg(tlm::tlm_generic_payload& p) {
    if (!p.is_read() || !decode(p)) return 0;
    const std::uint32_t v = read(static_cast<std::uint32_t>(p.get_address()));
    std::memcpy(p.get_data_ptr(), &v, 4);
    return 4;
}

std::uint32_t control_registers::read(std::uint32_t offset) const {
    switch (offset) {
    case reg::id: return id_value;
    case reg::version: return map_version;
    case reg::ctrl: return 0;
    case reg::status: return (m_busy ? busy_bit : 0) | (m_done ? done_bit : 0) | (m_failed ? error_bit : 0);
    case reg::cycles_lo: return static_cast<std::uint32_t>(m_cycles);
    case reg::cycles_hi: return static_cast<std::uint32_t>(m_cycles >> 32);
    default: return m_regs[offset / 4];
    }
}

/// False for a write the map refuses (a read-only register).
bool control_registers::write(std::uint32_t offset, std::uint32_t value) {
    if (read_only(offset)) return false;
    if (offset != reg::ctrl) {
        m_regs[offset / 4] = value;
        return true;
    }
    if (value & clear_bit) {
        m_done = m_failed = false;
        m_regs[reg::error_code / 4] = static_cast<std::uint32_t>(reg_error::none);
        set_irq(false);
    }
    if (value & start_bit) start();
    return true;
}

void control_registers::start() {
    if (m_busy) {  // the running layer goes on; the second START is reported, not queued
        m_failed = true;
        m_regs[reg::error_code / 4] = static_cast<std::uint32_t>(reg_error::start_while_busy);
        m_error_text = "START while a layer is running";
        return;
    }
    m_busy = true;
    m_done = m_failed = false;
    m_start.notify(sc_core::SC_ZERO_TIME);
}

/// The descriptor registers as layer keys, each checked as `--set` checks it: a bad value is a
/// config_error naming the register and the key.
layer_descriptor control_registers::descriptor() const {
    const auto r = [this](std::uint32_t offset) { return m_regs[offset / 4]; };
    const struct {
        const char* reg_name;
        const char* key;
        std::uint32_t value;
    } fields[] = {
        {"IN_CHANNELS", "layer.in_channels", r(reg::in_channels)},
        {"OUT_CHANNELS", "layer.out_channels", r(reg::out_channels)},
        {"IN_HEIGHT", "layer.padded_height", r(reg::in_height)},
        {"IN_WIDTH", "layer.padded_width", r(reg::in_width)},
        {"KERNEL", "layer.kernel_h", r(reg::kernel) & 0xffff},
        {"KERNEL", "layer.kernel_w", r(reg::kernel) >> 16},
        {"STRIDE", "layer.stride", r(reg::stride)},
        {"BITS", "layer.act_bits", r(reg::bits) & 0xff},
        {"BITS", "layer.weight_bits", r(reg::bits) >> 8 & 0xff},
        {"BITS", "layer.psum_bits", r(reg::bits) >> 16 & 0xff},
    };
    accel_config cfg = m_arch;
    for (const auto& f : fields)
        cfg.set(f.key, std::to_string(f.value), key_source::command_line, std::string("register ") + f.reg_name);
    cfg.validate();
    layer_descriptor d;
    d.shape = cfg.layer;
    d.act_addr = join(r(reg::act_addr_lo), r(reg::act_addr_hi));
    d.weight_addr = join(r(reg::weight_addr_lo), r(reg::weight_addr_hi));
    d.out_addr = join(r(reg::out_addr_lo), r(reg::out_addr_hi));
    return d;
}

/// The block's thread: one layer per START. A descriptor the architecture cannot run sets ERROR
/// (bad_descriptor) and DONE, as a failed command of a real device does.
void control_registers::run() {
    for (;;) {
        sc_core::wait(m_start);
        reg_error why = reg_error::none;
        m_error_text.clear();
        try {
            m_cycles = m_launch(descriptor());
        } catch (const input_error& e) {
            why = reg_error::bad_descriptor;
            m_error_text = e.what();
        } catch (const std::exception& e) {
            why = reg_error::run_failed;
            m_error_text = e.what();
        }
        m_failed = why != reg_error::none;
        m_regs[reg::error_code / 4] = static_cast<std::uint32_t>(why);
        m_busy = false;
        m_done = true;
        if (m_regs[reg::irq_enable / 4] & 1u) set_irq(true);
    }
}

}  // namespace satlm
