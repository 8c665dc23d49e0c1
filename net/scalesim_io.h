#pragma once
/// For users coming from SCALE-Sim: its configuration file read into satlm's keys, and its three
/// report files (COMPUTE_REPORT.csv, BANDWIDTH_REPORT.csv, DETAILED_ACCESS_REPORT.csv) written
/// with its columns from a network run.

#include "net/network_run.h"

#include <map>
#include <string>

namespace satlm {

/// Reads a SCALE-Sim .cfg (INI: `[architecture_presets]` ArrayHeight, ArrayWidth,
/// IfmapSramSzkB, FilterSramSzkB, OfmapSramSzkB, Dataflow, Bandwidth; `[run_presets]`
/// InterfaceBandwidth) into `cfg`: array.rows/cols, xmem.words and xmem.weight_base (IFMAP then
/// FILTER SRAM in one xmem), pmem.words, offchip.bytes_per_cycle. Throws input_error
/// "FILE:LINE: ..." on a malformed line, a value out of range or a dataflow other than ws.
void load_scalesim_config(accel_config& cfg, const std::string& path);

/// The three report files' text, keyed by file name, with SCALE-Sim's header lines. With
/// schedule.kind = "scalesim" every column is SCALE-Sim's own closed-form figure; otherwise the
/// cycle, stall, utilization and SRAM columns hold satlm's counters of the same quantities and
/// the start/stop columns span the layer's run.
std::map<std::string, std::string> scalesim_reports(const net_result& r);

}  // namespace satlm
