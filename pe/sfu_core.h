#pragma once
/// The special-function unit in plain C++: one signed psum_bits accumulator per column and
/// an output register pipeline of sfu.latency stages (ReLU applied on the way out).
///
/// A pmem read issued at edge n presents Q at edge n + read latency, where `acc` adds it, so
/// k^2 reads and their adds take k^2 + read latency cycles.

#include <cstdint>
#include <vector>

namespace satlm {

class sfu_core {
public:
    sfu_core(unsigned cols, unsigned psum_bits, unsigned latency);

    /// One posedge. `q` is the pmem Q lanes (pre-edge, psum values). clear: acc <= 0;
    /// add: acc += q; load: acc <= q; out: output stage 0 <= acc (pre-edge), ReLU when `relu`.
    void clock(bool clear, bool add, bool load, const std::int32_t* q, bool out, bool relu) {
        if (m_latency == 1 && !(clear || add || load || out)) return;  // nothing moves
        clock_edge(clear, add, load, q, out, relu);
    }
    void reset();
    /// n posedges with every control low (same as n clock(false, false, false, _, false, _)).
    void idle(std::uint64_t n);

    std::int32_t acc(unsigned c) const { return m_acc[c]; }
    /// The output register (last stage): the accumulated sum, and with ReLU when flagged.
    std::int32_t out_sum(unsigned c) const { return m_stage[std::size_t{m_latency - 1} * m_cols + c]; }
    std::int32_t out_value(unsigned c) const {
        const std::int32_t v = out_sum(c);
        return m_relu[m_latency - 1] && v < 0 ? 0 : v;
    }
    bool out_relu() const { return m_relu[m_latency - 1] != 0; }

private:
    void clock_edge(bool clear, bool add, bool load, const std::int32_t* q, bool out, bool relu);
    std::int32_t wrap(std::int64_t v) const {
        return static_cast<std::int32_t>(static_cast<std::uint32_t>(v) << m_shift) >> m_shift;
    }
    unsigned m_cols, m_shift, m_latency;
    std::vector<std::int32_t> m_acc;
    std::vector<std::int32_t> m_stage;   // [stage][col]
    std::vector<std::uint8_t> m_relu;    // per stage
};

}  // namespace satlm
