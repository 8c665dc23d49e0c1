#pragma once
/// `--vcd-window FROM:TO`: the cycles a waveform keeps, and the filter that cuts the SystemC
/// kernel's VCD stream down to them (docs/timing.md, "VCD").
///
/// The filter sits between the kernel and the file (testbench/vcd_output copies the kernel's
/// pipe through it). It keeps the header, follows every value change before FROM without
/// writing it, writes the state at FROM as one `$dumpvars` block at FROM's time, passes the
/// changes of cycles FROM..TO and ends the trace at the end of cycle TO. Times stay absolute
/// (cycle t at t x clock period), so a cycle reads the same in a cut and in a whole trace.
///
/// \code
///   satlm::vcd_window w = satlm::parse_vcd_window("1000:2000");   // throws input_error
///   satlm::vcd_window_filter f(w, 1000);     // 1000 VCD time units (ps) per cycle
///   out += f.feed(chunk);  ...  out += f.finish();
/// \endcode

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace satlm {

/// Cycles FROM..TO, both included; cycle t is what the waveform shows from edge t to edge t + 1.
struct vcd_window {
    std::uint64_t from = 0;
    std::optional<std::uint64_t> to;  ///< none: to the end of the run

    bool whole() const { return from == 0 && !to; }
    bool contains(std::uint64_t cycle) const { return cycle >= from && (!to || cycle <= *to); }
};

/// Parses "FROM:TO", "FROM:" or ":TO" (decimal cycles, FROM <= TO). Throws input_error with one
/// line naming --vcd-window and what was expected.
vcd_window parse_vcd_window(std::string_view text);

/// "FROM:TO" as the user would write it (an open end left empty).
std::string to_string(const vcd_window& w);

/// Cuts a VCD stream to a window, chunk by chunk (lines may span chunks).
class vcd_window_filter {
public:
    /// `period`: VCD time units per cycle (the stream's timescale is the kernel's, 1 ps).
    vcd_window_filter(const vcd_window& window, std::uint64_t period);

    /// The text to write for the next bytes of the stream.
    std::string feed(std::string_view bytes);
    /// The text to write once the stream has ended (its last, unterminated line included).
    std::string finish();
    /// Whether the stream reached cycle FROM (else the run ended before the window).
    bool reached_window() const { return m_state == state::window || m_state == state::after; }

private:
    enum class state { header, before, at_from, window, after };
    void line(std::string_view l, std::string& out);
    void timestamp(std::uint64_t t, std::string_view l, std::string& out);
    void record(std::string_view l);
    void dump_state(std::string& out);

    vcd_window m_window;
    std::uint64_t m_from_time, m_end_time;  ///< FROM x period; (TO + 1) x period (no TO: max)
    state m_state = state::header;
    bool m_in_comment = false;
    std::string m_partial;                            ///< the unterminated tail of the last chunk
    std::vector<std::string> m_values;                ///< the latest value-change line per signal
    std::unordered_map<std::string, std::size_t> m_index;  ///< identifier code -> m_values slot
};

}  // namespace satlm
