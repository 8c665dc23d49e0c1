// A small virtual platform: a CPU, a bus, a memory and the satlm accelerator as a device. The
// CPU copies a layer's tensors into memory, programs the accelerator's registers
// (docs/registers.md), waits for its interrupt, and prints the outputs it reads back from
// memory, in the form of `satlm run --dump-out` (docs/platform.md).
//
//   satlm_platform SET [--set KEY=VALUE]...
//
// SET is a vector set (folder or manifest) as `satlm run` takes it. Exit 0 when the layer ran,
// 1 when the device reported an error, 2 on bad input (one line naming the file or key).

#include "platform_parts.h"

#include "accel/device.h"
#include "accel/offchip.h"
#include "tlm/report.h"
#include "tlm/set_pairs.h"
#include "vectors/vector_set.h"
#include "vectors/vector_writer.h"

#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

constexpr std::uint64_t dram_base = 0x80000000ull;
constexpr std::uint64_t regs_base = 0x40000000ull;

/// The CPU: a driver in one thread, talking to everything through the bus.
class cpu : public sc_core::sc_module {
public:
    tlm_utils::simple_initiator_socket<cpu> bus;
    sc_core::sc_in<bool> irq;

    SC_HAS_PROCESS(cpu);
    cpu(const sc_core::sc_module_name& name, const satlm::layer_data& layer)
        : sc_core::sc_module(name), bus("bus"), irq("irq"), m_layer(layer) {
        SC_THREAD(run);
    }

    satlm::layer_output output;
    std::uint64_t cycles = 0;
    bool failed = false;
    std::uint32_t error_code = 0;

private:
    void transfer(tlm::tlm_command cmd, std::uint64_t addr, unsigned char* data, unsigned bytes) {
        tlm::tlm_generic_payload p;
        p.set_command(cmd);
        p.set_address(addr);
        p.set_data_ptr(data);
        p.set_data_length(bytes);
        p.set_streaming_width(bytes);
        p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
        bus->b_transport(p, delay);
        if (!p.is_response_ok())
            throw std::runtime_error(fmt::format("bus {} at 0x{:x} failed: {}", cmd == tlm::TLM_READ_COMMAND ? "read" : "write",
                                                 addr, p.get_response_string()));
        sc_core::wait(delay);
    }
    void write32(std::uint32_t offset, std::uint32_t v) {
        unsigned char b[4] = {static_cast<unsigned char>(v), static_cast<unsigned char>(v >> 8),
                              static_cast<unsigned char>(v >> 16), static_cast<unsigned char>(v >> 24)};
        transfer(tlm::TLM_WRITE_COMMAND, regs_base + offset, b, 4);
    }
    std::uint32_t read32(std::uint32_t offset) {
        unsigned char b[4];
        transfer(tlm::TLM_READ_COMMAND, regs_base + offset, b, 4);
        return b[0] | b[1] << 8 | b[2] << 16 | std::uint32_t{b[3]} << 24;
    }
    /// A memcpy into or out of memory, in bursts of 256 bytes.
    void copy(tlm::tlm_command cmd, std::uint64_t addr, unsigned char* data, std::uint64_t bytes) {
        for (std::uint64_t done = 0; done < bytes; done += 256)
            transfer(cmd, addr + done, data + done, static_cast<unsigned>(std::min<std::uint64_t>(256, bytes - done)));
    }
    void write64(std::uint32_t lo, std::uint64_t v) {
        write32(lo, static_cast<std::uint32_t>(v));
        write32(lo + 4, static_cast<std::uint32_t>(v >> 32));
    }

    void program(const satlm::layer_keys& L, const satlm::offchip_layout& where) {
        namespace reg = satlm::reg;
        write32(reg::in_channels, L.in_channels);
        write32(reg::out_channels, L.out_channels);
        write32(reg::in_height, L.padded_height);
        write32(reg::in_width, L.padded_width);
        write32(reg::kernel, L.kernel_h | L.kernel_w << 16);
        write32(reg::stride, L.stride);
        write32(reg::bits, L.act_bits | L.weight_bits << 8 | L.psum_bits << 16);
        write64(reg::act_addr_lo, dram_base + where.activations);
        write64(reg::weight_addr_lo, dram_base + where.weights);
        write64(reg::out_addr_lo, dram_base + where.outputs);
        write32(reg::irq_enable, 1);
    }

