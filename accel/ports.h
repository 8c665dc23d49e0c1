#pragma once
/// What travels between the blocks of the structural top (accel/accelerator.h), one value per
/// clock: the instruction word, packed SRAM words, and whole vectors of lanes (never one signal
/// per PE). Each type has what sc_signal needs (==, <<) and an sc_trace that shows every lane
/// under the port's hierarchical name. Plus `edge_clock`, the clock every block's process is
/// sensitive to.

#include "pe/instruction.h"

#include <systemc>

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace satlm {

/// A vector of lanes (L0 heads, psums, pmem Q, SFU sums, packed word bytes). The size is fixed
/// at elaboration (a trace holds references into it).
/// The channel between two blocks: one writer each, so the writer check is left out (it costs
/// a few ns per write on the hot path, docs/PERFORMANCE.md).
template <typename T>
using wire = sc_core::sc_signal<T, sc_core::SC_UNCHECKED_WRITERS>;

template <typename T>
struct lane_vector {
    std::vector<T> lanes;
    lane_vector() = default;
    explicit lane_vector(std::size_t n) : lanes(n, T{}) {}
    bool operator==(const lane_vector& o) const { return lanes == o.lanes; }
};

template <typename T>
std::ostream& operator<<(std::ostream& os, const lane_vector<T>& v) {
    for (std::size_t i = 0; i < v.lanes.size(); ++i) os << (i ? " " : "") << +v.lanes[i];
    return os;
}

template <typename T>
void sc_trace(sc_core::sc_trace_file* tf, const lane_vector<T>& v, const std::string& name) {
    for (std::size_t i = 0; i < v.lanes.size(); ++i)
        sc_core::sc_trace(tf, v.lanes[i], name + "(" + std::to_string(i) + ")");
}

using byte_lanes = lane_vector<std::uint8_t>;
using psum_lanes = lane_vector<std::int32_t>;

/// The array's south outputs between two edges: which columns push into the OFIFO at the next
/// edge and their psums (the RTL's valid[c] and out_s wires).
struct psum_bus {
    std::vector<std::uint8_t> valid;
    std::vector<std::int32_t> value;
    bool any = false;
    psum_bus() = default;
    explicit psum_bus(std::size_t cols) : valid(cols, 0), value(cols, 0) {}
    bool operator==(const psum_bus& o) const { return any == o.any && valid == o.valid && value == o.value; }
};
std::ostream& operator<<(std::ostream& os, const psum_bus& b);
void sc_trace(sc_core::sc_trace_file* tf, const psum_bus& b, const std::string& name);

/// The OFIFO's read side: o_valid and every column's head.
struct ofifo_bus {
    bool valid = false;
    std::vector<std::int32_t> head;
    ofifo_bus() = default;
    explicit ofifo_bus(std::size_t cols) : head(cols, 0) {}
    bool operator==(const ofifo_bus& o) const { return valid == o.valid && head == o.head; }
};
std::ostream& operator<<(std::ostream& os, const ofifo_bus& b);
void sc_trace(sc_core::sc_trace_file* tf, const ofifo_bus& b, const std::string& name);

/// The instruction word the controller drives (pe/instruction.h), with `repeat`: the edges it
/// stands for. repeat > 1 only where every block reaches a state those edges cannot change
/// (a held reset; blank words with nothing in flight), so a block may advance them at once.
struct instruction_word {
    instruction in;
    std::uint32_t repeat = 1;
    bool operator==(const instruction_word& o) const;
};
std::ostream& operator<<(std::ostream& os, const instruction_word& w);
void sc_trace(sc_core::sc_trace_file* tf, const instruction_word& w, const std::string& name);

/// Whether no control bit is set: an edge acting on it only advances pipelines.
bool is_blank(const instruction& in);

/// The accelerator's clock as a channel a `sc_in<bool>` binds to: the controller ticks it once
/// per clock edge (an immediate posedge event, no negedge activity). It replaces an sc_clock so
/// that a stall or a fast-forwarded stretch costs one tick instead of one per cycle.
class edge_clock : public sc_core::sc_prim_channel, public sc_core::sc_signal_in_if<bool> {
public:
    explicit edge_clock(const char* name)
        : sc_core::sc_prim_channel(name)
        , m_edges((std::string(name) + "_edges").c_str())
        , m_never((std::string(name) + "_never").c_str()) {}

    /// One rising edge now (immediate notification: processes on pos() run in this delta).
    void tick() {
        m_level = !m_level;  // the traced level toggles per edge
        m_edges.notify();
        m_posedge_delta = sc_core::sc_delta_count();
    }

    const sc_core::sc_event& value_changed_event() const override { return m_edges; }
    const sc_core::sc_event& posedge_event() const override { return m_edges; }
    const sc_core::sc_event& negedge_event() const override { return m_never; }
    const sc_core::sc_event& default_event() const override { return m_edges; }
    const bool& read() const override { return m_level; }
    const bool& get_data_ref() const override { return m_level; }
    bool event() const override { return posedge(); }
    bool posedge() const override { return m_posedge_delta == sc_core::sc_delta_count(); }
    bool negedge() const override { return false; }
    const char* kind() const override { return "edge_clock"; }

private:
    sc_core::sc_event m_edges, m_never;
    bool m_level = false;
    sc_dt::uint64 m_posedge_delta = ~sc_dt::uint64{0};
};

/// The accelerator's clocks: the corelet datapath's (L0, array, OFIFO) ticks at every edge; the
/// memory ports' and the SFU's are gated: they tick at the edges whose instruction word concerns
/// them (or when their pipelines move), as clock gating does in the RTL, so an idle block costs
/// no process activation. Skipped edges are exactly the ones that would change nothing.
struct clock_set {
    edge_clock core{"clk"};
    edge_clock xmem{"xmem_clk"};
    edge_clock pmem{"pmem_clk"};
    edge_clock sfu{"sfu_clk"};
};

}  // namespace satlm
