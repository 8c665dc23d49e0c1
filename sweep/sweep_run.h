#pragma once
/// Running a sweep: its points on a pool of threads in one process, each point a whole network
/// on the engine (one thread per point: the parallelism is over points), each point's results
/// committed to the store in one transaction as soon as it finishes. Rerunning into the same
/// folder skips stored points; `stop` ends the sweep after the points in flight.
///
/// \code
///   satlm::sweep_spec s = satlm::read_sweep_file("sweep.toml");
///   satlm::sweep_run_options o;  o.out = s.out;  o.jobs = 2;
///   satlm::sweep_outcome r = satlm::run_sweep(s, o);
///   std::string csv = satlm::export_csv(*satlm::sweep_store::open(o.out, false));
/// \endcode

#include "sweep/store.h"
#include "sweep/sweep_file.h"

#include <atomic>
#include <functional>
#include <string>
#include <vector>

namespace satlm {

struct sweep_progress {
    std::size_t total = 0;    ///< points this run has to do (the shard's, minus those stored)
    std::size_t done = 0;     ///< finished this run (ok or failed)
    std::size_t failed = 0;   ///< failed this run
    std::size_t skipped = 0;  ///< already stored before this run
    double elapsed = 0;       ///< seconds since the run started
    bool finished = false;
};

struct sweep_run_options {
    std::string out;            ///< output folder
    unsigned jobs = 1;          ///< points at once
    unsigned shard_index = 0;   ///< run the points whose index mod shard_count is shard_index
    unsigned shard_count = 1;
    bool retry_failed = false;  ///< run failed points again
    /// Called from the calling thread about every 200 ms and once at the end.
    std::function<void(const sweep_progress&)> progress;
    const std::atomic<bool>* stop = nullptr;  ///< set (by a signal) to stop after points in flight
};

struct failed_point {
    std::string id;
    std::string network;
    std::string keys;   ///< JSON of the varied keys
    std::string error;
};

struct sweep_outcome {
    std::size_t shard_points = 0;  ///< points of the shard
    std::size_t ran = 0, ok = 0, failed = 0, skipped = 0;
    bool interrupted = false;      ///< stopped before every point was done
    std::vector<failed_point> failures;  ///< every failed point of the shard in the store
};

/// Runs one point (no store): its record with status, error and CSV rows.
point_record run_point(const sweep_spec& spec, const sweep_point& point, const accel_config& base);

/// Runs the sweep (or one shard) into `o.out`. Throws input_error when the folder holds another
/// sweep's results or the options are inconsistent; point failures are recorded, not thrown.
sweep_outcome run_sweep(const sweep_spec& spec, const sweep_run_options& o);

/// results.csv of a store: one row per point and layer (points in sweep order), columns
/// `point, network`, the varied keys, then the `satlm net --csv` columns.
std::string export_csv(const sweep_store& store);
/// One JSON object per point and line: id, network, keys, status, error, wall_seconds, layers.
std::string export_jsonl(const sweep_store& store);

/// What a folder's store says of its shard, for schedulers that resubmit only unfinished shards.
struct shard_status {
    bool exists = false;          ///< DIR/results.sqlite holds a sweep
    bool complete = false;        ///< every point of the shard is stored (ok or failed)
    std::string fingerprint;      ///< the sweep it belongs to
    unsigned index = 0, count = 1;
    std::size_t stored = 0, expected = 0, failed = 0;
};
/// Reads the status of the store in `dir` (exists = false when there is none yet).
shard_status read_shard_status(const std::string& dir);

/// Joins shard folders into `out`: every part must be complete and of the same sweep, and the
/// parts must be shards 0..N-1 of one N, each once. Throws input_error naming the part.
void merge_parts(const std::vector<std::string>& parts, const std::string& out);

/// The `satlm net --csv` header (the columns of the `layers` table).
std::string net_csv_header();

}  // namespace satlm
