#include "tlm/safe_file.h"

#include "tlm/report.h"

#include <fmt/format.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <utility>

#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

namespace satlm {

namespace {

[[noreturn]] void refuse(const std::string& what, const std::string& path, const std::string& why) {
    if (what.empty()) throw input_error(fmt::format("{}: {}", path, why));
    throw input_error(fmt::format("{} {}: {}", what, path, why));
}

/// What a non-regular file is, in a user's words.
std::string kind_of(mode_t mode) {
    if (S_ISDIR(mode)) return "is a folder";
    if (S_ISFIFO(mode)) return "is a named pipe (FIFO)";
    if (S_ISCHR(mode) || S_ISBLK(mode)) return "is a device";
    if (S_ISSOCK(mode)) return "is a socket";
    return "is not a regular file";
}

std::string stat_failure(int error) {
    switch (error) {
        case ENOENT: return "no such file";
        case ELOOP: return "symbolic link loop";
        case EACCES: return "permission denied";
        case ENOTDIR: return "a folder on the path is a file";
        case ENAMETOOLONG: return "path too long";
        default: return std::strerror(error);
    }
}

std::string folder_of(const std::string& path) {
    const auto slash = path.find_last_of('/');
    if (slash == std::string::npos) return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

std::string name_of(const std::string& path) {
    const auto slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string join(const std::string& folder, const std::string& name) {
    return folder == "/" ? "/" + name : folder + "/" + name;
}

std::string real_folder(const std::string& folder, const std::string& option, const std::string& given) {
    char buf[PATH_MAX];
    if (!::realpath(folder.c_str(), buf)) {
        const int e = errno;
        if (e == ENOENT) refuse(option, given, fmt::format("folder {} does not exist", folder));
        refuse(option, given, fmt::format("folder {}: {}", folder, stat_failure(e)));
    }
    struct stat st {};
    if (::stat(buf, &st) != 0 || !S_ISDIR(st.st_mode))
        refuse(option, given, fmt::format("{} is not a folder", folder));
    // Checked now, so a run is not lost to an output that cannot be written at its end.
    if (::access(buf, W_OK | X_OK) != 0)
        refuse(option, given, fmt::format("folder {}: {}", folder, stat_failure(errno)));
    return buf;
}

bool same_file(const std::string& a, const std::string& b) {
    struct stat sa {}, sb {};
    if (::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0)
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    return a == b;
}

}  // namespace

std::uint64_t check_input_file(const std::string& path, const std::string& what) {
    if (path.empty()) refuse(what, "\"\"", "expected a file name, got an empty path");
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) refuse(what, path, "cannot open: " + stat_failure(errno));
    if (!S_ISREG(st.st_mode)) refuse(what, path, kind_of(st.st_mode) + ", expected a regular file");
    if (::access(path.c_str(), R_OK) != 0) refuse(what, path, "cannot open: " + stat_failure(errno));
    return static_cast<std::uint64_t>(st.st_size);
}

std::string read_input_file(const std::string& path, const std::string& what, std::uint64_t max_bytes) {
    check_input_file(path, what);
    // O_NONBLOCK: should the path turn into a FIFO between the check and the open, the open still
    // returns at once and the fstat below refuses it.
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) refuse(what, path, fmt::format("cannot open: {}", stat_failure(errno)));
    struct closer {
        int fd;
        ~closer() { ::close(fd); }
    } guard{fd};
    struct stat st {};
    if (::fstat(fd, &st) != 0) refuse(what, path, fmt::format("cannot read: {}", std::strerror(errno)));
    if (!S_ISREG(st.st_mode)) refuse(what, path, kind_of(st.st_mode) + ", expected a regular file");
    const auto size = static_cast<std::uint64_t>(st.st_size);
    if (size > max_bytes)
        refuse(what, path, fmt::format("file too large ({} bytes, at most {} expected)", size, max_bytes));
    std::string text(static_cast<std::size_t>(size), '\0');
    std::size_t got = 0;
    while (got < text.size()) {
        const ssize_t n = ::read(fd, text.data() + got, text.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) refuse(what, path, fmt::format("cannot read: {}", std::strerror(errno)));
        if (n == 0) break;  // the file shrank while being read
        got += static_cast<std::size_t>(n);
    }
    text.resize(got);
    return text;
}

std::string resolve_output_path(const std::string& path, const std::string& option) {
    if (path.empty()) refuse(option, "\"\"", "expected a file name, got an empty path");
    std::string p = path;
    if (p.front() != '/') {
        char cwd[PATH_MAX];
        if (!::getcwd(cwd, sizeof cwd)) refuse(option, path, "cannot resolve the current folder");
        p = join(cwd, p);
    }
    if (p.back() == '/') refuse(option, path, "is a folder, expected a file name");
    for (int hops = 0;; ++hops) {
        if (hops > 40) refuse(option, path, "symbolic link loop");
        struct stat st {};
        if (::lstat(p.c_str(), &st) != 0) {
            const int e = errno;
            if (e != ENOENT) refuse(option, path, stat_failure(e));
            const std::string folder = real_folder(folder_of(p), option, path);
            return join(folder, name_of(p));
        }
        if (S_ISLNK(st.st_mode)) {
            char buf[PATH_MAX];
            const ssize_t n = ::readlink(p.c_str(), buf, sizeof buf - 1);
            if (n < 0) refuse(option, path, stat_failure(errno));
            const std::string target(buf, static_cast<std::size_t>(n));
            p = target.front() == '/' ? target : join(folder_of(p), target);
            continue;
        }
        if (!S_ISREG(st.st_mode)) refuse(option, path, kind_of(st.st_mode) + ", expected a regular file");
        const std::string name = name_of(p);
        if (name == "." || name == "..") refuse(option, path, "is a folder, expected a file name");
        return join(real_folder(folder_of(p), option, path), name);
    }
}

void file_plan::add_output(const std::string& option, const std::string& path) {
    m_outputs.push_back({option, path, resolve_output_path(path, option)});
}

void file_plan::add_input(const std::string& role, const std::string& path) {
    struct stat st {};
    if (path.empty() || ::stat(path.c_str(), &st) != 0) return;
    m_inputs.push_back({role, path, path});
}

void file_plan::check_overlaps() const {
    for (std::size_t i = 0; i < m_outputs.size(); ++i) {
        const entry& out = m_outputs[i];
        for (const entry& in : m_inputs)
            if (same_file(out.path, in.path))
                refuse(out.label, out.given,
                       fmt::format("is an input of this run ({} {}): refusing to overwrite it", in.label, in.given));
        for (std::size_t j = 0; j < i; ++j)
            if (same_file(out.path, m_outputs[j].path))
                refuse(out.label, out.given,
                       fmt::format("is the same file as {} {}: give each output its own path",
                                   m_outputs[j].label, m_outputs[j].given));
    }
}

std::string file_plan::output(const std::string& option) const {
    for (const entry& e : m_outputs)
        if (e.label == option) return e.path;
    return {};
}

temp_output::temp_output(std::string target, std::string what, int fd, std::string temp)
    : m_target(std::move(target)), m_what(std::move(what)), m_temp(std::move(temp)), m_fd(fd) {
    const mode_t mask = ::umask(0);
    ::umask(mask);
    ::fchmod(m_fd, 0666 & ~mask);
}

temp_output::temp_output(std::string target, std::string what)
    : m_target(std::move(target)), m_what(std::move(what)) {
    std::string pattern = join(folder_of(m_target), "." + name_of(m_target) + ".satlm-XXXXXX");
    m_fd = ::mkstemp(pattern.data());
    if (m_fd < 0) refuse(m_what, m_target, fmt::format("cannot create a file in its folder: {}", std::strerror(errno)));
    m_temp = pattern;
    const mode_t mask = ::umask(0);
    ::umask(mask);
    ::fchmod(m_fd, 0666 & ~mask);
}

temp_output::~temp_output() {
    if (m_fd >= 0) ::close(m_fd);
    if (!m_done && !m_temp.empty()) ::unlink(m_temp.c_str());
}

std::string temp_output::failure(const std::string& why) {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = -1;
    if (!m_temp.empty()) ::unlink(m_temp.c_str());
    m_done = true;
    return m_what.empty() ? fmt::format("{}: {}", m_target, why) : fmt::format("{} {}: {}", m_what, m_target, why);
}

void temp_output::fail(const char* action, int error) {
    throw input_error(failure(fmt::format("cannot {}: {}", action, std::strerror(error))));
}

int temp_output::try_write(std::string_view bytes) {
    if (m_fd < 0) return EBADF;
    while (!bytes.empty()) {
        const ssize_t n = ::write(m_fd, bytes.data(), bytes.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return n < 0 ? errno : ENOSPC;
        bytes.remove_prefix(static_cast<std::size_t>(n));
        m_bytes += static_cast<std::uint64_t>(n);
    }
    return 0;
}

void temp_output::write(std::string_view bytes) {
    if (const int error = try_write(bytes)) fail("write", error);
}

std::string temp_output::try_commit() {
    if (m_done || m_fd < 0) return failure("cannot write: the file was abandoned");
    if (::fsync(m_fd) != 0 && errno != EINVAL) return failure(fmt::format("cannot write: {}", std::strerror(errno)));
    const int fd = m_fd;
    m_fd = -1;
    if (::close(fd) != 0) return failure(fmt::format("cannot write: {}", std::strerror(errno)));
    // The target may have changed since it was checked: never rename over a non-regular file.
    struct stat st {};
    if (::lstat(m_target.c_str(), &st) == 0 && !S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode))
        return failure(kind_of(st.st_mode) + ", expected a regular file");
    if (::rename(m_temp.c_str(), m_target.c_str()) != 0)
        return failure(fmt::format("cannot rename the finished file into place: {}", std::strerror(errno)));
    m_done = true;
    return {};
}

void temp_output::commit() {
    const std::string error = try_commit();
    if (!error.empty()) throw input_error(error);
}

std::string try_write_file_atomically(const std::string& resolved_target, std::string_view text,
                                      const std::string& what) {
    std::string pattern = join(folder_of(resolved_target), "." + name_of(resolved_target) + ".satlm-XXXXXX");
    const int fd = ::mkstemp(pattern.data());
    if (fd < 0) {
        const std::string why = fmt::format("cannot create a file in its folder: {}", std::strerror(errno));
        return what.empty() ? fmt::format("{}: {}", resolved_target, why)
                            : fmt::format("{} {}: {}", what, resolved_target, why);
    }
    temp_output out(resolved_target, what, fd, pattern);
    if (const int error = out.try_write(text)) return out.failure(fmt::format("cannot write: {}", std::strerror(error)));
    return out.try_commit();
}

void write_file_atomically(const std::string& target, std::string_view text, const std::string& what) {
    temp_output out(resolve_output_path(target, what), what);
    out.write(text);
    out.commit();
}

void ignore_write_signals() {
    // SIGPIPE keeps its default: `satlm run | head` ends quietly, as other tools do; satlm's own
    // pipe (the VCD copy) is read to its end.
    std::signal(SIGXFSZ, SIG_IGN);
}

}  // namespace satlm
