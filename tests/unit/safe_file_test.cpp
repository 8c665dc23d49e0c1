// Safe file access (tlm/safe_file.h), the memory budget (tlm/budget.h) and the set folder of
// satlm gen (vectors/set_folder.h): every refusal with its one-line message, and that nothing
// refused is written.

#include "tlm/budget.h"
#include "tlm/config.h"
#include "tlm/report.h"
#include "tlm/safe_file.h"
#include "vectors/set_folder.h"

#include "support/error_of.h"
#include "support/temp_folder.h"

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace satlm;
using satlm::test::error_of;
using satlm::test::temp_folder;

namespace {

std::string text_of(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

BOOST_AUTO_TEST_SUITE(safe_file)

BOOST_AUTO_TEST_CASE(inputs_must_be_regular_files) {
    temp_folder t;
    const auto file = t.write("a.txt", "0101\n");
    BOOST_TEST(read_input_file(file, "--config", 100) == "0101\n");
    BOOST_TEST(check_input_file(file, "--config") == 5u);
    BOOST_TEST(error_of<input_error>([&] { read_input_file(t.dir.string(), "--config", 100); }) ==
               "--config " + t.dir.string() + ": is a folder, expected a regular file");
    const auto fifo = t.path("fifo");
    BOOST_REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    BOOST_TEST(error_of<input_error>([&] { read_input_file(fifo, "", 100); }) ==
               fifo + ": is a named pipe (FIFO), expected a regular file");
    BOOST_TEST(error_of<input_error>([&] { read_input_file("/dev/zero", "--config", 100); }) ==
               "--config /dev/zero: is a device, expected a regular file");
    BOOST_TEST(error_of<input_error>([&] { read_input_file(t.path("none"), "", 100); }) ==
               t.path("none") + ": cannot open: no such file");
    fs::create_symlink(t.path("loop"), t.path("loop"));
    BOOST_TEST(error_of<input_error>([&] { read_input_file(t.path("loop"), "", 100); }) ==
               t.path("loop") + ": cannot open: symbolic link loop");
    BOOST_TEST(error_of<input_error>([&] { read_input_file("", "--config", 100); }) ==
               "--config \"\": expected a file name, got an empty path");
    BOOST_TEST(has(error_of<input_error>([&] { read_input_file(file, "", 4); }), "file too large (5 bytes, at most 4"));
}

BOOST_AUTO_TEST_CASE(outputs_resolve_through_symlinks_and_refuse_special_files) {
    temp_folder t;
    const std::string real = fs::canonical(t.dir).string();
    fs::create_directories(t.dir / "sub");
    fs::create_symlink("sub/r.json", t.dir / "link.json");  // dangling: names a file to create
    BOOST_TEST(resolve_output_path(t.path("link.json"), "--report") == real + "/sub/r.json");
    BOOST_TEST(resolve_output_path(t.path("sub/../new.txt"), "--report") == real + "/new.txt");
    BOOST_TEST(error_of<input_error>([&] { resolve_output_path(t.dir.string(), "--report"); }) ==
               "--report " + t.dir.string() + ": is a folder, expected a regular file");
    BOOST_TEST(error_of<input_error>([&] { resolve_output_path("/dev/full", "--dump-out"); }) ==
               "--dump-out /dev/full: is a device, expected a regular file");
    BOOST_TEST(has(error_of<input_error>([&] { resolve_output_path(t.path("no/r.json"), "--report"); }),
                   "folder " + t.path("no") + " does not exist"));
    fs::create_symlink(t.path("b"), t.path("a"));
    fs::create_symlink(t.path("a"), t.path("b"));
    BOOST_TEST(error_of<input_error>([&] { resolve_output_path(t.path("a"), "--vcd"); }) ==
               "--vcd " + t.path("a") + ": symbolic link loop");
    BOOST_TEST(error_of<input_error>([&] { resolve_output_path("", "--junit"); }) ==
               "--junit \"\": expected a file name, got an empty path");
}

BOOST_AUTO_TEST_CASE(plan_refuses_outputs_that_are_inputs_or_each_other) {
    temp_folder t;
    const auto in = t.write("w.txt", "1\n");
    fs::create_hard_link(in, t.path("hard.txt"));
    {
        file_plan p;
        p.add_input("vector-set file", in);
        p.add_output("--dump-out", t.path("hard.txt"));
        BOOST_TEST(error_of<input_error>([&] { p.check_overlaps(); }) ==
                   "--dump-out " + t.path("hard.txt") + ": is an input of this run (vector-set file " + in +
                       "): refusing to overwrite it");
    }
    {
        file_plan p;
        p.add_output("--report", t.path("r.json"));
        p.add_output("--junit", t.path("./r.json"));
        BOOST_TEST(has(error_of<input_error>([&] { p.check_overlaps(); }), "is the same file as --report"));
    }
    file_plan ok;
    ok.add_input("--config", in);
    ok.add_output("--report", t.path("r.json"));
    ok.check_overlaps();
    BOOST_TEST(ok.output("--report") == fs::canonical(t.dir).string() + "/r.json");
    BOOST_TEST(text_of(in) == "1\n");
}

BOOST_AUTO_TEST_CASE(temp_output_replaces_the_target_only_when_committed) {
    temp_folder t;
    const auto target = t.write("out.txt", "old\n");
    {
        temp_output o(resolve_output_path(target, "--dump-out"), "--dump-out");
        o.write("new, but never committed\n");
    }
    BOOST_TEST(text_of(target) == "old\n");
    write_file_atomically(target, "new\n", "--dump-out");
    BOOST_TEST(text_of(target) == "new\n");
    std::size_t entries = 0;
    for (const auto& e : fs::directory_iterator(t.dir)) entries += e.is_regular_file() ? 1 : 0;
    BOOST_TEST(entries == 1u, "a temporary file was left behind");
}

BOOST_AUTO_TEST_CASE(memory_budget_counts_every_capacity) {
    accel_config c;
    check_memory_budget(c, true);  // the defaults fit
    c.set("pmem.words", "16777216", key_source::command_line);
    c.set("pmem.width_bits", "1024", key_source::command_line);
    const std::string m = error_of<config_error>([&] { check_memory_budget(c, false); });
    BOOST_TEST(m.rfind("key `limits.memory_mb` = 1024: this configuration needs 2.0 GiB", 0) == 0u, m);
    BOOST_TEST(has(m, "pmem.words x pmem.width_bits 2.0 GiB"), m);
    c.set("limits.memory_mb", "4096", key_source::command_line);
    check_memory_budget(c, false);
    // Keys whose product passes 64 bits are still refused, not wrapped.
    accel_config h;
    h.set("xmem.words", "16777216", key_source::command_line);
    h.set("xmem.width_bits", "65536", key_source::command_line);
    h.set("l0.depth", "16777216", key_source::command_line);
    h.set("array.rows", "1024", key_source::command_line);
    BOOST_TEST(has(error_of<config_error>([&] { check_memory_budget(h, false); }), "limits.memory_mb"));
    BOOST_TEST(has(error_of<config_error>([&] { check_file_budget(accel_config{}, "big.txt", 600.0 * 1024 * 1024); }),
                   "big.txt: reading this 600.0 MiB file needs about 1.2 GiB"));
}

BOOST_AUTO_TEST_CASE(nearest_keys_for_a_typo) {
    BOOST_TEST(did_you_mean("array.row") == " (did you mean `array.rows`?)");
    BOOST_TEST(nearest_keys("pmem.width").front() == "pmem.width_bits");
    BOOST_TEST(nearest_keys("rows").front() == "array.rows");
    BOOST_TEST(did_you_mean("completely.unrelated.thing").empty());
}

BOOST_AUTO_TEST_CASE(set_folder_refuses_non_empty_and_replaces_only_listed_files) {
    temp_folder t;
    const std::string out = t.path("set");
    auto writer = [](const std::string& name) {
        return [name](const std::string& staging) {
            std::ofstream(staging + "/vectorset.toml") << "[files]\noutput = \"" << name << "\"\n";
            std::ofstream(staging + "/" + name) << "1\n";
        };
    };
    const written_set first = write_set_folder(out, false, writer("a.txt"));
    BOOST_TEST(first.files.size() == 2u);
    t.write("set/mine.txt", "keep\n");
    BOOST_TEST(has(error_of<input_error>([&] { write_set_folder(out, false, writer("b.txt")); }),
                   "folder is not empty"));
    const written_set second = write_set_folder(out, true, writer("b.txt"));
    BOOST_TEST(second.removed == 2u);
    BOOST_TEST(!fs::exists(t.path("set/a.txt")));
    BOOST_TEST(text_of(t.path("set/mine.txt")) == "keep\n");
    // A file of the new set that the old manifest does not list is someone else's: refused.
    BOOST_TEST(has(error_of<input_error>([&] { write_set_folder(out, true, writer("mine.txt")); }),
                   "mine.txt exists and is not listed"));
    BOOST_TEST(text_of(t.path("set/mine.txt")) == "keep\n");
    fs::create_directory_symlink(out, t.path("link"));
    BOOST_TEST(has(error_of<input_error>([&] { write_set_folder(t.path("link"), true, writer("c.txt")); }),
                   "is a symbolic link"));
    // A failing writer leaves the folder as it was.
    BOOST_TEST(error_of<std::runtime_error>([&] {
                   write_set_folder(out, true, [](const std::string&) { throw std::runtime_error("disk"); });
               }) == "disk");
    std::size_t entries = 0;
    for (const auto& e : fs::directory_iterator(out)) entries += e.path().filename().string()[0] == '.' ? 100 : 1;
    BOOST_TEST(entries == 3u, "staging folder left or files lost");
}

BOOST_AUTO_TEST_SUITE_END()
