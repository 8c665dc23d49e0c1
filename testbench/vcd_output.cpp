#include "testbench/vcd_output.h"

#include "tlm/report.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <new>

#include <fcntl.h>
#include <unistd.h>

namespace satlm {

vcd_output::vcd_output(const std::string& target, const vcd_window& window, std::uint64_t period)
    : m_file(target, "--vcd"), m_filter(window, period) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
        throw input_error(fmt::format("--vcd {}: cannot create a pipe: {}", target, std::strerror(errno)));
    m_read_fd = fds[0];
    m_write_fd = fds[1];
    // A private folder holding "trace.vcd" -> the pipe's write end: the kernel opens it by name.
    std::string folder = (std::filesystem::temp_directory_path() / "satlm-vcd-XXXXXX").string();
    if (!::mkdtemp(folder.data())) {
        const int e = errno;
        stop_copy();
        throw input_error(fmt::format("--vcd {}: cannot create a private folder: {}", target, std::strerror(e)));
    }
    m_folder = folder;
    m_link = m_folder + "/trace.vcd";
    const std::string fd_path = fmt::format("/proc/{}/fd/{}", ::getpid(), m_write_fd);
    if (::symlink(fd_path.c_str(), m_link.c_str()) != 0) {
        const int e = errno;
        stop_copy();
        throw input_error(fmt::format("--vcd {}: cannot link the trace pipe: {}", target, std::strerror(e)));
    }
    m_copier = std::thread([this] {
        char buf[1 << 16];
        for (;;) {
            const ssize_t n = ::read(m_read_fd, buf, sizeof buf);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;
            if (m_error) continue;  // keep draining so the kernel never blocks
            try {
                const std::string kept = m_filter.feed(std::string_view(buf, static_cast<std::size_t>(n)));
                if (!kept.empty()) m_error = m_file.try_write(kept);
            } catch (const std::bad_alloc&) {  // the thread must not throw: report it as a write error
                m_error = ENOMEM;
            }
        }
    });
}

void vcd_output::stop_copy() {
    if (m_write_fd >= 0) ::close(m_write_fd);
    m_write_fd = -1;
    if (m_copier.joinable()) m_copier.join();
    if (m_read_fd >= 0) ::close(m_read_fd);
    m_read_fd = -1;
    if (!m_link.empty()) ::unlink(m_link.c_str());
    if (!m_folder.empty()) ::rmdir(m_folder.c_str());
    m_link.clear();
    m_folder.clear();
}

vcd_output::~vcd_output() { stop_copy(); }

std::string vcd_output::finish() {
    stop_copy();
    if (!m_error)
        if (const std::string rest = m_filter.finish(); !rest.empty()) m_error = m_file.try_write(rest);
    if (m_error) return m_file.failure(fmt::format("cannot write: {}", std::strerror(m_error)));
    return m_file.try_commit();
}

}  // namespace satlm
