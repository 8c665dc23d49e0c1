// libFuzzer target: arbitrary bytes as the vectorset.toml of a small valid set (written once
// per process into a temp folder), loaded with load_vector_set with and without checking.
// Only satlm::input_error may escape.

#include "tlm/report.h"
#include "vectors/vector_set.h"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

int sc_main(int, char*[]) { return 0; }

namespace {

namespace fs = std::filesystem;

/// A 1-channel-tile, 4x4-map, 3x3-kernel set in the canonical names, with psum and acc files.
fs::path make_set() {
    const fs::path dir =
        fs::temp_directory_path() / ("satlm_fuzz_manifest_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    auto write = [&](const std::string& name, const std::string& text) {
        std::ofstream(dir / name, std::ios::binary | std::ios::trunc) << text;
    };
    std::string act = "#a\n#b\n#c\n", out = "#o\n#o\n#o\n", psum;
    for (int n = 0; n < 16; ++n)
        act +=
            (n % 3 ? "00010010001101000101011001111000\n" : "00000000000000000000000000000000\n");
    for (int n = 0; n < 4; ++n) out += std::string(128, '0') + "\n";
    for (int n = 0; n < 16 * 9; ++n) psum += std::string(128, n % 5 ? '0' : '1') + "\n";
    write("activation_tile0.txt", act);
    write("out.txt", out);
    write("psum.txt", psum);
    std::string acc;
    for (int n = 0; n < 4; ++n) acc += std::string(99, '0') + "\n";
    write("acc.txt", acc);
    for (int k = 0; k < 9; ++k) {
        std::string w = "#w\n#w\n#w\n";
        for (int c = 0; c < 8; ++c)
            w += (c % 2 ? "11110000111000001111111100001110\n"
                        : "00100101011001000111101101110101\n");
        write("weight_itile0_otile0_kij" + std::to_string(k) + ".txt", w);
    }
    return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const fs::path dir = make_set();
    {
        std::ofstream(dir / "vectorset.toml", std::ios::binary | std::ios::trunc)
            .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    for (bool check : {true, false}) {
        try {
            (void)satlm::load_vector_set(dir.string(), satlm::accel_config{}, {}, check);
        } catch (const satlm::input_error&) {
        }
    }
    return 0;
}
