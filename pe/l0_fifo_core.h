#pragma once
/// The L0 input buffer in plain C++: one FWFT FIFO per PE row plus the skewed read.
///
/// One l0_wr pushes a packed xmem word into every row (row r takes lane r, 4 bits); reads are
/// skewed by the RTL's `rd_en <= {rd_en[R-2:0], l0_rd}`, so row r pops r+1 edges after the
/// edge that sampled l0_rd. The row's head feeds PE(r,0), which samples it at the pop edge.

#include "tlm/fifo_core.h"

#include <cstdint>
#include <vector>

namespace satlm {

class l0_fifo_core {
public:
    l0_fifo_core(unsigned rows, unsigned depth);

    unsigned rows() const { return m_rows; }
    /// Head of row r (FWFT; the stale slot when empty).
    std::uint8_t head(unsigned r) const { return m_fifo[r].head(); }
    /// Whether row r pops at the next edge (the skew register's stage r).
    bool pops_next(unsigned r) const { return m_rd_en[r] != 0; }

    /// One posedge: skewed pops, then the push of `word` (packed 4-bit lanes) when `wr`, then
    /// the skew register takes `rd`. Throws std::overflow_error on a push to a full row.
    void clock(bool wr, const std::uint8_t* word, bool rd);
    void reset();

    std::size_t size(unsigned r) const { return m_fifo[r].size(); }
    std::size_t high_water() const;

private:
    unsigned m_rows;
    std::vector<fifo_core<std::uint8_t>> m_fifo;
    std::vector<std::uint8_t> m_rd_en;
    bool m_any_rd = false;  // any stage set: skip the shift loop when idle
};

}  // namespace satlm
