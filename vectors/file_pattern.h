#pragma once
/// A vector-file name pattern with the placeholders {i} (input tile), {o} (output tile) and
/// {k} (kernel position), as in the manifest's [files] keys.

#include <string>

namespace satlm {

/// Parsed file-name pattern. Usage:
/// \code
///   file_pattern p("files.weight", "weight_itile{i}_otile{o}_kij{k}.txt", "iok");
///   std::string name = p.expand(0, 1, 8);   // "weight_itile0_otile1_kij8.txt"
/// \endcode
class file_pattern {
public:
    /// `key` names the manifest key in messages; `allowed` lists the placeholder letters the key
    /// may use. Throws config_error on an empty pattern, an unknown or disallowed placeholder,
    /// or an unbalanced brace.
    file_pattern(std::string key, std::string text, const std::string& allowed);

    bool has_i() const { return m_has_i; }
    bool has_o() const { return m_has_o; }
    bool has_k() const { return m_has_k; }
    const std::string& text() const { return m_text; }
    const std::string& key() const { return m_key; }
    /// The file name with every placeholder replaced by its number.
    std::string expand(unsigned i, unsigned o, unsigned k) const;

private:
    std::string m_key;
    std::string m_text;
    bool m_has_i = false;
    bool m_has_o = false;
    bool m_has_k = false;
};

}  // namespace satlm
