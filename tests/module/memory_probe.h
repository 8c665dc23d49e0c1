#pragma once
/// A plain TLM initiator for the memory module tests (sram_bank, sram_memory, banked_memory): an
/// SC_THREAD runs the case's body against a model from the registry, then stops the simulation.

#include "sram/memory_model.h"

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace satlm::test {

struct memory_probe : sc_core::sc_module {
    tlm_utils::simple_initiator_socket<memory_probe> out;
    std::function<void(memory_probe&)> body;
    bool finished = false;
    unsigned word_bytes = 0;

    SC_HAS_PROCESS(memory_probe);
    explicit memory_probe(const sc_core::sc_module_name& n) : sc_core::sc_module(n), out("out") { SC_THREAD(run); }

    void run() {
        body(*this);
        finished = true;
        sc_core::sc_stop();
    }

    /// One blocking transaction with `delay` in and out; returns its response status.
    tlm::tlm_response_status transact(tlm::tlm_command cmd, std::uint64_t addr, std::uint8_t* data, unsigned len,
                                      sc_core::sc_time& delay, std::uint8_t* byte_enable = nullptr,
                                      unsigned be_len = 0) {
        tlm::tlm_generic_payload p;
        p.set_command(cmd);
        p.set_address(addr);
        p.set_data_ptr(data);
        p.set_data_length(len);
        p.set_streaming_width(len);
        p.set_byte_enable_ptr(byte_enable);
        p.set_byte_enable_length(be_len);
        p.set_dmi_allowed(false);
        p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        out->b_transport(p, delay);
        last_dmi_hint = p.is_dmi_allowed();
        return p.get_response_status();
    }
    tlm::tlm_response_status transact(tlm::tlm_command cmd, std::uint64_t addr, std::uint8_t* data, unsigned len) {
        sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
        return transact(cmd, addr, data, len, delay);
    }
    /// Word-sized accesses (address = word x word_bytes) as the structural top sends them.
    tlm::tlm_response_status write_word(unsigned word, std::vector<std::uint8_t> bytes,
                                        sc_core::sc_time& delay) {
        return transact(tlm::TLM_WRITE_COMMAND, std::uint64_t{word} * word_bytes, bytes.data(),
                        static_cast<unsigned>(bytes.size()), delay);
    }
    tlm::tlm_response_status read_word(unsigned word, std::vector<std::uint8_t>& bytes, sc_core::sc_time& delay) {
        bytes.assign(word_bytes, 0xEE);
        return transact(tlm::TLM_READ_COMMAND, std::uint64_t{word} * word_bytes, bytes.data(),
                        static_cast<unsigned>(bytes.size()), delay);
    }
    /// A read of `word` at this cycle (no incoming delay); returns the delay the model added.
    sc_core::sc_time read_delay(unsigned word) {
        std::vector<std::uint8_t> r;
        sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
        BOOST_TEST(read_word(word, r, delay) == tlm::TLM_OK_RESPONSE);
        return delay;
    }
    unsigned debug(tlm::tlm_command cmd, std::uint64_t addr, std::uint8_t* data, unsigned len) {
        tlm::tlm_generic_payload p;
        p.set_command(cmd);
        p.set_address(addr);
        p.set_data_ptr(data);
        p.set_data_length(len);
        return out->transport_dbg(p);
    }

    bool last_dmi_hint = false;
};

/// A model from the registry (by name) bound to a probe; `keys` sets banks, ports, bank_cycles.
struct memory_bench {
    sram_keys keys;
    memory_params params;
    std::unique_ptr<memory_model> model;
    memory_probe init{"init"};

    memory_bench(const std::string& name, const std::string& role, unsigned words, unsigned width_bits,
                 const sram_keys& k, std::function<void(memory_probe&)> body)
        : keys(k) {
        params.role = role;
        params.words = words;
        params.width_bits = width_bits;
        params.word_bytes = (width_bits + 7) / 8;
        params.period = sc_core::sc_time(10, sc_core::SC_NS);
        params.keys = &keys;
        model = make_memory_model(name, "mem", params);
        init.word_bytes = params.word_bytes;
        init.body = std::move(body);
        init.out.bind(model->target());
    }
    void run() {
        sc_core::sc_start();
        BOOST_TEST(init.finished);
    }
    sc_core::sc_time cycles(unsigned n) const { return n * params.period; }
};

}  // namespace satlm::test
