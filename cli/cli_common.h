#pragma once
/// What every satlm command shares: --set parsing, output paths checked before a run, and
/// outputs written to a temporary file that is renamed into place only when complete.

#include "tlm/config.h"

#include <string>
#include <utility>
#include <vector>

namespace satlm {

/// Splits --set KEY=VALUE pairs and checks each key and value (every problem, one line each).
std::vector<std::pair<std::string, std::string>> parse_set_options(const std::vector<std::string>& sets);

/// Applies --set pairs to `cfg` (command-line precedence).
void apply_set_options(accel_config& cfg, const std::vector<std::string>& sets);

/// Refuses, before a run, an output path whose folder is missing or that names a folder or
/// another non-regular file (tlm/safe_file.h resolve_output_path). An empty path means "not
/// asked for".
void check_output_path(const char* option, const std::string& path);

/// Writes `text` to a temporary file beside `path`, then renames it into place: a failed or
/// interrupted write leaves the old file (if any) untouched (tlm/safe_file.h
/// write_file_atomically). Throws input_error on failure.
void write_output_file_atomically(const std::string& path, const std::string& text);

}  // namespace satlm
