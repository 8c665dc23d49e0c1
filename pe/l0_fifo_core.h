#pragma once
/// The L0 input buffer in plain C++: one FWFT FIFO per PE row plus the skewed read.
///
/// One l0_wr pushes a packed xmem word into every row (row r takes lane r, 4 bits); reads are
/// skewed by the RTL's `rd_en <= {rd_en[R-2:0], l0_rd}`, so row r pops r+1 edges after the
/// edge that sampled l0_rd. The row's head feeds PE(r,0), which samples it at the pop edge.
///
/// Stored as one slot matrix [depth][rows] with a shared write pointer (every push writes all
/// rows) and per-row read pointers; the skew register is a ring of the sampled l0_rd bits.
/// Each row behaves exactly like a fifo_core (tlm/fifo_core.h) of the same depth.

#include <cstdint>
#include <vector>

namespace satlm {

class l0_fifo_core {
public:
    l0_fifo_core(unsigned rows, unsigned depth);

    unsigned rows() const { return m_rows; }
    /// Head of row r (FWFT; the stale slot when empty).
    std::uint8_t head(unsigned r) const { return m_head[r]; }
    /// Every row's head, contiguous (what the array's west inputs see).
    const std::uint8_t* heads() const { return m_head.data(); }
    /// Whether row r pops at the next edge (the skew register's stage r).
    bool pops_next(unsigned r) const {
        return m_rows <= 64 ? ((m_rd_mask >> r) & 1u) != 0 : m_hist[(m_edge - 1 - r) & m_hist_mask] != 0;
    }

    /// One posedge: skewed pops, then the push of `word` (packed 4-bit lanes) when `wr`, then
    /// the skew register takes `rd`. Throws std::overflow_error on a push to a full row.
    void clock(bool wr, const std::uint8_t* word, bool rd) {
        if (m_rows <= 64 && !(wr || rd || m_rd_mask)) {  // nothing pops, pushes or enters the skew
            ++m_edge;
            return;
        }
        clock_edge(wr, word, rd);
    }
    void reset();
    /// Whether no skewed pop is pending (an edge without wr/rd then changes nothing).
    bool read_idle() const {
        return m_rows <= 64 ? m_rd_mask == 0 : !(m_last_rd && m_edge - (m_last_rd - 1) <= m_rows);
    }
    /// n edges without wr or rd; requires read_idle(). Same as n clock(false, _, false).
    void idle(std::uint64_t n);

    std::size_t size(unsigned r) const { return m_size[r]; }
    std::size_t high_water() const { return m_high_water; }

private:
    void clock_edge(bool wr, const std::uint8_t* word, bool rd);

    unsigned m_rows, m_depth;
    std::vector<std::uint8_t> m_slots;  // [slot][row]
    std::vector<std::uint32_t> m_rd, m_size;
    std::vector<std::uint8_t> m_head;  // slot under each row's read pointer
    std::uint32_t m_wr = 0;
    std::size_t m_high_water = 0;
    // The skew register: up to 64 rows a bit mask (bit r: row r pops at the next edge), else a
    // ring of the l0_rd bits (sampled at edge e, at e & mask).
    std::uint64_t m_rd_mask = 0, m_row_mask = 0;
    std::vector<std::uint8_t> m_hist;
    std::uint64_t m_hist_mask = 0;
    std::uint64_t m_edge = 0;
    std::uint64_t m_last_rd = 0;  // edge + 1 of the last edge that sampled l0_rd (0: none)
};

}  // namespace satlm
