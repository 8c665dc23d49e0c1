// libFuzzer target: arbitrary bytes as a topology CSV or GEMM file through parse_topology.
// Only satlm::input_error may escape; every accepted layer must be one the model can run
// (positive sizes, a filter inside the padded map, unpadded + 2 pad = padded).

#include "net/topology.h"
#include "tlm/report.h"

#include <cstddef>
#include <cstdint>
#include <string>

// libsystemc.so refers to sc_main; libFuzzer supplies main().
int sc_main(int, char*[]) { return 0; }

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        const satlm::network net = satlm::parse_topology("fuzz.csv", text);
        if (net.layers.empty()) __builtin_trap();
        for (const auto& l : net.layers) {
            const bool ok = !l.name.empty() && l.filter_h >= 1 && l.filter_w >= 1 &&
                            l.filter_h <= l.ifmap_h && l.filter_w <= l.ifmap_w && l.channels >= 1 &&
                            l.filters >= 1 && l.stride >= 1 && l.line >= 2 &&
                            l.ifmap_h == l.height + 2 * l.pad && l.ifmap_w == l.width + 2 * l.pad &&
                            l.ofmap_h() >= 1 && l.ofmap_w() >= 1;
            if (!ok) __builtin_trap();
            (void)l.macs();
        }
    } catch (const satlm::input_error&) {
    }
    return 0;
}
