#pragma once
/// The run's console listing and summary table, and the --report JSON.

#include "testbench/checker.h"
#include "dataflow/run_result.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <string>

namespace satlm {

struct vector_set;

/// Version of the --report JSON layout; raised when a key changes meaning or moves.
constexpr int report_schema_version = 2;
/// Mismatches listed in the report's `mismatch_list` (`mismatches` is always the full count).
constexpr std::size_t report_mismatch_cap = 100;
/// Mismatches -q prints.
constexpr std::size_t quiet_mismatch_lines = 20;

/// A key's text as JSON: numbers and booleans typed, file patterns and names as strings.
nlohmann::json typed_value(const std::string& key, const std::string& text);

/// Nested JSON with the stable keys (docs/blocks/checker.md): schema_version, match, outputs,
/// mismatches, mismatch_list, cycles, latency, sram, fifo, config, ...; paths are absolute.
nlohmann::json make_report(const vector_set& vs, const run_result& result, const check_report& check,
                           double wall_seconds);

/// One line per output pixel (matched / ERROR), each differing value on its own line with file,
/// line, tile, pixel, channel, both values in decimal and bits, and the pre-ReLU sum. `quiet`:
/// only the first quiet_mismatch_lines mismatches and their count.
void print_pixel_lines(std::FILE* out, const vector_set& vs, const run_result& result,
                       const check_report& check, bool quiet);

/// An absolute, normal form of a path (for reports).
std::string absolute_path(const std::string& path);

/// The summary: values checked, mismatches, cycles (with buckets), utilization, SRAM traffic.
void print_summary(std::FILE* out, const vector_set& vs, const run_result& result,
                   const check_report& check, double wall_seconds);

}  // namespace satlm
