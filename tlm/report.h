#pragma once
/// Error types, invariant checks and logging shared by every block.
///
/// User faults (bad files, bad configuration) throw `input_error` subclasses before the
/// simulation starts; `satlm` prints their one-line message and exits 2. Broken invariants
/// (our bugs) go through SATLM_ASSERT, which reports SC_FATAL in every build type.

#include <systemc>

#include <fmt/format.h>

#include <stdexcept>
#include <string>

namespace satlm {

/// Anything the user can fix: exit code 2, message = one line naming file/line or key.
class input_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// A configuration key, manifest key or geometry that cannot be used.
class config_error : public input_error {
public:
    using input_error::input_error;
};

/// A vector file that does not follow its declared format.
class vector_format_error : public input_error {
public:
    using input_error::input_error;
};

/// Throws vector_format_error "FILE:LINE: message" (line 0 = the file as a whole).
[[noreturn]] void throw_format_error(const std::string& file, std::size_t line,
                                     const std::string& message);

namespace detail {
[[noreturn]] void assert_failed(const char* type, const char* cond, const char* file, int line,
                                const std::string& message);
}  // namespace detail

template <typename... A>
void log_info(const char* type, fmt::format_string<A...> f, A&&... a) {
    if (sc_core::sc_report_handler::get_verbosity_level() >= sc_core::SC_MEDIUM)
        SC_REPORT_INFO_VERB(type, fmt::format(f, std::forward<A>(a)...).c_str(),
                            sc_core::SC_MEDIUM);
}

template <typename... A>
void log_debug(const char* type, fmt::format_string<A...> f, A&&... a) {
    if (sc_core::sc_report_handler::get_verbosity_level() >= sc_core::SC_HIGH)
        SC_REPORT_INFO_VERB(type, fmt::format(f, std::forward<A>(a)...).c_str(), sc_core::SC_HIGH);
}

template <typename... A>
void log_warn(const char* type, fmt::format_string<A...> f, A&&... a) {
    SC_REPORT_WARNING(type, fmt::format(f, std::forward<A>(a)...).c_str());
}

}  // namespace satlm

/// Invariant check for model code: reports SC_FATAL ("satlm/<block>") with the condition text.
#define SATLM_ASSERT(type, cond, ...)                                                      \
    do {                                                                                   \
        if (!(cond))                                                                       \
            ::satlm::detail::assert_failed(type, #cond, __FILE__, __LINE__,                \
                                           ::fmt::format(__VA_ARGS__));                    \
    } while (0)
