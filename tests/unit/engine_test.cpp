// The engine is reentrant: the same layer many times, and different layers on several threads
// at once, give identical results (outputs and every counter), equal to the golden model.

#include "engine/engine.h"
#include "testbench/golden.h"
#include "tlm/report.h"

#include "support/random_layer.h"

#include <boost/test/unit_test.hpp>

#include <thread>
#include <vector>

using namespace satlm;

namespace {

accel_config config_for(const layer_keys& L, fidelity f, schedule_kind s) {
    accel_config c;
    c.layer = L;
    c.arch.model = f;
    c.arch.schedule = s;
    return c;
}

layer_keys shape(unsigned in, unsigned out, unsigned size) {
    layer_keys L;
    L.in_channels = in;
    L.out_channels = out;
    L.padded_height = size;
    L.padded_width = size;
    return L;
}

bool same(const run_result& a, const run_result& b) {
    const auto& x = a.stats;
    const auto& y = b.stats;
    return a.output.values == b.output.values && x.cycles.total() == y.cycles.total() &&
           x.cycles.stall == y.cycles.stall && x.cycles.execute == y.cycles.execute &&
           x.xmem.reads == y.xmem.reads && x.xmem.writes == y.xmem.writes && x.pmem.reads == y.pmem.reads &&
           x.pmem.writes == y.pmem.writes && x.l0_high_water == y.l0_high_water &&
           x.ofifo_high_water == y.ofifo_high_water && x.passes == y.passes && x.chunks == y.chunks;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(engine)

BOOST_AUTO_TEST_CASE(same_layer_a_hundred_times_gives_identical_results) {
    for (fidelity f : {fidelity::cycle, fidelity::lt}) {
        const layer_data d = test::random_layer(shape(12, 10, 7), 7u);
        const accel_config cfg = config_for(d.shape, f, schedule_kind::reference);
        const run_result first = run_layer(cfg, d);
        BOOST_TEST((first.output.values == golden_output(d, true).values));
        for (int i = 0; i < 100; ++i) BOOST_TEST(same(run_layer(cfg, d), first), "run " << i);
    }
}

BOOST_AUTO_TEST_CASE(eight_layers_on_threads_equal_their_serial_runs) {
    std::vector<layer_data> layers;
    std::vector<accel_config> configs;
    for (unsigned i = 0; i < 8; ++i) {
        layers.push_back(test::random_layer(shape(3 + 5 * i, 4 + 3 * i, 5 + i), 100 + i));
        configs.push_back(config_for(layers.back().shape, i % 2 ? fidelity::lt : fidelity::cycle,
                                     i % 4 < 2 ? schedule_kind::reference : schedule_kind::overlapped));
    }
    std::vector<run_result> serial;
    for (unsigned i = 0; i < 8; ++i) serial.push_back(run_layer(configs[i], layers[i]));
    for (int round = 0; round < 3; ++round) {
        std::vector<run_result> parallel(8);
        std::vector<std::thread> threads;
        for (unsigned i = 0; i < 8; ++i)
            threads.emplace_back([&, i] { parallel[i] = run_layer(configs[i], layers[i]); });
        for (auto& t : threads) t.join();
        for (unsigned i = 0; i < 8; ++i) {
            BOOST_TEST(same(parallel[i], serial[i]), "round " << round << " layer " << i);
            BOOST_TEST((parallel[i].output.values == golden_output(layers[i], true).values), "layer " << i);
        }
    }
}

BOOST_AUTO_TEST_CASE(timing_without_tensors_equals_the_data_run) {
    for (fidelity f : {fidelity::cycle, fidelity::lt})
        for (schedule_kind s : {schedule_kind::reference, schedule_kind::overlapped, schedule_kind::scalesim}) {
            const layer_data d = test::random_layer(shape(20, 12, 9), 3u);
            const accel_config cfg = config_for(d.shape, f, s);
            const run_stats t = time_layer(cfg);
            run_result r = run_layer(cfg, d);
            run_result timed = r;
            timed.stats = t;
            BOOST_TEST(same(timed, r));
        }
}

BOOST_AUTO_TEST_CASE(an_invalid_configuration_is_refused_before_running) {
    const layer_data d = test::random_layer(shape(4, 4, 6), 1u);
    accel_config cfg = config_for(d.shape, fidelity::lt, schedule_kind::reference);
    cfg.arch.xmem.words = 3;
    BOOST_CHECK_THROW(run_layer(cfg, d), config_error);
    BOOST_CHECK_THROW(time_layer(cfg), config_error);
}

BOOST_AUTO_TEST_SUITE_END()
