#pragma once
/// The R x C weight-stationary PE array in plain C++, with the RTL's mac_tile register
/// semantics (docs/rtl-reference.md sections 3.4, 3.5 and 5), stored as structure-of-arrays.
///
/// Per PE: inst_q {load, execute, rearm}, a_q, the weight(s), c_q and a latch counter (the
/// RTL's load_ready_q; 2 latches per PE in 2-bit mode). {load, execute, rearm} reach row r
/// r+1 edges after the core samples them and move east one column per edge (load only once the
/// PE holds its weights, hence 2 edges per column, 3 in 2-bit mode). Psums move south through
/// c_q; column c's bottom PE pushes into the OFIFO while its inst_q execute bit is set.
/// `rearm` (overlapped schedule) re-arms the latch counter instead of a reset.
///
/// Speed (docs/PERFORMANCE.md): registers are int16 planes when psum_bits <= 16 (int32
/// otherwise), one branch-free, vectorizable loop per row, with compile-time widths for the
/// common array sizes. A row is only evaluated when it can change: it holds or receives an
/// instruction bit, or the row north of it changed at the previous edge (c_q follows it).
/// Every other row is at a fixed point, so skipping it is exact.

#include <cstdint>
#include <vector>

namespace satlm {

class pe_array_core {
public:
    /// `two_bit`: mode 1 (two 2-bit activations per lane, two weights per PE).
    pe_array_core(unsigned rows, unsigned cols, unsigned psum_bits, bool two_bit);

    unsigned rows() const { return m_rows; }
    unsigned cols() const { return m_cols; }

    /// One posedge. `west[r]` is the L0 row r head (pre-edge); {load, execute, rearm} the
    /// instruction the core samples at this edge. Fills push_valid()/push_value() with the
    /// bottom row's pre-edge outputs (what the OFIFO pushes at this edge).
    void clock(const std::uint8_t* west, bool load, bool execute, bool rearm) {
        const auto bits = static_cast<std::uint8_t>((load ? 1 : 0) | (execute ? 2 : 0) | (rearm ? 4 : 0));
        if (m_probe) clock_probed();
        const bool in_flight = m_last_bits && m_edge - (m_last_bits - 1) <= m_rows;
        if (!(m_quiet && !in_flight)) m_edge_fn(*this, west);
        // else: every register is at a fixed point and nothing enters: the edge changes nothing.
        m_hist[m_edge & m_hist_mask] = bits;
        if (bits) {
            m_last_bits = m_edge + 1;
            if (bits & 5) m_last_lr = m_edge + 1;
            if (bits & 6) m_last_er = m_edge + 1;
            m_clear = false;
        }
        ++m_edge;
    }
    /// One posedge in reset (counts as an edge: call instead of clock()).
    void reset();
    /// n edges without instruction bits; requires quiet(). Same as n clock(_, false, false, false).
    void idle(std::uint64_t n);
    /// n more reset edges right after a reset edge (same as n reset()).
    void idle_reset(std::uint64_t n) {
        if (n && !m_clear) {
            reset();
            --n;
        }
        m_edge += n;  // the control state and the ring are clear
    }

    const std::uint8_t* push_valid() const { return m_push_valid.data(); }
    const std::int32_t* push_value() const { return m_push_value.data(); }
    /// What column c pushes at the next edge, read from the registers between edges: the
    /// bottom PE's execute bit (the RTL's valid[c], its inst_q[1]) and its out_s (0 while the
    /// bit is clear). The RTL's wires hold these values from one edge to the next, so a trace
    /// shows them one edge before push_valid()/push_value() report the push.
    bool next_push_valid(unsigned c) const { return get(P_EX, m_rows - 1, c) != 0; }
    std::int32_t next_push_value(unsigned c) const;
    bool any_push() const { return m_any_push; }
    /// Whether any PE or row stage still holds a load/execute/rearm bit.
    bool busy() const;
    /// Whether an edge without new instruction bits would change nothing: no bit in flight and
    /// every c_q settled. Then clock() is a no-op apart from counting the edge.
    bool quiet() const { return m_quiet && !(m_last_bits && m_edge - (m_last_bits - 1) <= m_rows); }

