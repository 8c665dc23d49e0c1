#pragma once
/// The output FIFO in plain C++: one FWFT FIFO per column, `o_valid` only when every column
/// holds data, and a registered read (`rd_en <= ofifo_rd`, all columns pop together).

#include "tlm/fifo_core.h"

#include <cstdint>
#include <vector>

namespace satlm {

class ofifo_core {
public:
    ofifo_core(unsigned cols, unsigned depth);

    unsigned cols() const { return m_cols; }
    /// `&(~empty)`: every column holds a word.
    bool o_valid() const;
    /// Column c's head (the stale slot when empty), as a psum value.
    std::int32_t head(unsigned c) const { return m_fifo[c].head(); }

    /// One posedge: the registered pop (if rd_en_q), then the pushes of the columns whose
    /// `valid` is set, then rd_en_q <= rd. Throws std::overflow_error on a full column.
    void clock(const std::uint8_t* valid, const std::int32_t* value, bool any_valid, bool rd);
    void reset();

    std::size_t size(unsigned c) const { return m_fifo[c].size(); }
    std::size_t high_water() const;

private:
    unsigned m_cols;
    std::vector<fifo_core<std::int32_t>> m_fifo;
    bool m_rd_en_q = false;
};

}  // namespace satlm
