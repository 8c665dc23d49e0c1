// Analytic schedule: the reference flow's phase formulas and the overlapped flow's bounds.
#include <boost/test/unit_test.hpp>

#include "dataflow/ws/cycle_engine.h"
#include "tlm/report.h"
#include "dataflow/ws/schedule.h"

#include <map>
#include <random>

using namespace satlm;

namespace {

accel_config six_by_six() {
    accel_config cfg;  // defaults: 8 -> 8 channels, 6x6 padded, k = 3, 8x8 array
    return cfg;
}

std::uint64_t total(const accel_config& cfg) {
    return total_cycles(build_schedule(cfg, plan_tiling(cfg))).total();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(schedule)

BOOST_AUTO_TEST_CASE(reference_single_tile_is_1936) {
    const auto cfg = six_by_six();
    const auto steps = build_schedule(cfg, plan_tiling(cfg));
    const auto t = total_cycles(steps);
    BOOST_TEST(t.total() == 1936u);  // 50 + 9 x 182 + 1 + 17 x 14 + 9
    std::uint64_t sum = 0;
    for (const auto& s : steps) {
        BOOST_TEST(s.buckets.total() == s.cycles);
        BOOST_TEST(s.start == sum);
        sum += s.cycles;
    }
    BOOST_TEST(t.stall == 0u);
    BOOST_TEST(t.accumulate == 17u * 14u);
}

BOOST_AUTO_TEST_CASE(reference_per_kij_block_is_182) {
    const auto cfg = six_by_six();
    const auto steps = build_schedule(cfg, plan_tiling(cfg));
    std::map<unsigned, std::uint64_t> per_kij;
    bool in_kij = false;
    for (const auto& s : steps) {
        if (s.kind == step_kind::write_act) { in_kij = true; continue; }
        if (s.kind == step_kind::accumulate_pixel || s.kind == step_kind::tail) in_kij = false;
        if (in_kij) per_kij[s.kij] += s.cycles;
    }
    BOOST_TEST(per_kij.size() == 9u);
    // the idle cycle after kij 8 belongs to kij 0 in step tagging (kij = 0): 182 + 1
    BOOST_TEST(per_kij[0] == 183u);
    for (unsigned q = 1; q < 9; ++q) BOOST_TEST(per_kij[q] == 182u);
}

BOOST_AUTO_TEST_CASE(reference_shallow_ofifo_adds_refill_not_stall) {
    auto cfg = six_by_six();
    const auto base = total_cycles(build_schedule(cfg, plan_tiling(cfg)));
    cfg.arch.ofifo_depth = 32;
    const auto half = total_cycles(build_schedule(cfg, plan_tiling(cfg)));
    BOOST_TEST(half.total() > base.total());
    // the second chunk of 4 repeats prefetch 1 + idle 1 + drain 17 + ofifo read 1 + stale write 1:
    // set-up repeated by the chunking (refill), no cycle waits for a resource
    BOOST_TEST(half.total() - base.total() == 9u * 21u);
    BOOST_TEST(half.refill - base.refill == 9u * 21u);
    BOOST_TEST(half.stall == 0u);
}

BOOST_AUTO_TEST_CASE(band_set_up_is_refill) {
    // Small memories split the 6x6 layer into bands: the bands after the first repeat the reset,
    // the idle gaps and the check iteration.
    for (auto kind : {schedule_kind::reference, schedule_kind::overlapped}) {
        auto cfg = six_by_six();
        cfg.arch.schedule = kind;
        // reference: the activations below the weight base (N_b + 1 <= 30: bands of at most 2
        // output rows; a small pmem would rather split the kernel positions); overlapped: the
        // band's output pixels (4 per row, so 2 bands of 2 rows)
        if (kind == schedule_kind::reference) cfg.arch.xmem.weight_base = 30;
        else cfg.arch.pmem.words = 9;
        const auto plan = plan_tiling(cfg);
        BOOST_TEST_REQUIRE(plan.bands.size() > 1u);
        const auto steps = build_schedule(cfg, plan);
        std::uint64_t refill = 0;
        for (const auto& s : steps) {
            BOOST_TEST(s.buckets.total() == s.cycles);
            if (s.band == 0) BOOST_TEST(s.buckets.refill == 0u);
            refill += s.buckets.refill;
        }
        BOOST_TEST(refill > 0u);
        // no cycle waits for the off-chip link, L0 or the OFIFO (the overlapped drain's
        // read-modify-writes wait for the single pmem port)
        const auto t = total_cycles(steps);
        BOOST_TEST(t.stall == t.stall_causes.pmem_port);
    }
}

BOOST_AUTO_TEST_CASE(thin_offchip_adds_stall_in_both_schedules) {
    for (auto kind : {schedule_kind::reference, schedule_kind::overlapped}) {
        auto cfg = six_by_six();
        cfg.arch.schedule = kind;
        const auto base = total_cycles(build_schedule(cfg, plan_tiling(cfg)));
        cfg.arch.offchip_bytes_per_cycle = 2;
        const auto thin = total_cycles(build_schedule(cfg, plan_tiling(cfg)));
        BOOST_TEST(thin.total() > base.total());
        BOOST_TEST(thin.stall > base.stall);
        BOOST_TEST(thin.stall_causes.offchip_bandwidth > 0u);
        BOOST_TEST(base.stall_causes.offchip_bandwidth == 0u);
    }
}

BOOST_AUTO_TEST_CASE(overlapped_beats_the_fused_designs) {
    auto cfg = six_by_six();
    cfg.arch.schedule = schedule_kind::overlapped;
    const auto steps = build_schedule(cfg, plan_tiling(cfg));
    const auto t = total_cycles(steps);
    BOOST_TEST(t.total() < 1139u);
    std::map<unsigned, std::uint64_t> per_kij;
    for (const auto& s : steps)
        if (s.kind == step_kind::stream) per_kij[s.kij] += s.cycles;
    BOOST_TEST(per_kij.size() == 9u);
    for (const auto& [q, c] : per_kij) BOOST_TEST(c < 108u, "kij " << q << ": " << c);
    for (const auto& s : steps) BOOST_TEST(s.buckets.total() == s.cycles);
}

BOOST_AUTO_TEST_CASE(reference_formula_scales_with_geometry) {
    auto cfg = six_by_six();
    cfg.arch.rows = 16;
    cfg.arch.cols = 4;
    cfg.layer.padded_height = 10;
    cfg.layer.padded_width = 7;
    // N = 70, O = 40, C = 4 -> 2 output tiles; 8-byte xmem words at 4 B/cycle: 2 cycles a write.
    // per kij: 14 + 4 x 2 writes + 1 + 1 + 4 + 1 + 4 + 12, chunk of 64: 1 + 64 + 1 + 64 + 21 + 1 + 65,
    // chunk of 6: 1 + 6 + 1 + 6 + 21 + 1 + 7
    const std::uint64_t per_kij = 14 + 8 + 1 + 1 + 4 + 1 + 4 + 12 + (1 + 64 + 1 + 64 + 21 + 1 + 65) +
                                  (1 + 6 + 1 + 6 + 21 + 1 + 7);
    const std::uint64_t per_tile = 14 + 70 * 2 + 9 * per_kij + 1 + 41 * 14;
    const std::uint64_t expect = 2 * per_tile + 9;
    BOOST_TEST(total(cfg) == expect);
}

BOOST_AUTO_TEST_CASE(peaks_of_the_6x6_runs) {
    // Reference: L0 holds a whole chunk (36 positions) before execute, the OFIFO a whole chunk
    // before the drain. Overlapped: L0 is read R cycles behind its writes (8), and the OFIFO
    // backs up while the drain's read-modify-writes share the pmem port (17).
    for (auto [kind, l0, ofifo] : {std::tuple{schedule_kind::reference, 36u, 36u},
                                   std::tuple{schedule_kind::overlapped, 8u, 17u}}) {
        auto cfg = six_by_six();
        cfg.arch.schedule = kind;
        const auto steps = build_schedule(cfg, plan_tiling(cfg));
        const auto p = peak_stats(steps);
        BOOST_TEST(p.l0_high_water == l0);
        BOOST_TEST(p.ofifo_high_water == ofifo);
        BOOST_TEST(p.xmem_accesses == 1u);  // single-port SRAMs
        BOOST_TEST(p.pmem_accesses == 1u);
        for (const auto& s : steps) {
            BOOST_TEST(s.xmem_peak <= 1u);
            BOOST_TEST(s.pmem_peak <= 1u);
            BOOST_TEST(s.l0_peak <= cfg.arch.l0_depth);
            BOOST_TEST(s.ofifo_peak <= cfg.arch.ofifo_depth);
            if (s.xmem_reads + s.xmem_writes == 0) BOOST_TEST(s.xmem_peak == 0u);
        }
    }
}

BOOST_AUTO_TEST_CASE(reference_l0_peak_counts_weights_row_r_still_holds) {
    // 32 rows, 16 columns, 3x3 map: row 31 pops the 16 weights R + 1 = 33 edges after the load
    // reads them, so 3 of the 9 activations are already in before its first weight pop:
    // 16 + 3 = 19 entries, more than the weights (16) or the chunk (9). The cycle model agrees.
    auto cfg = six_by_six();
    cfg.arch.rows = 32;
    cfg.arch.cols = 16;
    cfg.layer.in_channels = 32;
    cfg.layer.out_channels = 16;
    cfg.layer.padded_height = cfg.layer.padded_width = 3;
    const auto plan = plan_tiling(cfg);
    const auto p = peak_stats(build_schedule(cfg, plan));
    BOOST_TEST(p.l0_high_water == 19u);
    BOOST_TEST(p.ofifo_high_water == 9u);
    layer_data d(cfg.layer);
    std::mt19937 rng(3);
    for (auto& a : d.act) a = static_cast<std::uint8_t>(rng() % 16);
    for (auto& w : d.weight) w = static_cast<std::int8_t>(int(rng() % 16) - 8);
    const auto r = run_cycle_engine(cfg, d, plan);
    BOOST_TEST(r.stats.l0_high_water == 19u);
    BOOST_TEST(r.stats.ofifo_high_water == 9u);
}

BOOST_AUTO_TEST_CASE(reference_waits_for_the_last_rows_weights_instead_of_overflowing_l0) {
    // rows 24 on a depth-8 L0 (the bundled 6x6 set): row 23 still holds 3 of its 8 weights when
    // the chunk of 8 starts, so each kij waits 3 cycles more (stall) and the row peaks at 8.
    auto cfg = six_by_six();
    cfg.arch.rows = 24;
    cfg.arch.l0_depth = 8;
    BOOST_TEST(reference_weight_hold(cfg, 8) == 3u);
    BOOST_TEST(reference_weight_hold(cfg, 0) == 0u);  // a chunk that fits beside the weights
    auto steps = build_schedule(cfg, plan_tiling(cfg));
    BOOST_TEST(peak_stats(steps).l0_high_water == 8u);
    unsigned gaps = 0;
    for (std::size_t i = 1; i < steps.size(); ++i)
        if (steps[i - 1].kind == step_kind::load) {
            BOOST_TEST((steps[i].kind == step_kind::idle));
            BOOST_TEST(steps[i].cycles == ref_weight_gap + 3u);
            BOOST_TEST(steps[i].buckets.stall == 3u);
            BOOST_TEST(steps[i].buckets.stall_causes.l0_full == 3u);
            BOOST_TEST(steps[i].buckets.idle == ref_weight_gap);
            ++gaps;
        }
    BOOST_TEST(gaps == 9u);
    auto deep = cfg;  // the same chunks of 8 without the wait
    deep.arch.l0_depth = 64;
    deep.arch.ofifo_depth = 8;
    const auto t = total_cycles(steps), d = total_cycles(build_schedule(deep, plan_tiling(deep)));
    BOOST_TEST(t.total() - d.total() == 9u * 3u);
    BOOST_TEST(t.stall - d.stall == 9u * 3u);
}

BOOST_AUTO_TEST_CASE(reference_l0_peak_never_exceeds_the_depth) {
    // Every geometry from one weight per column up: the peak fits, and whenever the schedule
    // waits it waits the least that fits (the row fills exactly to the depth).
    std::mt19937 rng(11);
    unsigned waited = 0, plain = 0;
    for (int n = 0; n < 400; ++n) {
        auto cfg = six_by_six();
        auto& A = cfg.arch;
        auto& L = cfg.layer;
        L.act_bits = rng() % 3 == 0 ? 2 : 4;
        A.rows = 1 + rng() % 80;
        A.cols = 1 + rng() % 16;
        L.in_channels = 1 + rng() % 64;
        L.out_channels = 1 + rng() % 20;
        L.padded_height = L.padded_width = 3 + rng() % 8;
        A.xmem.read_latency = 1 + rng() % 3;
        const unsigned least = A.cols * L.channels_per_lane();
        A.l0_depth = least + (rng() % 2 ? rng() % 4 : rng() % 80);
        A.ofifo_depth = 2 + rng() % 70;
        tiling_plan plan;
        try {
            cfg.validate();
            plan = plan_tiling(cfg);
        } catch (const config_error&) {
            continue;
        }
        const auto steps = build_schedule(cfg, plan);
        const auto p = peak_stats(steps);
        const std::string what = "rows " + std::to_string(A.rows) + " cols " + std::to_string(A.cols) +
                                 " l0 " + std::to_string(A.l0_depth) + " ofifo " + std::to_string(A.ofifo_depth);
        BOOST_TEST(p.l0_high_water <= A.l0_depth, what);
        BOOST_TEST(p.ofifo_high_water <= A.ofifo_depth, what);
        const unsigned n0 = std::min(plan.chunk, plan.band_positions(plan.bands[0], L));
        if (plan.bands.size() == 1 && reference_weight_hold(cfg, n0) > 0) {
            BOOST_TEST(p.l0_high_water == A.l0_depth, what);
            ++waited;
        } else {
            ++plain;
        }
    }
    BOOST_TEST_MESSAGE(waited << " waited, " << plain << " without a wait");
    BOOST_TEST(waited >= 40u);
    BOOST_TEST(plain >= 40u);
}

BOOST_AUTO_TEST_CASE(overlapped_pmem_need_is_the_highest_address_it_touches) {
    // Acceptance: the overlapped schedule needs no more pmem words than the addresses it touches.
    std::mt19937 rng(404);
    int checked = 0;
    for (int n = 0; n < 200; ++n) {
        auto cfg = six_by_six();
        auto& A = cfg.arch;
        auto& L = cfg.layer;
        A.schedule = schedule_kind::overlapped;
        L.act_bits = rng() % 3 == 0 ? 2 : 4;
        A.rows = 2 + rng() % 16;
        A.cols = 2 + rng() % 16;
        A.l0_depth = std::max(A.rows, 1 + unsigned(rng() % 64));
        A.ofifo_depth = 1 + rng() % 64;
        L.in_channels = 1 + rng() % 40;
        L.out_channels = 1 + rng() % 20;
        L.padded_height = 3 + rng() % 14;
        L.padded_width = 3 + rng() % 14;
        A.pmem.words = 4 + rng() % 400;
        tiling_plan plan;
        try {
            plan = plan_tiling(cfg);
        } catch (const config_error&) {
            continue;
        }
        std::uint64_t top = 0, need = 0;
        for (unsigned b = 0; b < plan.bands.size(); ++b) {
            const auto tl = plan_overlapped_band(cfg, plan, 0, b, 100, 0);
            for (const auto& w : tl.words)
                if (w.pixel >= 0) top = std::max<std::uint64_t>(top, tl.acc_base + unsigned(w.pixel) + 1);
            need = std::max<std::uint64_t>(need, plan.bands[b].out_positions());
        }
        // the band's output pixels, at the top of pmem when they accumulate several contributions
        BOOST_TEST(need <= A.pmem.words);
        BOOST_TEST(top == (plan.contributions() > 1 ? std::uint64_t{A.pmem.words} : need),
                   "pmem " << A.pmem.words << " contributions " << plan.contributions());
        BOOST_TEST(total_cycles(build_schedule(cfg, plan)).total() > 0u);
        ++checked;
    }
    BOOST_TEST(checked >= 100);
}

BOOST_AUTO_TEST_SUITE_END()
