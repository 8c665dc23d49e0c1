#pragma once
/// The reports of `satlm net`: the console table, the CSV (one row per layer, the stable
/// columns of docs/net.md first) and the JSON report (network totals and a list of layers).

#include "net/network_run.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <string>

namespace satlm {

/// The CSV text: a header line, then one row per layer in network order.
std::string net_csv(const net_result& r);

/// One layer's entry of the JSON report: shape, cycles, MACs, utilization, SRAM, off-chip, FIFOs.
nlohmann::json layer_json(const net_layer_result& l);

/// The JSON report (schema in docs/net.md).
nlohmann::json net_json(const net_result& r, const accel_config& arch);

/// The console table and the totals.
void print_net_summary(std::FILE* out, const net_result& r, const accel_config& arch);

/// Off-chip bytes of a layer: every xmem word written from outside, and the outputs leaving.
std::uint64_t offchip_bytes(const net_layer_result& l);

/// The off-chip bandwidth (bytes per cycle) a run without bandwidth stalls would need.
double stall_free_bandwidth(const net_layer_result& l);

}  // namespace satlm
