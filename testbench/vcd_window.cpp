#include "testbench/vcd_window.h"

#include "tlm/report.h"

#include <fmt/format.h>

#include <charconv>
#include <limits>

namespace satlm {

namespace {

/// A whole decimal number (no sign, no spaces), or none.
std::optional<std::uint64_t> parse_cycle(std::string_view s) {
    std::uint64_t v = 0;
    if (s.empty() || s.front() < '0' || s.front() > '9') return std::nullopt;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
    return v;
}

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

}  // namespace

vcd_window parse_vcd_window(std::string_view text) {
    const auto bad = [&](const char* why) {
        return input_error(fmt::format("--vcd-window `{}`: {}", text, why));
    };
    const std::size_t colon = text.find(':');
    if (colon == std::string_view::npos || text.find(':', colon + 1) != std::string_view::npos)
        throw bad("expected FROM:TO in cycles (FROM: or :TO leave an end open), e.g. 1000:2000");
    const std::string_view from = text.substr(0, colon), to = text.substr(colon + 1);
    if (from.empty() && to.empty()) throw bad("expected at least one of FROM and TO (cycles), e.g. 1000:2000");
    vcd_window w;
    if (!from.empty()) {
        const auto v = parse_cycle(from);
        if (!v) throw bad("FROM must be a whole number of cycles, e.g. 1000:2000");
        w.from = *v;
    }
    if (!to.empty()) {
        const auto v = parse_cycle(to);
        if (!v) throw bad("TO must be a whole number of cycles, e.g. 1000:2000");
        w.to = *v;
    }
    if (w.to && *w.to < w.from) throw bad("expected FROM <= TO (cycles, both included)");
    return w;
}

std::string to_string(const vcd_window& w) {
    return (w.from ? std::to_string(w.from) : std::string()) + ":" + (w.to ? std::to_string(*w.to) : std::string());
}

namespace {
/// cycles x period, saturated: a window beyond every representable time is simply never reached.
std::uint64_t time_of(std::uint64_t cycles, std::uint64_t period) {
    constexpr std::uint64_t max = std::numeric_limits<std::uint64_t>::max();
    return period && cycles > max / period ? max : cycles * period;
}
}  // namespace

vcd_window_filter::vcd_window_filter(const vcd_window& window, std::uint64_t period)
    : m_window(window)
    , m_from_time(time_of(window.from, period))
    , m_end_time(window.to && *window.to < std::numeric_limits<std::uint64_t>::max()
                     ? time_of(*window.to + 1, period)
                     : std::numeric_limits<std::uint64_t>::max()) {}

std::string vcd_window_filter::feed(std::string_view bytes) {
    std::string out;
    for (;;) {
        const std::size_t nl = bytes.find('\n');
        if (nl == std::string_view::npos) break;
        if (m_partial.empty()) {
            line(bytes.substr(0, nl), out);
        } else {
            m_partial.append(bytes.substr(0, nl));
            line(m_partial, out);
            m_partial.clear();
        }
        bytes.remove_prefix(nl + 1);
    }
    m_partial.append(bytes);
    return out;
}

std::string vcd_window_filter::finish() {
    std::string out;
    if (!m_partial.empty()) {
        line(m_partial, out);
        m_partial.clear();
    }
    if (m_state == state::at_from) {  // the run ended in cycle FROM: its state is all there is
        dump_state(out);
        m_state = state::window;
    }
    return out;
}

void vcd_window_filter::line(std::string_view l, std::string& out) {
    const auto pass = [&] {
        out.append(l);
        out += '\n';
    };
    if (m_state == state::after) return;
    if (m_state == state::header) {
        pass();
        if (l.find("$enddefinitions") == std::string_view::npos) return;
        if (m_window.whole()) {
            m_state = state::window;
            return;
        }
        out += fmt::format("$comment\n--vcd-window {}: cycles {} to {}; the state at cycle {} is dumped at its "
                           "time\n$end\n",
                           to_string(m_window), m_window.from,
                           m_window.to ? std::to_string(*m_window.to) : std::string("the end"), m_window.from);
        m_state = m_window.from == 0 ? state::window : state::before;
        return;
    }
    if (m_state == state::window) {
        if (!l.empty() && l.front() == '#') {
            if (const auto t = parse_cycle(l.substr(1))) return timestamp(*t, l, out);
        }
        return pass();
    }
    // before / at_from: follow the values, write nothing. Comments and the $dumpvars/$end
    // brackets carry no values.
    if (m_in_comment) {
        m_in_comment = l.find("$end") == std::string_view::npos;
        return;
    }
    if (starts_with(l, "$comment")) {
        m_in_comment = l.find("$end") == std::string_view::npos;
        return;
    }
    if (l.empty() || l.front() == '$') return;
    if (l.front() == '#') {
        if (const auto t = parse_cycle(l.substr(1))) return timestamp(*t, l, out);
        return;
    }
    record(l);
}

void vcd_window_filter::timestamp(std::uint64_t t, std::string_view l, std::string& out) {
    if (m_state == state::before || m_state == state::at_from) {
        if (t < m_from_time) return;
        if (t == m_from_time && m_state == state::before) {  // cycle FROM's own changes follow
            m_state = state::at_from;
            return;
        }
        dump_state(out);
        m_state = state::window;
    }
    if (t >= m_end_time) {  // cycle TO + 1 starts: end the trace there
        out += fmt::format("#{}\n", m_end_time);
        m_state = state::after;
        return;
    }
    out.append(l);
    out += '\n';
}

void vcd_window_filter::record(std::string_view l) {
    // "0!" / "1!" / "x!" / "z!" (scalars) or "b1010 !" / "r1.5 !" (vectors, reals).
    std::string_view id;
    const char k = l.front();
    if (k == 'b' || k == 'B' || k == 'r' || k == 'R') {
        const std::size_t sp = l.find(' ');
        if (sp == std::string_view::npos) return;
        id = l.substr(sp + 1);
    } else {
        id = l.substr(1);
    }
    while (!id.empty() && (id.front() == ' ' || id.front() == '\t')) id.remove_prefix(1);
    while (!id.empty() && (id.back() == ' ' || id.back() == '\t' || id.back() == '\r')) id.remove_suffix(1);
    if (id.empty()) return;
    const auto [it, fresh] = m_index.try_emplace(std::string(id), m_values.size());
    if (fresh) m_values.emplace_back(l);
    else m_values[it->second].assign(l);
}

void vcd_window_filter::dump_state(std::string& out) {
    out += fmt::format("#{}\n$dumpvars\n", m_from_time);
    for (const auto& v : m_values) {
        out += v;
        out += '\n';
    }
    out += "$end\n";
}

}  // namespace satlm
