#include "vectors/file_pattern.h"

#include "tlm/report.h"

#include <fmt/format.h>

namespace satlm {

file_pattern::file_pattern(std::string key, std::string text, const std::string& allowed)
    : m_key(std::move(key)), m_text(std::move(text)) {
    if (m_text.empty())
        throw config_error(
            fmt::format("key `{}`: expected a file name, got an empty string", m_key));
    std::string names;
    for (char c : allowed) names += fmt::format("{}{{{}}}", names.empty() ? "" : " ", c);
    for (std::size_t p = 0; p < m_text.size(); ++p) {
        if (m_text[p] == '}')
            throw config_error(fmt::format("key `{}`: unbalanced `}}` in \"{}\"", m_key, m_text));
        if (m_text[p] != '{') continue;
        const bool ok = p + 2 < m_text.size() && m_text[p + 2] == '}' &&
                        allowed.find(m_text[p + 1]) != std::string::npos;
        if (!ok)
            throw config_error(fmt::format("key `{}`: unknown placeholder in \"{}\" (allowed: {})",
                                           m_key, m_text, names.empty() ? "none" : names));
        (m_text[p + 1] == 'i' ? m_has_i : m_text[p + 1] == 'o' ? m_has_o : m_has_k) = true;
        p += 2;
    }
}

std::string file_pattern::expand(unsigned i, unsigned o, unsigned k) const {
    std::string out;
    for (std::size_t p = 0; p < m_text.size(); ++p) {
        if (m_text[p] == '{') {
            const char c = m_text[p + 1];
            out += std::to_string(c == 'i' ? i : c == 'o' ? o : k);
            p += 2;
        } else {
            out += m_text[p];
        }
    }
    return out;
}

}  // namespace satlm
