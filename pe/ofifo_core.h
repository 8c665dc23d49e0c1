#pragma once
/// The output FIFO in plain C++: one FWFT FIFO per column, `o_valid` only when every column
/// holds data, and a registered read (`rd_en <= ofifo_rd`, all columns pop together).
///
/// Stored as one slot matrix [depth][cols] with per-column pointers and a count of non-empty
/// columns (o_valid in O(1)). Each column behaves exactly like a fifo_core (tlm/fifo_core.h).

#include <cstdint>
#include <vector>

namespace satlm {

class ofifo_core {
public:
    ofifo_core(unsigned cols, unsigned depth);

    unsigned cols() const { return m_cols; }
    /// `&(~empty)`: every column holds a word.
    bool o_valid() const { return m_nonempty == m_cols; }
    /// Column c's head (the stale slot when empty), as a psum value.
    std::int32_t head(unsigned c) const { return m_slots[std::size_t{m_rd[c]} * m_cols + c]; }

    /// Every column's head into out[0 .. cols).
    void heads(std::int32_t* out) const {
        const std::int32_t* const slots = m_slots.data();  // locals: `out` may alias members
        const std::uint32_t* const rd = m_rd.data();
        const unsigned C = m_cols;
        for (unsigned c = 0; c < C; ++c) out[c] = slots[std::size_t{rd[c]} * C + c];
    }

    /// One posedge: the registered pop (if rd_en_q), then the pushes of the columns whose
    /// `valid` is set, then rd_en_q <= rd. Throws std::overflow_error on a full column.
    void clock(const std::uint8_t* valid, const std::int32_t* value, bool any_valid, bool rd) {
        if (any_valid || (m_rd_en_q && m_nonempty)) clock_edge(valid, value, any_valid);
        m_rd_en_q = rd;  // else: no push, no pop: only the read register moves
    }
    void reset();
    /// Whether a registered pop acts at the next edge.
    bool read_pending() const { return m_rd_en_q; }

    std::size_t size(unsigned c) const { return m_size[c]; }
    std::size_t high_water() const { return m_high_water; }

private:
    void clock_edge(const std::uint8_t* valid, const std::int32_t* value, bool any_valid);
    void clock_columns_sse2(const std::uint8_t* valid, const std::int32_t* value, bool any_valid);

    unsigned m_cols, m_depth;
    std::vector<std::int32_t> m_slots;  // [slot][col]
    std::vector<std::uint32_t> m_rd, m_wr, m_size;
    unsigned m_nonempty = 0;
    std::size_t m_high_water = 0;
    bool m_rd_en_q = false;
};

}  // namespace satlm
