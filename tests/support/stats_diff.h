#pragma once
/// Field-by-field comparison of two runs' statistics (cycle model against LT model).

#include "dataflow/run_result.h"

#include <fmt/format.h>

#include <optional>
#include <string>
#include <tuple>

namespace satlm::test {

// stats_diff compares every field of run_stats by name; a new field must be added there (and
// to both models). The size check fails the build when the struct grows without that.
static_assert(sizeof(run_stats) == 16 * 8 + 8 + 2 * 48 + 2 * 8 + 2 * 16 + 3 * 8,
              "run_stats changed: compare the new field in stats_diff");

inline std::string opt(const std::optional<std::uint64_t>& v) { return v ? std::to_string(*v) : "none"; }

/// Every field of run_stats that differs between the cycle model (`c`) and the LT model (`l`),
/// as "name: cycle X lt Y;" items; empty when they agree.
inline std::string stats_diff(const run_stats& c, const run_stats& l) {
    std::string d;
    auto f = [&d](const char* name, const auto& a, const auto& b) {
        if (!(a == b)) d += fmt::format(" {}: cycle {} lt {};", name, a, b);
    };
    f("cycles.load_data", c.cycles.load_data, l.cycles.load_data);
    f("cycles.load_weights", c.cycles.load_weights, l.cycles.load_weights);
    f("cycles.execute", c.cycles.execute, l.cycles.execute);
    f("cycles.drain", c.cycles.drain, l.cycles.drain);
    f("cycles.accumulate", c.cycles.accumulate, l.cycles.accumulate);
    f("cycles.stall", c.cycles.stall, l.cycles.stall);
    f("cycles.refill", c.cycles.refill, l.cycles.refill);
    for (std::size_t i = 0; i < stall_cause_rows(c.cycles.stall_causes).size(); ++i)
        f((std::string("cycles.stall_causes.") + stall_cause_rows(c.cycles.stall_causes)[i].first).c_str(),
          stall_cause_rows(c.cycles.stall_causes)[i].second, stall_cause_rows(l.cycles.stall_causes)[i].second);
    f("cycles.idle", c.cycles.idle, l.cycles.idle);
    f("macs", c.macs, l.macs);
    for (const auto& [name, a, b] : {std::tuple{"xmem", &c.xmem, &l.xmem}, std::tuple{"pmem", &c.pmem, &l.pmem}}) {
        const std::string n = name;
        f((n + ".reads").c_str(), a->reads, b->reads);
        f((n + ".writes").c_str(), a->writes, b->writes);
        f((n + ".word_bytes").c_str(), a->word_bytes, b->word_bytes);
        f((n + ".peak_bytes_per_cycle").c_str(), a->peak_bytes_per_cycle, b->peak_bytes_per_cycle);
        f((n + ".act_reads").c_str(), a->act_reads, b->act_reads);
        f((n + ".weight_reads").c_str(), a->weight_reads, b->weight_reads);
    }
    f("l0_high_water", c.l0_high_water, l.l0_high_water);
    f("ofifo_high_water", c.ofifo_high_water, l.ofifo_high_water);
    f("first_psum_col0", opt(c.first_psum_col0), opt(l.first_psum_col0));
    f("first_psum_last_col", opt(c.first_psum_last_col), opt(l.first_psum_last_col));
    f("passes", c.passes, l.passes);
    f("chunks", c.chunks, l.chunks);
    f("simulated_seconds", c.simulated_seconds, l.simulated_seconds);
    return d;
}

}  // namespace satlm::test
