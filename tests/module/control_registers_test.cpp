// control_registers (accel/control_registers.h, docs/registers.md): the register map driven by a
// CPU-like initiator through its TLM socket, with a launcher that stands for the accelerator and
// takes simulated time. One process per case: each case elaborates its own bench.
// ctest-cases: control_registers/reset_values_and_id control_registers/access_errors
// ctest-cases: control_registers/start_runs_the_descriptor_and_raises_irq control_registers/start_while_busy_is_refused
// ctest-cases: control_registers/bad_descriptor_sets_error control_registers/polling_without_irq
#include "accel/control_registers.h"

#include "support/sc_fixture.h"

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <functional>
#include <vector>

using namespace satlm;

namespace {

struct cpu : sc_core::sc_module {
    tlm_utils::simple_initiator_socket<cpu> out;
    sc_core::sc_in<bool> irq;
    std::function<void(cpu&)> body;
    bool finished = false;

    SC_HAS_PROCESS(cpu);
    explicit cpu(const sc_core::sc_module_name& n) : sc_core::sc_module(n), out("out"), irq("irq") { SC_THREAD(run); }
    void run() {
        body(*this);
        finished = true;
        sc_core::sc_stop();
    }

    tlm::tlm_response_status access(tlm::tlm_command cmd, std::uint64_t addr, std::uint8_t* data, unsigned len) {
        tlm::tlm_generic_payload p;
        p.set_command(cmd);
        p.set_address(addr);
        p.set_data_ptr(data);
        p.set_data_length(len);
        p.set_streaming_width(len);
        p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
        out->b_transport(p, delay);
        return p.get_response_status();
    }
    tlm::tlm_response_status write(std::uint32_t offset, std::uint32_t v) {
        std::uint8_t b[4] = {std::uint8_t(v), std::uint8_t(v >> 8), std::uint8_t(v >> 16), std::uint8_t(v >> 24)};
        return access(tlm::TLM_WRITE_COMMAND, offset, b, 4);
    }
    std::uint32_t read(std::uint32_t offset) {
        std::uint8_t b[4] = {};
        BOOST_TEST(access(tlm::TLM_READ_COMMAND, offset, b, 4) == tlm::TLM_OK_RESPONSE);
        return b[0] | b[1] << 8 | b[2] << 16 | std::uint32_t{b[3]} << 24;
    }
};

/// The register block with a launcher that records each descriptor and takes `run_time`.
struct bench {
    std::vector<layer_descriptor> launched;
    sc_core::sc_time run_time{50, sc_core::SC_NS};
    control_registers regs{"regs", accel_config{}, [this](const layer_descriptor& d) {
                               launched.push_back(d);
                               sc_core::wait(run_time);
                               return std::uint64_t{0x123456789ull};
                           }};
    cpu init{"cpu"};
    sc_core::sc_signal<bool> irq{"irq"};
    explicit bench(std::function<void(cpu&)> body) {
        init.body = std::move(body);
        init.out.bind(regs.bus);
        regs.irq.bind(irq);
        init.irq.bind(irq);
    }
    void run() {
        sc_core::sc_start();
        BOOST_TEST(init.finished);
    }
};

constexpr std::uint32_t busy = 1, done = 2, error = 4;

}  // namespace

BOOST_FIXTURE_TEST_SUITE(control_registers, test::sc_fixture)

BOOST_AUTO_TEST_CASE(reset_values_and_id) {
    bench b([](cpu& c) {
        BOOST_TEST(c.read(reg::id) == 0x5341544cu);
        BOOST_TEST(c.read(reg::version) == 1u);
        BOOST_TEST(c.read(reg::status) == 0u);
        BOOST_TEST(c.read(reg::in_channels) == 8u);
        BOOST_TEST(c.read(reg::in_height) == 6u);
        BOOST_TEST(c.read(reg::kernel) == 0x00030003u);
        BOOST_TEST(c.read(reg::bits) == 0x00100404u);
        BOOST_TEST(c.read(reg::ctrl) == 0u);
        BOOST_TEST(c.write(reg::act_addr_hi, 0xdeadbeef) == tlm::TLM_OK_RESPONSE);
        BOOST_TEST(c.read(reg::act_addr_hi) == 0xdeadbeefu);
    });
    b.run();
    BOOST_TEST(b.launched.empty());
}

