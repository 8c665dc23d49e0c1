#pragma once
/// One clock's worth of control for the accelerator core, as the RTL testbench drives it.
///
/// Mirrors the RTL instruction word (docs/rtl-reference.md section 3.1) plus the two hardware
/// additions of the overlapped schedule (weight re-arm, online accumulation). The tb drives
/// an instruction in cycle t; the core registers it (inst_q) and acts on it at the next edge.

#include <cstdint>

namespace satlm {

/// What a pmem write stores.
enum class pmem_source : std::uint8_t {
    ofifo,         ///< the OFIFO head (the RTL's mux with acc = 0)
    sfu,           ///< the SFU output register's sum (partial write-back)
    ofifo_plus_q,  ///< overlapped: OFIFO head + pmem Q, lane-wise (online accumulation)
};

struct instruction {
    bool reset = false;      ///< synchronous reset: re-arms weight loading, clears FIFOs and SFU
    bool load = false;       ///< kernel load into the PEs (bit 0)
    bool execute = false;    ///< execute (bit 1)
    bool rearm = false;      ///< overlapped: re-arm weight latching, travels with load
    bool l0_wr = false;      ///< push xmem Q into every L0 row (bit 2)
    bool l0_rd = false;      ///< skewed pop of the L0 rows (bit 3)
    bool ofifo_rd = false;   ///< registered pop of every OFIFO column (bit 6)
    bool xmem_en = false;    ///< !CEN_xmem
    bool xmem_wr = false;    ///< !WEN_xmem (with xmem_en)
    std::uint32_t xmem_addr = 0;
    const std::uint8_t* xmem_data = nullptr;  ///< D_xmem: packed word (one 4-bit lane per row)
    bool pmem_en = false;    ///< !CEN_pmem
    bool pmem_wr = false;    ///< !WEN_pmem (with pmem_en)
    std::uint32_t pmem_addr = 0;
    pmem_source pmem_src = pmem_source::ofifo;
    bool acc = false;        ///< SFU accumulates pmem Q (bit 33)
    bool acc_load = false;   ///< SFU accumulator <= pmem Q (overlapped read-out)
    bool sfu_out = false;    ///< SFU output step (ReLU when `relu`)
    bool relu = false;       ///< with sfu_out: apply ReLU
};

}  // namespace satlm
