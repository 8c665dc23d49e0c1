#include "accel/ports.h"

namespace satlm {

std::ostream& operator<<(std::ostream& os, const psum_bus& b) {
    for (std::size_t c = 0; c < b.value.size(); ++c) os << (c ? " " : "") << (b.valid[c] ? "" : "-") << b.value[c];
    return os;
}

void sc_trace(sc_core::sc_trace_file* tf, const psum_bus& b, const std::string& name) {
    for (std::size_t c = 0; c < b.value.size(); ++c) {
        sc_core::sc_trace(tf, b.valid[c], name + ".valid(" + std::to_string(c) + ")");
        sc_core::sc_trace(tf, b.value[c], name + ".value(" + std::to_string(c) + ")");
    }
}

std::ostream& operator<<(std::ostream& os, const ofifo_bus& b) {
    os << (b.valid ? "valid" : "empty");
    for (const auto v : b.head) os << " " << v;
    return os;
}

void sc_trace(sc_core::sc_trace_file* tf, const ofifo_bus& b, const std::string& name) {
    sc_core::sc_trace(tf, b.valid, name + ".o_valid");
    for (std::size_t c = 0; c < b.head.size(); ++c)
        sc_core::sc_trace(tf, b.head[c], name + ".head(" + std::to_string(c) + ")");
}

bool instruction_word::operator==(const instruction_word& o) const {
    const instruction& a = in;
    const instruction& b = o.in;
    return repeat == o.repeat && edge == o.edge && a.reset == b.reset && a.load == b.load && a.execute == b.execute &&
           a.rearm == b.rearm && a.l0_wr == b.l0_wr && a.l0_rd == b.l0_rd && a.ofifo_rd == b.ofifo_rd &&
           a.xmem_en == b.xmem_en && a.xmem_wr == b.xmem_wr && a.xmem_addr == b.xmem_addr &&
           a.pmem_en == b.pmem_en && a.pmem_wr == b.pmem_wr && a.pmem_addr == b.pmem_addr &&
           a.pmem_src == b.pmem_src && a.pmem_rd2 == b.pmem_rd2 && a.pmem_rd2_addr == b.pmem_rd2_addr &&
           a.acc == b.acc && a.acc_load == b.acc_load && a.sfu_out == b.sfu_out && a.relu == b.relu;
}

std::ostream& operator<<(std::ostream& os, const instruction_word& w) {
    const instruction& i = w.in;
    os << (i.reset ? "R" : "") << (i.load ? "L" : "") << (i.execute ? "E" : "") << (i.l0_wr ? "w" : "")
       << (i.l0_rd ? "r" : "") << (i.ofifo_rd ? "o" : "");
    if (i.xmem_en) os << " x" << (i.xmem_wr ? "W" : "R") << i.xmem_addr;
    if (i.pmem_en) os << " p" << (i.pmem_wr ? "W" : "R") << i.pmem_addr;
    if (w.repeat != 1) os << " x" << w.repeat;
    return os;
}

void sc_trace(sc_core::sc_trace_file* tf, const instruction_word& w, const std::string& name) {
    const instruction& i = w.in;
    sc_core::sc_trace(tf, i.reset, name + ".reset");
    sc_core::sc_trace(tf, i.load, name + ".load");
    sc_core::sc_trace(tf, i.execute, name + ".execute");
    sc_core::sc_trace(tf, i.rearm, name + ".rearm");
    sc_core::sc_trace(tf, i.l0_wr, name + ".l0_wr");
    sc_core::sc_trace(tf, i.l0_rd, name + ".l0_rd");
    sc_core::sc_trace(tf, i.ofifo_rd, name + ".ofifo_rd");
    sc_core::sc_trace(tf, i.xmem_en, name + ".xmem_en");
    sc_core::sc_trace(tf, i.xmem_wr, name + ".xmem_wr");
    sc_core::sc_trace(tf, i.xmem_addr, name + ".xmem_addr");
    sc_core::sc_trace(tf, i.pmem_en, name + ".pmem_en");
    sc_core::sc_trace(tf, i.pmem_wr, name + ".pmem_wr");
    sc_core::sc_trace(tf, i.pmem_addr, name + ".pmem_addr");
    sc_core::sc_trace(tf, i.pmem_rd2, name + ".pmem_rd2");
    sc_core::sc_trace(tf, i.acc, name + ".acc");
    sc_core::sc_trace(tf, i.acc_load, name + ".acc_load");
    sc_core::sc_trace(tf, i.sfu_out, name + ".sfu_out");
    sc_core::sc_trace(tf, i.relu, name + ".relu");
}

bool is_blank(const instruction& in) {
    return !(in.reset || in.load || in.execute || in.rearm || in.l0_wr || in.l0_rd || in.ofifo_rd || in.xmem_en ||
             in.pmem_en || in.pmem_rd2 || in.acc || in.acc_load || in.sfu_out);
}

}  // namespace satlm
