#pragma once
/// The resource budget of a run (docs/safety.md): the memory the model needs for every
/// configured capacity in full, whether the run uses it or not, computed from the keys alone so
/// it is checked before anything is allocated.
///
/// \code
///   satlm::check_memory_budget(cfg, false);  // SRAMs, FIFOs, array: before any file is read
///   satlm::check_memory_budget(cfg, true);   // + the layer's tensors, once the keys are known
/// \endcode

#include "tlm/config.h"

#include <string>
#include <vector>

namespace satlm {

/// One part of the need: the keys that drive it and its size in bytes.
struct memory_item {
    std::string what;  ///< e.g. "pmem.words x pmem.width_bits"
    double bytes = 0;  ///< double: hostile keys multiply past 64 bits
};

/// The parts of the model's memory, largest first. `with_layer`: include the layer's tensors
/// (activations, weights, outputs, psums), valid once the layer keys are final.
std::vector<memory_item> model_memory_need(const accel_config& cfg, bool with_layer);

/// Throws config_error naming limits.memory_mb, the amount needed and the keys that drive it
/// when the need exceeds the budget.
void check_memory_budget(const accel_config& cfg, bool with_layer);

/// Throws config_error when reading a file of `file_bytes` (about twice its size in memory)
/// does not fit limits.memory_mb.
void check_file_budget(const accel_config& cfg, const std::string& path, double file_bytes);

/// "12.5 MiB" / "3.1 GiB": a size for messages.
std::string format_bytes(double bytes);

}  // namespace satlm
