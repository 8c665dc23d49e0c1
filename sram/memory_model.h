#pragma once
/// Replaceable memory models: what the structural top binds as xmem and pmem, chosen by name
/// (`xmem.model`, `pmem.model`) from a registry a user can add to without touching satlm.
///
/// A memory model is an sc_module with a TLM-2.0 target socket. The structural top reaches it
/// through an initiator socket with this protocol:
/// - one b_transport per access the RTL macro makes at a clock edge (a cycle with a write and a
///   second-port read sends two), one packed word each: address = word x word_bytes, data
///   length = streaming width = word_bytes, no byte enables;
/// - the delay the target adds to the annotated delay is the time the access keeps the
///   accelerator waiting beyond its cycle: zero for a macro that keeps up with the clock. The
///   accelerator stalls for ceil(delay / period) cycles (counted as cycles.stall_causes of the
///   memory), so a slower model changes the cycles and never the data;
/// - transport_dbg gives backdoor access to the words (the testbench reads the psums with it);
///   get_direct_mem_ptr may grant DMI.
/// Read data is what the memory holds at the edge the access is sent; the accelerator keeps the
/// macro's read latency (`<mem>.read_latency`) in its own pipeline.
///
/// \code
///   // in a user's program, before the top is built:
///   static const bool registered = satlm::register_memory_model(
///       "my_sram", [](const sc_core::sc_module_name& n, const satlm::memory_params& p) {
///           return std::make_unique<my_sram>(n, p);
///       });
/// \endcode

#include "tlm/config.h"

#include <systemc>
#include <tlm>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace satlm {

/// What a memory model is built from.
struct memory_params {
    std::string role;              ///< "xmem" or "pmem": the key prefix of its settings
    unsigned words = 0;            ///< depth in words
    unsigned width_bits = 0;       ///< bits per word (the RTL's packed word)
    unsigned word_bytes = 0;       ///< bytes per word in a payload (width_bits rounded up)
    sc_core::sc_time period;       ///< one clock of the accelerator
    const sram_keys* keys = nullptr;  ///< the memory's keys (<role>.*): banks, bank_cycles, ...
};

/// A memory the structural top binds to one of its initiator sockets.
class memory_model : public sc_core::sc_module {
public:
    using sc_core::sc_module::sc_module;
    virtual tlm::tlm_target_socket<>& target() = 0;
    /// Accesses served so far through b_transport (transport_dbg does not count).
    virtual std::uint64_t reads() const = 0;
    virtual std::uint64_t writes() const = 0;
};

using memory_factory =
    std::function<std::unique_ptr<memory_model>(const sc_core::sc_module_name&, const memory_params&)>;

/// Registers `make` under `name`; a later registration of the same name replaces it. Returns
/// true, so a user's file can register from a static initializer.
bool register_memory_model(const std::string& name, memory_factory make);
/// Every registered name, sorted (the built-ins "sram" and "banked" included).
std::vector<std::string> memory_model_names();
/// Builds the model named `name` (`<p.role>.model`); throws config_error naming the key and the
/// registered names when there is none, or what the model's factory rejects.
std::unique_ptr<memory_model> make_memory_model(const std::string& name, const sc_core::sc_module_name& instance,
                                                const memory_params& p);

}  // namespace satlm
