#pragma once
/// The --vcd waveform as a checked output. SystemC writes its trace file through stdio and never
/// reports a failed write, so the kernel is given a pipe instead of the file: a thread copies
/// the pipe into a temp_output (tlm/safe_file.h) whose every write is checked. A full disk or a
/// file-size limit becomes an input_error (exit 2), and the target appears only when complete.
/// With a --vcd-window the copy goes through a vcd_window_filter (testbench/vcd_window.h).
///
/// \code
///   satlm::vcd_output vcd(resolved_path, window, period_ps);  // before elaboration: temp file + pipe
///   run_result r = simulate(cfg, layer, vcd.kernel_path(), window);
///   vcd.finish();                                  // "" or the write error; renames when done
/// \endcode

#include "testbench/vcd_window.h"
#include "tlm/safe_file.h"

#include <memory>
#include <string>
#include <thread>

namespace satlm {

class vcd_output {
public:
    /// `target`: the resolved --vcd path. Creates the temporary file and the pipe. `window`:
    /// the cycles to keep; `period`: VCD time units (ps) per cycle.
    vcd_output(const std::string& target, const vcd_window& window = {}, std::uint64_t period = 1000);
    /// Without finish(): stops the copy and removes the temporary file.
    ~vcd_output();
    vcd_output(const vcd_output&) = delete;
    vcd_output& operator=(const vcd_output&) = delete;

    /// The path to give the SystemC kernel (it ends in ".vcd"; the kernel appends nothing).
    const std::string& kernel_path() const { return m_link; }
    /// After the kernel closed its trace file: waits for the copy, then renames the waveform
    /// into place. Returns "" when done, else the one-line message of the write error (no
    /// exception: it runs after the kernel, see try_write_file_atomically).
    std::string finish();
    /// After finish(): whether the trace reached the window's first cycle.
    bool reached_window() const { return m_filter.reached_window(); }

private:
    void stop_copy();
    temp_output m_file;
    vcd_window_filter m_filter;  ///< used by the copier thread until it is joined
    std::string m_folder, m_link;
    int m_write_fd = -1;
    int m_read_fd = -1;
    std::thread m_copier;
    int m_error = 0;  ///< errno of the copier's first failed write (the thread never throws)
};

}  // namespace satlm
