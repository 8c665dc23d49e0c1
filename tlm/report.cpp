#include "tlm/report.h"

namespace satlm {

void throw_format_error(const std::string& file, std::size_t line, const std::string& message) {
    if (line == 0) throw vector_format_error(fmt::format("{}: {}", file, message));
    throw vector_format_error(fmt::format("{}:{}: {}", file, line, message));
}

namespace detail {
void assert_failed(const char* type, const char* cond, const char* file, int line,
                   const std::string& message) {
    const std::string text = fmt::format("assertion `{}` failed at {}:{}: {}", cond, file, line,
                                         message);
    SC_REPORT_FATAL(type, text.c_str());
    throw std::logic_error(text);  // only reached when SC_FATAL is configured not to abort
}
}  // namespace detail

}  // namespace satlm
