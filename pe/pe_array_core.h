#pragma once
/// The R x C weight-stationary PE array in plain C++, with the RTL's mac_tile register
/// semantics (RTL_REFERENCE sections 3.4, 3.5 and 5), stored as structure-of-arrays.
///
/// Per PE: inst_q {load, execute, rearm}, a_q, the weight(s), c_q and a latch counter (the
/// RTL's load_ready_q; 2 latches per PE in 2-bit mode). {load, execute, rearm} reach row r
/// r+1 edges after the core samples them and move east one column per edge (load only once the
/// PE holds its weights, hence 2 edges per column, 3 in 2-bit mode). Psums move south through
/// c_q; column c's bottom PE pushes into the OFIFO while its inst_q execute bit is set.
/// `rearm` (overlapped schedule) re-arms the latch counter instead of a reset.

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
    void clock(const std::uint8_t* west, bool load, bool execute, bool rearm);
    /// One posedge in reset (counts as an edge: call instead of clock()).
    void reset();

    const std::uint8_t* push_valid() const { return m_push_valid.data(); }
    const std::int32_t* push_value() const { return m_push_value.data(); }
    bool any_push() const { return m_any_push; }
    /// Whether any PE or row stage still holds a load/execute/rearm bit.
    bool busy() const;

    /// PE(r, c)'s weight: low (or only) and high (2-bit mode).
    int weight_lo(unsigned r, unsigned c) const { return m_wl[r * m_cols + c]; }
    int weight_hi(unsigned r, unsigned c) const {
        return m_two_bit ? m_wh[r * m_cols + c] : m_wh[r * m_cols + c] / 4;
    }
    bool execute_bit(unsigned r, unsigned c) const { return m_ex[r * m_cols + c] != 0; }
    std::uint8_t act(unsigned r, unsigned c) const { return m_a[r * m_cols + c]; }

    /// Probe: per-PE edge numbers of the first weight latches and first execute since
    /// probe(true) (-1 = not yet). Off by default; costs nothing when off.
    void probe(bool on);
    std::int64_t first_latch_lo(unsigned r, unsigned c) const { return m_p_lo[r * m_cols + c]; }
    std::int64_t first_latch_hi(unsigned r, unsigned c) const { return m_p_hi[r * m_cols + c]; }
    std::int64_t first_execute(unsigned r, unsigned c) const { return m_p_ex[r * m_cols + c]; }

private:
    void clock_probed(const std::uint8_t* west);

    unsigned m_rows, m_cols, m_shift;
    bool m_two_bit;
    std::uint64_t m_edge = 0;
    std::uint64_t m_last_active = 0, m_settle = 0;  // quiet-array skip
    // SoA registers, index r * C + c
    std::vector<std::uint8_t> m_a, m_ld, m_ex, m_rm, m_cnt;
    std::vector<std::int32_t> m_wl, m_wh, m_c;
    // per-row instruction skew (mac_array inst_w_temp)
    std::vector<std::uint8_t> m_st_ld, m_st_ex, m_st_rm;
    std::vector<std::uint8_t> m_push_valid;
    std::vector<std::int32_t> m_push_value;
    bool m_any_push = false;
    bool m_probe = false;
    std::vector<std::int64_t> m_p_lo, m_p_hi, m_p_ex;
};

}  // namespace satlm
