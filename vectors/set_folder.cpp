#include "vectors/set_folder.h"

#include "tlm/bits.h"
#include "tlm/budget.h"
#include "tlm/report.h"
#include "vectors/file_pattern.h"
#include "vectors/vector_writer.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <set>

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

namespace satlm {

namespace fs = std::filesystem;

namespace {

constexpr double header_bytes = 3 * 96;  // three `#` lines of at most ~90 characters
constexpr double mib = 1024.0 * 1024.0;

[[noreturn]] void refuse(const std::string& option, const std::string& folder, const std::string& why) {
    throw input_error(fmt::format("{} {}: {}", option, folder, why));
}

/// lstat without following a final symlink; false when nothing is there.
bool lstat_path(const std::string& p, struct stat& st) { return ::lstat(p.c_str(), &st) == 0; }

}  // namespace

set_size canonical_set_size(const layer_keys& L, unsigned tile_in, unsigned tile_out, bool with_psums) {
    const double in_tiles = std::ceil(double(L.in_channels) / tile_in);
    const double out_tiles = std::ceil(double(L.out_channels) / tile_out);
    const double k2 = L.kernel_positions(), n = L.positions(), o = L.out_positions();
    const double cpl = L.act_bits == 2 ? 2 : 1;
    const double tile_files = in_tiles * out_tiles * k2;
    struct family {
        const char* name;
        double files, bytes;
    } f[] = {
        {"activation files (--in-ch / --tile-in)", in_tiles, in_tiles * (header_bytes + n * (tile_in * L.act_bits + 1))},
        {"weight files (--in-ch / --tile-in x --out-ch / --tile-out x --kernel^2)", tile_files,
         tile_files * (header_bytes + tile_out * cpl * (tile_in / cpl * L.weight_bits + 1))},
        {"psum files (--in-ch / --tile-in x --out-ch / --tile-out x --kernel^2 x padded map; --no-psums drops them)",
         with_psums ? tile_files : 0,
         with_psums ? tile_files * (header_bytes + n * (tile_out * double(L.psum_bits) + 1)) : 0},
        {"out.txt (--out-ch x output map)", 1, header_bytes + o * (L.out_channels * double(L.psum_bits) + 1)},
        {"acc_address.txt (output map x --kernel^2)", 1, header_bytes + o * k2 * (acc_address_width(L) + 1)},
        {"vectorset.toml", 1, 1024},
    };
    set_size s;
    double top = -1;
    for (const auto& x : f) {
        s.files += x.files;
        s.bytes += x.bytes;
        if (x.bytes > top) {
            top = x.bytes;
            s.largest = x.name;
        }
    }
    return s;
}

void check_gen_budget(const set_size& size, const limits_keys& limits) {
    if (size.files > limits.gen_files)
        throw config_error(fmt::format("key `limits.gen_files` = {}: this set needs {:.0f} files, mostly {}; "
                                       "use larger tiles or raise limits.gen_files",
                                       limits.gen_files, size.files, size.largest));
    if (size.bytes > double(limits.gen_mb) * mib)
        throw config_error(fmt::format("key `limits.gen_mb` = {}: this set needs {} on disk, mostly {}; "
                                       "raise limits.gen_mb to write it",
                                       limits.gen_mb, format_bytes(size.bytes), size.largest));
}

std::vector<std::string> files_listed_by_manifest(const std::string& folder) {
    const std::string manifest = (fs::path(folder) / "vectorset.toml").string();
    struct stat st {};
    if (!lstat_path(manifest, st)) return {};
    std::vector<std::string> names{"vectorset.toml"};
    if (!S_ISREG(st.st_mode)) return names;
    accel_config cfg;
    try {
        load_manifest_file(cfg, manifest);
    } catch (const input_error&) {
        return names;  // unreadable: it lists nothing but itself
    }
    const layer_keys& L = cfg.layer;
    const unsigned tin = cfg.tile_in_channels(), tout = cfg.tiles.out_channels;
    const unsigned in_tiles = static_cast<unsigned>(std::min<std::uint64_t>(ceil_div(L.in_channels, tin), 1u << 16));
    const unsigned out_tiles = static_cast<unsigned>(std::min<std::uint64_t>(ceil_div(L.out_channels, tout), 1u << 16));
    const unsigned k2 = L.kernel_positions();
    auto add = [&](const char* key, const std::string& text, const char* allowed) {
        if (text.empty()) return;
        try {
            const file_pattern p(key, text, allowed);
            for (unsigned i = 0; i < (p.has_i() ? in_tiles : 1); ++i)
                for (unsigned o = 0; o < (p.has_o() ? out_tiles : 1); ++o)
                    for (unsigned k = 0; k < (p.has_k() ? k2 : 1); ++k) names.push_back(p.expand(i, o, k));
        } catch (const input_error&) {
        }
    };
    add("files.activation", cfg.files.activation, "i");
    add("files.weight", cfg.files.weight, "iok");
    add("files.output", cfg.files.output, "o");
    add("files.psum", cfg.files.psum, "iok");
    add("files.acc", cfg.files.acc, "");
    // Only names inside the folder: a manifest cannot point the removal elsewhere.
    names.erase(std::remove_if(names.begin(), names.end(),
                               [](const std::string& n) {
                                   const fs::path p(n);
                                   if (p.is_absolute()) return true;
                                   for (const auto& part : p)
                                       if (part == "..") return true;
                                   return false;
                               }),
                names.end());
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    return names;
}

written_set write_set_folder(const std::string& folder, bool force,
                             const std::function<void(const std::string& staging)>& write,
                             const std::string& option) {
    if (folder.empty()) refuse(option, "\"\"", "expected a folder name, got an empty path");
    struct stat st {};
    bool created = false;
    if (lstat_path(folder, st)) {
        if (S_ISLNK(st.st_mode)) {
            std::error_code ec;
            const auto target = fs::read_symlink(folder, ec);
            refuse(option, folder, fmt::format("is a symbolic link (to {}): give the folder itself, "
                                               "satlm gen never writes through a link",
                                               ec ? std::string("?") : target.string()));
        }
        if (!S_ISDIR(st.st_mode)) refuse(option, folder, "exists and is not a folder");
    } else {
        std::error_code ec;
        fs::create_directories(folder, ec);
        if (ec) refuse(option, folder, fmt::format("cannot create the folder: {}", ec.message()));
        created = true;
    }

    // What is there now, and what of it the previous manifest lists.
    std::set<std::string> present;
    {
        std::error_code ec;
        for (fs::recursive_directory_iterator it(folder, fs::directory_options::none, ec), end; !ec && it != end;
             it.increment(ec)) {
            if (it->is_symlink(ec) || !it->is_directory(ec))
                present.insert(fs::relative(it->path(), folder, ec).generic_string());
        }
        if (ec) refuse(option, folder, fmt::format("cannot list the folder: {}", ec.message()));
    }
    const auto listed_vec = files_listed_by_manifest(folder);
    const std::set<std::string> listed(listed_vec.begin(), listed_vec.end());
    if (!present.empty() && !force)
        refuse(option, folder, fmt::format("folder is not empty ({} file(s), e.g. {}): give an empty or new "
                                           "folder, or --force to replace the set its vectorset.toml lists",
                                           present.size(), *present.begin()));

    // Stage the new set in a private folder inside the target (same file system: the moves are
    // renames).
    std::string staging = (fs::path(folder) / ".satlm-gen-XXXXXX").string();
    if (!::mkdtemp(staging.data()))
        refuse(option, folder, fmt::format("cannot create a staging folder: {}", std::strerror(errno)));
    auto cleanup = [&] {
        std::error_code ec;
        fs::remove_all(staging, ec);
        if (created) fs::remove(folder, ec);
    };
    written_set w;
    try {
        write(staging);
        std::error_code ec;
        for (fs::directory_iterator it(staging, ec), end; !ec && it != end; it.increment(ec)) {
            w.files.push_back(it->path().filename().string());
            w.bytes += it->file_size(ec);
        }
        if (ec) refuse(option, folder, fmt::format("cannot list the staged set: {}", ec.message()));
        std::sort(w.files.begin(), w.files.end());
        // A file of the new set that is there already must be one the old manifest lists.
        for (const auto& f : w.files)
            if (present.count(f) && !listed.count(f))
                refuse(option, folder, fmt::format("{} exists and is not listed by the folder's vectorset.toml: "
                                                   "refusing to replace it (move it away first)", f));
    } catch (...) {
        cleanup();
        throw;
    }
    // Remove the previous set's files (a symlink is removed itself, never its target).
    for (const auto& f : listed) {
        const std::string p = (fs::path(folder) / f).string();
        struct stat fst {};
        if (!lstat_path(p, fst) || S_ISDIR(fst.st_mode)) continue;
        if (::unlink(p.c_str()) == 0) ++w.removed;
    }
    for (const auto& f : w.files) {
        const std::string from = (fs::path(staging) / f).string(), to = (fs::path(folder) / f).string();
        if (::rename(from.c_str(), to.c_str()) != 0) {
            const int e = errno;
            cleanup();
            refuse(option, folder, fmt::format("cannot move {} into place: {}", f, std::strerror(e)));
        }
    }
    std::error_code ec;
    fs::remove(staging, ec);
    return w;
}

}  // namespace satlm
