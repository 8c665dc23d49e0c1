#pragma once
/// The loosely-timed TLM-2.0 model: a sequencer (initiator) sends one blocking transaction per
/// kernel-position pass, or per run of accumulation steps, to the array + SFU (target), which
/// computes it functionally (testbench/lt_core) and adds the steps' analytic cycles to the
/// delay. The sequencer is temporally decoupled by a quantum keeper with a quantum of at least
/// 10^4 cycles, so the simulated time at the end equals cycles.total x clock period.
///
///     lt_sequencer.out --(lt_job_extension: the job's schedule steps)--> lt_array.in
///
/// Does not model: per-cycle behaviour, SRAM ports or FIFOs as separate blocks (use the cycle
/// model for those); there is no clock. Their statistics (FIFO high water, SRAM peak bytes per
/// cycle) still equal the cycle model's: the schedule derives them exactly.
///
/// \code
///   satlm::run_result r = satlm::run_lt_systemc(cfg, layer, satlm::plan_tiling(cfg));
/// \endcode

#include "dataflow/ws/lt_core.h"

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>


namespace satlm {

/// The work of one transaction: a job of the program (its schedule steps) for one group.
/// Carried as an ignorable-command extension, so the payload's data pointer stays unused.
struct lt_job_extension : tlm::tlm_extension<lt_job_extension> {
    const lt_program* program = nullptr;
    const lt_job* job = nullptr;
    lt_group group;
    std::uint64_t cycles = 0;  ///< set by the target: the job's cycles

    tlm::tlm_extension_base* clone() const override { return new lt_job_extension(*this); }
    void copy_from(const tlm::tlm_extension_base& other) override {
        *this = static_cast<const lt_job_extension&>(other);
    }
};

/// The array and SFU as an LT target: runs each job on the functional core.
class lt_array : public sc_core::sc_module {
public:
    tlm_utils::simple_target_socket<lt_array> in;  ///< jobs from the sequencer

    lt_array(const sc_core::sc_module_name& name, lt_core& core, const accel_config& cfg);

private:
    void b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
    lt_core& m_core;
    sc_core::sc_time m_period;
};

/// The kij sequencer as an LT initiator: cuts the schedule into jobs and sends them.
class lt_sequencer : public sc_core::sc_module {
public:
    tlm_utils::simple_initiator_socket<lt_sequencer> out;  ///< jobs to the array

    lt_sequencer(const sc_core::sc_module_name& name, const lt_program& program,
                 const accel_config& cfg);

    bool done() const { return m_done; }
    std::uint64_t transactions() const { return m_transactions; }

private:
    void run_schedule();
    const lt_program& m_program;
    sc_core::sc_time m_period;
    tlm_utils::tlm_quantumkeeper m_qk;
    bool m_done = false;
    std::uint64_t m_transactions = 0;
};

/// Top of the LT model: the sequencer bound to the array.
class lt_model : public sc_core::sc_module {
public:
    lt_model(const sc_core::sc_module_name& name, const accel_config& cfg, const layer_data& layer,
             const tiling_plan& plan);

    /// After sc_start: the outputs and statistics; checks the simulated time against the cycles.
    run_result result();

private:
    accel_config m_cfg;
    lt_program m_program;
    lt_core m_core;

public:
    lt_sequencer sequencer;
    lt_array array;
};

/// Elaborates lt_model, runs sc_start to the end of the schedule, returns the result. Once per
/// process (SystemC elaborates once).
run_result run_lt_systemc(const accel_config& cfg, const layer_data& layer, const tiling_plan& plan);

}  // namespace satlm
