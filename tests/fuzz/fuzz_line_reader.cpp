// libFuzzer target: arbitrary bytes as a vector file through the line reader and the field
// splitter. The first byte picks the header mode and an expected width/count, the rest is the
// file. Only satlm::input_error may escape the reader.

#include "tlm/report.h"
#include "vectors/line_reader.h"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

// libsystemc.so refers to sc_main; libFuzzer supplies main().
int sc_main(int, char*[]) { return 0; }

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    static const std::string path =
        (std::filesystem::temp_directory_path() /
         ("satlm_fuzz_line_reader_" + std::to_string(::getpid()) + ".txt"))
            .string();
    const std::uint8_t mode = data[0];
    const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out << text;
    }
    const int header_lines = (mode & 0x3) == 3 ? -1 : (mode & 0x3);
    satlm::line_expectation expect;
    if (mode & 0x4) expect.width = (mode >> 4) + 1u;
    if (mode & 0x8) expect.count = (mode >> 5) + 1u;
    expect.unknown_bits = (mode & 0x40) != 0;  // x/z digits of an RTL dump
    try {
        const satlm::line_reader first(path, header_lines, expect);
        const satlm::line_reader r = first;  // lines point into the copy's own text
        const unsigned field_bits = (mode >> 3) % 17 + 1;  // 1..17
        std::vector<std::uint64_t> unknown;
        for (std::size_t n = 0; n < r.lines().size(); ++n) {
            if (r.width() % field_bits != 0) continue;
            if (expect.unknown_bits) (void)r.fields(n, field_bits, unknown);
            else (void)r.fields(n, field_bits);
        }
        r.expect_count(r.lines().size(), "fuzz");
        r.expect_width(r.width(), "fuzz");
    } catch (const satlm::input_error&) {
    }
    // The in-memory path must agree with the file path on what is accepted.
    bool file_ok = true, text_ok = true;
    try {
        satlm::line_reader a(path, header_lines);
    } catch (const satlm::input_error&) {
        file_ok = false;
    }
    try {
        satlm::line_reader b = satlm::line_reader::from_text(path, text, header_lines);
    } catch (const satlm::input_error&) {
        text_ok = false;
    }
    if (file_ok != text_ok) __builtin_trap();
    try {
        (void)satlm::split_fields(text, (mode % 64) + 1);
    } catch (const std::invalid_argument&) {
    }
    return 0;
}
