#pragma once
/// The run's console listing and summary table, and the --report JSON.

#include "testbench/checker.h"
#include "dataflow/run_result.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <string>

namespace satlm {

struct vector_set;

/// Nested JSON with the stable keys of SYSTEM.md section 2 (match, outputs, mismatches, cycles,
/// latency, sram, fifo, config, ...).
/// A key's text as JSON: numbers and booleans typed, file patterns and names as strings.
nlohmann::json typed_value(const std::string& key, const std::string& text);

nlohmann::json make_report(const vector_set& vs, const run_result& result, const check_report& check,
                           double wall_seconds);

/// One line per output pixel (matched / ERROR with got and expected), as the RTL testbench prints.
void print_pixel_lines(std::FILE* out, const vector_set& vs, const run_result& result,
                       const check_report& check);

/// The summary: values checked, mismatches, cycles (with buckets), utilization, SRAM traffic.
void print_summary(std::FILE* out, const vector_set& vs, const run_result& result,
                   const check_report& check, double wall_seconds);

}  // namespace satlm