BOOST_AUTO_TEST_CASE(access_errors) {
    bench b([](cpu& c) {
        for (std::uint32_t ro : {reg::id, reg::version, reg::status, reg::cycles_lo, reg::cycles_hi, reg::error_code})
            BOOST_TEST(c.write(ro, 1) == tlm::TLM_COMMAND_ERROR_RESPONSE);
        std::uint8_t b8[8] = {};
        BOOST_TEST(c.access(tlm::TLM_READ_COMMAND, reg::in_channels, b8, 8) == tlm::TLM_BURST_ERROR_RESPONSE);
        BOOST_TEST(c.access(tlm::TLM_READ_COMMAND, reg::in_channels + 2, b8, 4) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
        BOOST_TEST(c.access(tlm::TLM_WRITE_COMMAND, reg::size, b8, 4) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
        BOOST_TEST(c.access(tlm::TLM_IGNORE_COMMAND, reg::status, b8, 4) == tlm::TLM_COMMAND_ERROR_RESPONSE);
        BOOST_TEST(c.read(reg::id) == 0x5341544cu);  // refused writes changed nothing
    });
    b.run();
}

BOOST_AUTO_TEST_CASE(start_runs_the_descriptor_and_raises_irq) {
    bench b([](cpu& c) {
        c.write(reg::in_channels, 16);
        c.write(reg::out_channels, 24);
        c.write(reg::in_height, 10);
        c.write(reg::in_width, 12);
        c.write(reg::kernel, 3 | 1 << 16);
        c.write(reg::stride, 2);
        c.write(reg::bits, 2 | 4 << 8 | 20 << 16);
        c.write(reg::act_addr_lo, 0x1000);
        c.write(reg::weight_addr_lo, 0x2000);
        c.write(reg::weight_addr_hi, 1);
        c.write(reg::out_addr_lo, 0x3000);
        c.write(reg::irq_enable, 1);
        BOOST_TEST(c.write(reg::ctrl, 1) == tlm::TLM_OK_RESPONSE);
        const sc_core::sc_time t0 = sc_core::sc_time_stamp();
        sc_core::wait(sc_core::SC_ZERO_TIME);
        BOOST_TEST(c.read(reg::status) == busy);
        sc_core::wait(c.irq.posedge_event());
        BOOST_TEST(sc_core::sc_time_stamp() - t0 == sc_core::sc_time(50, sc_core::SC_NS));
        BOOST_TEST(c.read(reg::status) == done);
        BOOST_TEST(c.read(reg::cycles_lo) == 0x23456789u);
        BOOST_TEST(c.read(reg::cycles_hi) == 0x1u);
        BOOST_TEST(c.read(reg::error_code) == 0u);
        c.write(reg::ctrl, 2);  // CLEAR
        sc_core::wait(sc_core::SC_ZERO_TIME);
        sc_core::wait(sc_core::SC_ZERO_TIME);
        BOOST_TEST(!c.irq.read());
        BOOST_TEST(c.read(reg::status) == 0u);
    });
    b.run();
    BOOST_TEST_REQUIRE(b.launched.size() == 1u);
    const layer_descriptor& d = b.launched[0];
    BOOST_TEST(d.shape.in_channels == 16u);
    BOOST_TEST(d.shape.out_channels == 24u);
    BOOST_TEST(d.shape.padded_height == 10u);
    BOOST_TEST(d.shape.padded_width == 12u);
    BOOST_TEST(d.shape.kernel_h == 3u);
    BOOST_TEST(d.shape.kernel_w == 1u);
    BOOST_TEST(d.shape.stride == 2u);
    BOOST_TEST(d.shape.act_bits == 2u);
    BOOST_TEST(d.shape.weight_bits == 4u);
    BOOST_TEST(d.shape.psum_bits == 20u);
    BOOST_TEST(d.act_addr == 0x1000u);
    BOOST_TEST(d.weight_addr == 0x100002000ull);
    BOOST_TEST(d.out_addr == 0x3000u);
}

BOOST_AUTO_TEST_CASE(start_while_busy_is_refused) {
    bench b([](cpu& c) {
        c.write(reg::ctrl, 1);
        sc_core::wait(10, sc_core::SC_NS);
        c.write(reg::ctrl, 1);  // the running layer goes on; the second START is reported
        BOOST_TEST(c.read(reg::status) == (busy | error));
        BOOST_TEST(c.read(reg::error_code) == 2u);
        sc_core::wait(100, sc_core::SC_NS);
        BOOST_TEST((c.read(reg::status) & done) != 0u);
    });
    b.run();
    BOOST_TEST(b.launched.size() == 1u);
}

BOOST_AUTO_TEST_CASE(bad_descriptor_sets_error) {
    bench b([](cpu& c) {
        c.write(reg::in_channels, 0);  // no channels: not a layer
        c.write(reg::irq_enable, 1);
        c.write(reg::ctrl, 1);
        sc_core::wait(c.irq.posedge_event());
        BOOST_TEST(c.read(reg::status) == (done | error));
        BOOST_TEST(c.read(reg::error_code) == 1u);
        c.write(reg::ctrl, 2);
        BOOST_TEST(c.read(reg::status) == 0u);
        BOOST_TEST(c.read(reg::error_code) == 0u);
    });
    b.run();
    BOOST_TEST(b.launched.empty());
    BOOST_TEST(b.regs.last_error() == "register IN_CHANNELS: key `layer.in_channels`: expected 1..16777216, got 0", b.regs.last_error());
}

BOOST_AUTO_TEST_CASE(polling_without_irq) {
    bench b([](cpu& c) {
        c.write(reg::ctrl, 1);
        int polls = 0;
        while (!(c.read(reg::status) & done)) {
            sc_core::wait(5, sc_core::SC_NS);
            ++polls;
        }
        BOOST_TEST(polls >= 9);
        BOOST_TEST(!c.irq.read());  // IRQ_ENABLE is 0
    });
    b.run();
    BOOST_TEST(b.launched.size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