    /// PE(r, c)'s weight: low (or only) and high (2-bit mode).
    int weight_lo(unsigned r, unsigned c) const { return get(P_WL, r, c); }
    int weight_hi(unsigned r, unsigned c) const { return m_two_bit ? get(P_WH, r, c) : get(P_WL, r, c); }
    bool execute_bit(unsigned r, unsigned c) const { return get(P_EX, r, c) != 0; }
    std::uint8_t act(unsigned r, unsigned c) const { return static_cast<std::uint8_t>(get(P_A, r, c)); }

    /// Probe: per-PE edge numbers of the first weight latches and first execute since
    /// probe(true) (-1 = not yet). Off by default; costs nothing when off.
    void probe(bool on);
    std::int64_t first_latch_lo(unsigned r, unsigned c) const { return m_p_lo[r * m_cols + c]; }
    std::int64_t first_latch_hi(unsigned r, unsigned c) const { return m_p_hi[r * m_cols + c]; }
    std::int64_t first_execute(unsigned r, unsigned c) const { return m_p_ex[r * m_cols + c]; }

private:
    /// Register planes, each rows x (1 + cols): a pad slot, then the row's PEs.
    enum plane : unsigned { P_A, P_LD, P_EX, P_RM, P_CNT, P_WL, P_WH, P_CQ, P_COUNT };
    template <typename T, unsigned CC, bool TwoBit>
    static void edge_impl(pe_array_core& self, const std::uint8_t* west);
    using edge_fn = void (*)(pe_array_core&, const std::uint8_t*);
    template <typename T>
    edge_fn pick_edge() const;

    int get(plane p, unsigned r, unsigned c) const {
        const std::size_t i = std::size_t{p} * m_plane + std::size_t{r} * m_stride + 1 + c;
        return m_wide ? m_r32[i] : m_r16[i];
    }
    /// Instruction bits (1 load, 2 execute, 4 rearm) entering row r at this edge.
    std::uint8_t stage(unsigned r) const { return m_hist[(m_edge - 1 - r) & m_hist_mask]; }
    void clock_probed();

    unsigned m_rows, m_cols, m_shift;
    bool m_two_bit, m_wide;
    std::size_t m_stride, m_plane;
    std::uint64_t m_edge = 0;
    edge_fn m_edge_fn = nullptr;
    // All planes in one block (int16 when psum_bits <= 16, else int32; one is empty).
    std::vector<std::int16_t> m_r16;
    std::vector<std::int32_t> m_r32;
    // Row skew (mac_array inst_w_temp) as a ring of the sampled bits: row r sees edge e - 1 - r.
    std::vector<std::uint8_t> m_hist;
    std::uint64_t m_hist_mask = 0;
    std::uint64_t m_last_bits = 0;  // edge + 1 of the last edge that sampled a bit (0: none)
    std::uint64_t m_last_lr = 0;    // the same for a load or rearm bit
    bool m_rows_lr = false;         // some row holds a load or rearm bit
    std::uint64_t m_last_er = 0;    // edge + 1 of the last edge that sampled an execute or rearm bit
    bool m_rows_er = false;         // some row holds an execute or rearm bit
    // Per row: holds an instruction bit; c_q may lag the row north of it.
    std::vector<std::uint8_t> m_ctl, m_stale;
    bool m_quiet = true;
    bool m_clear = false;  // control planes, ring and pushes all zero (reset, no bits since)
    std::vector<std::uint8_t> m_push_valid;
    std::vector<std::int32_t> m_push_value;
    bool m_any_push = false;
    bool m_probe = false;
    std::vector<std::int64_t> m_p_lo, m_p_hi, m_p_ex;
};

}  // namespace satlm
