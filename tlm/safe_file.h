#pragma once
/// Safe file access for every command (docs/safety.md):
///   * inputs must be regular files, checked without blocking (a FIFO, folder or device is
///     refused before anything waits on it), and are read in one piece with a size bound;
///   * outputs are resolved (symlinks followed) and checked before a run, may not be an input of
///     the run or another output, and are written to a temporary file beside the target that is
///     renamed into place only when complete, so a failed run leaves nothing behind.
/// Every problem throws input_error with one line naming the option or role and the path.
///
/// \code
///   satlm::file_plan plan;
///   plan.add_output("--report", "out/report.json");  // resolved + checked now
///   plan.add_input("the --config file", cfg_path);
///   plan.check_overlaps();                             // output == input, output == output
///   satlm::write_file_atomically(plan.output("--report"), json_text, "--report");
/// \endcode

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace satlm {

/// Checks that `path` names an existing, readable regular file without opening it for a
/// blocking read; returns its size. `what` names the file's role in messages ("--config").
std::uint64_t check_input_file(const std::string& path, const std::string& what);

/// Reads a whole regular file (checked as above, opened non-blocking). Files larger than
/// `max_bytes` are refused before they are read. Throws input_error naming `what` and `path`.
std::string read_input_file(const std::string& path, const std::string& what,
                            std::uint64_t max_bytes);

/// The file an output path names once every symlink is followed: absolute and normal. Throws
/// input_error for an empty path, a symlink loop, a missing folder, or a path that exists and is
/// not a regular file (a folder, FIFO or device: a rename must never replace one).
std::string resolve_output_path(const std::string& path, const std::string& option);

/// A run's inputs and outputs. Outputs are resolved and checked when added; check_overlaps()
/// refuses an output that is one of the inputs or that equals another output.
class file_plan {
public:
    /// Resolves and checks an output path (see resolve_output_path); an empty `path` is a
    /// usage error.
    void add_output(const std::string& option, const std::string& path);
    /// Records an input file (nothing happens for a path that does not exist).
    void add_input(const std::string& role, const std::string& path);
    /// Throws input_error "OPTION PATH: is the same file as ROLE PATH2 ..." on the first overlap.
    void check_overlaps() const;
    /// The resolved target of an output added under `option` (empty when not added).
    std::string output(const std::string& option) const;

private:
    struct entry {
        std::string label;  ///< option or role, for messages
        std::string given;  ///< the path as the user gave it
        std::string path;   ///< resolved path
    };
    std::vector<entry> m_outputs, m_inputs;
};

/// An output file under construction: a temporary file in the target's folder that replaces the
/// target only on commit(). Destroyed without commit(), it removes the temporary file and leaves
/// the target untouched. Every write error (a full disk, a file-size limit) throws input_error.
class temp_output {
public:
    /// `target` must be resolved (resolve_output_path); `what` names the option in messages.
    temp_output(std::string target, std::string what);
    ~temp_output();
    temp_output(const temp_output&) = delete;
    temp_output& operator=(const temp_output&) = delete;

    void write(std::string_view bytes);
    /// write() without exceptions (for a thread that must not throw): 0, or the errno of the
    /// first failed write; report it later with fail("write", error).
    int try_write(std::string_view bytes);
    /// Flushes to disk, closes and renames over the target; throws on any failure.
    void commit();
    /// commit() without exceptions: "" when done, else the one-line message (the temporary file
    /// is then removed).
    std::string try_commit();
    /// Removes the temporary file and throws input_error "WHAT TARGET: cannot ACTION: reason".
    [[noreturn]] void fail(const char* action, int error);
    /// Removes the temporary file and returns "WHAT TARGET: WHY" (no exception).
    std::string failure(const std::string& why);
    /// Adopts a temporary file already created (fd open for writing, its path).
    temp_output(std::string target, std::string what, int fd, std::string temp);
    const std::string& temp_path() const { return m_temp; }
    std::uint64_t bytes_written() const { return m_bytes; }

private:
    std::string m_target, m_what, m_temp;
    int m_fd = -1;
    std::uint64_t m_bytes = 0;
    bool m_done = false;
};

/// Writes `text` to `target` through a temp_output (resolved first) and commits it.
void write_file_atomically(const std::string& target, std::string_view text,
                           const std::string& what);

/// The same for a target already resolved, without exceptions: "" when written, else the
/// one-line message. For code that runs after the SystemC kernel: an exception thrown there
/// confuses AddressSanitizer's view of the stack (SystemC switches coroutine stacks).
std::string try_write_file_atomically(const std::string& resolved_target, std::string_view text,
                                      const std::string& what);

/// Makes a file-size limit (SIGXFSZ) fail the write call, which temp_output reports as an error,
/// instead of killing the process. Call once at start.
void ignore_write_signals();

}  // namespace satlm
