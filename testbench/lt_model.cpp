#include "testbench/lt_model.h"

#include "tlm/report.h"

#include <fmt/format.h>

#include <cmath>

namespace satlm {

namespace {

constexpr const char* msg_type = "satlm/lt_model";
/// Quantum of the sequencer's temporal decoupling, in cycles (docs/PERFORMANCE.md: >= 10^4, so
/// that a quantum spans many passes and the kernel is entered rarely).
constexpr std::uint64_t quantum_cycles = 100000;

sc_core::sc_time clock_period(const accel_config& cfg) {
    return sc_core::sc_time(cfg.arch.clock_period_ns, sc_core::SC_NS);
}

}  // namespace

lt_array::lt_array(const sc_core::sc_module_name& name, lt_core& core, const accel_config& cfg)
    : sc_core::sc_module(name), in("in"), m_core(core), m_period(clock_period(cfg)) {
    in.register_b_transport(this, &lt_array::b_transport);
}

void lt_array::b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
    lt_job_extension* job = nullptr;
    gp.get_extension(job);
    if (!job || !job->program || !job->job || gp.get_command() != tlm::TLM_IGNORE_COMMAND) {
        gp.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
        log_warn(msg_type, "{}: transaction without an lt_job_extension", name());
        return;
    }
    job->cycles = m_core.execute(*job->program, *job->job, job->group);
    delay += m_period * double(job->cycles);
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
}

lt_sequencer::lt_sequencer(const sc_core::sc_module_name& name,
                           const lt_program& program, const accel_config& cfg)
    : sc_core::sc_module(name), out("out"), m_program(program), m_period(clock_period(cfg)) {
    tlm::tlm_global_quantum::instance().set(m_period * double(quantum_cycles));
    m_qk.reset();
    SC_HAS_PROCESS(lt_sequencer);
    SC_THREAD(run_schedule);
}

void lt_sequencer::run_schedule() {
    tlm::tlm_generic_payload gp;
    lt_job_extension job;
    gp.set_extension(&job);
    gp.set_command(tlm::TLM_IGNORE_COMMAND);
    gp.set_data_ptr(nullptr);
    gp.set_data_length(0);
    m_qk.reset();
    job.program = &m_program;
    m_program.for_each_job([&](const lt_job& j, const lt_group& g) {
        job.job = &j;
        job.group = g;
        job.cycles = 0;
        gp.set_address(m_transactions);
        gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        sc_core::sc_time delay = m_qk.get_local_time();
        out->b_transport(gp, delay);
        SATLM_ASSERT(msg_type, gp.is_response_ok(), "{}: job {} failed: {}", name(), m_transactions,
                     gp.get_response_string());
        m_qk.set(delay);
        if (m_qk.need_sync()) m_qk.sync();
        ++m_transactions;
    });
    m_qk.sync();
    gp.clear_extension(&job);
    m_done = true;
}

lt_model::lt_model(const sc_core::sc_module_name& name, const accel_config& cfg,
                   const layer_data& layer, const tiling_plan& plan)
    : sc_core::sc_module(name)
    , m_cfg(cfg)
    , m_program(cfg, plan)
    , m_core(cfg, layer, plan)
    , sequencer("sequencer", m_program, cfg)
    , array("array", m_core, cfg) {
    sequencer.out.bind(array.in);
}

run_result lt_model::result() {
    SATLM_ASSERT(msg_type, sequencer.done(), "{}: the schedule did not finish", name());
    run_result r = m_core.finish();
    // The annotated time must be the schedule's cycle count (no cycle lost or added in transit).
    const double cycles = sc_core::sc_time_stamp() / clock_period(m_cfg);
    SATLM_ASSERT(msg_type, std::llround(cycles) == static_cast<long long>(r.stats.cycles.total()),
                 "{}: simulated {} cycles, the schedule has {}", name(), cycles,
                 r.stats.cycles.total());
    // simulated_seconds stays cycles x period (as in the cycle model): the kernel's time was just
    // checked to be that many cycles, and to_seconds() could round the last bit differently.
    log_info(msg_type, "{}: {} cycles in {} transactions", name(), r.stats.cycles.total(),
             sequencer.transactions());
    return r;
}

run_result run_lt_systemc(const accel_config& cfg, const layer_data& layer, const tiling_plan& plan) {
    lt_model top("lt", cfg, layer, plan);
    sc_core::sc_start();
    return top.result();
}

}  // namespace satlm
