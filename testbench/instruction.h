#pragma once
/// One clock's worth of control for the accelerator core, as the RTL testbench drives it.
///
/// Mirrors the RTL instruction word (RTL_REFERENCE section 3.1) plus the two hardware
/// additions of the overlapped schedule (weight re-arm, online accumulation). The core
/// samples an instruction at a posedge; that edge is "the cycle" of the instruction.

#include <cstdint>
#include <vector>

namespace satlm {

struct instruction {
    bool reset = false;      ///< synchronous reset: re-arms weight loading, clears FIFOs and SFU
    bool load = false;       ///< kernel load into the PEs (bit 0)
    bool execute = false;    ///< execute (bit 1)
    bool l0_wr = false;      ///< push xmem Q into every L0 row (bit 2)
    bool l0_rd = false;      ///< skewed pop of the L0 rows (bit 3)
    bool ofifo_rd = false;   ///< registered pop of every OFIFO column (bit 6)
    bool xmem_en = false;    ///< !CEN_xmem
    bool xmem_wr = false;    ///< !WEN_xmem (with xmem_en)
    std::uint32_t xmem_addr = 0;
    const std::vector<std::uint8_t>* xmem_data = nullptr;  ///< D_xmem lanes (one 4-bit lane per row)
    bool pmem_en = false;    ///< !CEN_pmem
    bool pmem_wr = false;    ///< !WEN_pmem (with pmem_en): writes the OFIFO head (or SFU output when acc)
    std::uint32_t pmem_addr = 0;
    bool acc = false;        ///< SFU accumulates pmem Q (bit 33)
    bool relu = false;       ///< SFU output step with ReLU
    bool sfu_clear = false;  ///< clear the SFU accumulators (the tb's per-pixel reset)
    bool rearm = false;      ///< overlapped: re-arm weight loading, travelling with load
};

}  // namespace satlm