    void run() {
        namespace reg = satlm::reg;
        const satlm::layer_keys& L = m_layer.shape;
        if (read32(reg::id) != satlm::control_registers::id_value) throw std::runtime_error("no satlm device at the register window");
        // The tensors into memory, laid out as the device reads them (docs/blocks/accelerator.md).
        const satlm::offchip_layout where = satlm::packed_layout(L, 0, false);
        std::vector<std::uint8_t> image;
        satlm::write_layer_image(m_layer, where, image);
        copy(tlm::TLM_WRITE_COMMAND, dram_base, image.data(), image.size());

        program(L, where);
        write32(reg::ctrl, 1u);  // START
        sc_core::wait(irq.posedge_event());
        const std::uint32_t status = read32(reg::status);
        failed = (status & 4u) != 0;
        error_code = read32(reg::error_code);
        cycles = read32(reg::cycles_lo) | std::uint64_t{read32(reg::cycles_hi)} << 32;
        if (!failed) {
            std::vector<std::uint8_t> out(satlm::output_bytes(L));
            copy(tlm::TLM_READ_COMMAND, dram_base + where.outputs, out.data(), out.size());
            output = satlm::read_output_region(out, 0, L, true);
        }
        write32(reg::ctrl, 2u);  // CLEAR
        sc_core::sc_stop();
    }

    const satlm::layer_data& m_layer;
};

struct options {
    std::string set;
    std::vector<std::string> sets;
};

options parse(int argc, char** argv) {
    options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--set" && i + 1 < argc) o.sets.push_back(argv[++i]);
        else if (a.rfind("--set=", 0) == 0) o.sets.push_back(a.substr(6));
        else if (!a.empty() && a[0] != '-' && o.set.empty()) o.set = a;
        else throw satlm::config_error(fmt::format("usage: satlm_platform SET [--set KEY=VALUE]... (unexpected `{}`)", a));
    }
    if (o.set.empty()) throw satlm::config_error("usage: satlm_platform SET [--set KEY=VALUE]... (no vector set)");
    return o;
}

}  // namespace

int sc_main(int argc, char** argv) {
    sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);  // "stopped by user"
    try {
        const options opt = parse(argc, argv);
        satlm::vector_set vs = satlm::load_vector_set(opt.set, satlm::accel_config{}, satlm::parse_set_pairs(opt.sets, "array.rows=16"), false);
        vs.config.validate();
        const satlm::layer_keys& L = vs.config.layer;

        const std::uint64_t dram_bytes = satlm::layout_end(L, satlm::packed_layout(L, 0, false));
        platform::bus interconnect("bus", {{dram_base, dram_bytes}, {regs_base, satlm::reg::size}});
        platform::memory dram("dram", dram_bytes, sc_core::SC_ZERO_TIME);
        satlm::device accel("accel", vs.config);
        cpu core("cpu", vs.layer);
        sc_core::sc_signal<bool> irq("irq");

        core.bus.bind(interconnect.in);
        accel.offchip.bind(interconnect.in);
        interconnect.out(0).bind(dram.port);
        interconnect.out(1).bind(accel.regs);
        accel.irq.bind(irq);
        core.irq.bind(irq);

        sc_core::sc_start();
        if (core.failed) {
            std::fprintf(stderr, "satlm_platform: the device reported ERROR_CODE %u: %s\n", core.error_code,
                         accel.registers().last_error().c_str());
            return 1;
        }
        std::fputs(satlm::output_file_text(core.output, L.psum_bits).c_str(), stdout);
        std::fprintf(stderr, "satlm_platform: layer %ux%ux%u -> %u channels done in %llu cycles\n", L.padded_height,
                     L.padded_width, L.in_channels, L.out_channels, static_cast<unsigned long long>(core.cycles));
        return 0;
    } catch (const satlm::input_error& e) {
        std::fprintf(stderr, "satlm_platform: %s\n", e.what());
        return 2;
    }
}

int main(int argc, char** argv) {
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);  // stdout carries only the outputs
    return sc_core::sc_elab_and_sim(argc, argv);
}
