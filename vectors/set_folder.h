#pragma once
/// Writing a whole vector set into a folder without losing anything (docs/safety.md):
///   * a non-empty folder is refused unless `force`; with `force` only the files its previous
///     vectorset.toml lists are removed, and a file of the new set that exists but is not listed
///     is refused;
///   * the folder itself may not be a symlink, and no file is ever written through one;
///   * the set is first written into a private staging folder inside the target and moved into
///     place only when every file is complete: a failed run leaves the folder as it was.
/// The budget of `satlm gen` (limits.gen_files, limits.gen_mb) is computed from the shape before
/// anything is generated.
///
/// \code
///   auto size = satlm::canonical_set_size(shape, 8, 8, true);
///   satlm::check_gen_budget(size, limits);
///   auto written = satlm::write_set_folder("out", false, [&](const std::string& staging) {
///       satlm::write_vector_set(staging, layer, tiles, output, psums);
///   });
/// \endcode

#include "tlm/config.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace satlm {

/// Files and bytes of a canonical set (headers counted at their largest).
struct set_size {
    double files = 0;
    double bytes = 0;
    std::string largest;  ///< the file family that dominates, with the options driving it
};

/// The size of the set write_vector_set writes for this shape and tiling.
set_size canonical_set_size(const layer_keys& shape, unsigned tile_in, unsigned tile_out, bool with_psums);

/// Throws config_error naming limits.gen_files / limits.gen_mb, the amount needed and what drives
/// it, when the set is larger than the budget.
void check_gen_budget(const set_size& size, const limits_keys& limits);

/// The files (relative names) a folder's vectorset.toml lists: its patterns expanded over its
/// layer and tiles, and the manifest itself. Empty when the folder holds no manifest.
std::vector<std::string> files_listed_by_manifest(const std::string& folder);

/// What write_set_folder wrote.
struct written_set {
    std::vector<std::string> files;  ///< relative names, sorted
    std::uint64_t bytes = 0;
    std::uint64_t removed = 0;       ///< files of the previous set removed (--force)
};

/// Writes a set into `folder` safely (see the file comment); `write` fills the staging folder it
/// is given. `option` names the folder in messages ("--out").
written_set write_set_folder(const std::string& folder, bool force,
                             const std::function<void(const std::string& staging)>& write,
                             const std::string& option = "--out");

}  // namespace satlm
