#pragma once
/// The results store of a sweep: `DIR/results.sqlite` (SQLite, WAL mode). The one output updated
/// in place, through SQLite's own transactions: a point's rows are committed in one transaction,
/// so a killed sweep leaves every point either wholly stored or absent.
///
/// Tables (docs/sweep.md): `meta` (key, value): the sweep's identity and progress; `points`:
/// one row per point (id, idx, network, keys, status, error, wall_seconds, cycles_total,
/// config); `layers`: one row per point and layer, the columns of `satlm net --csv` plus
/// `point`, `layer_index` and `row` (the exact CSV cells).

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

struct sqlite3;

namespace satlm {

/// One point as stored.
struct point_record {
    std::string id;
    std::size_t index = 0;     ///< position in the sweep
    std::string network;       ///< as written in the sweep file
    std::string keys;          ///< JSON object: each varied key and its value, file order
    std::string status;        ///< "ok" or "failed"
    std::string error;         ///< why it failed (empty when ok)
    double wall_seconds = 0;
    std::uint64_t cycles_total = 0;  ///< summed over the layers
    std::string config;        ///< JSON object: the resolved keys the point ran with
    std::vector<std::string> layer_rows;  ///< `satlm net --csv` rows, without the header
};

/// The identity of the sweep a store belongs to (the `meta` table).
struct store_meta {
    std::string fingerprint;       ///< hash of the points and base settings
    std::string sweep_file;        ///< path as given
    std::string sweep_text;        ///< the sweep file's contents
    std::vector<std::string> varied_keys;
    std::string csv_header;        ///< `satlm net --csv` header (columns of `layers`)
    unsigned shard_index = 0;
    unsigned shard_count = 1;
    std::size_t points_total = 0;    ///< points of the whole sweep
    std::size_t points_expected = 0; ///< points of this shard
    bool complete = false;           ///< every point of the shard is stored (ok or failed)
};

class sweep_store {
public:
    /// Opens DIR/results.sqlite, creating DIR and the schema when `create`. Throws input_error.
    static std::unique_ptr<sweep_store> open(const std::string& dir, bool create);
    ~sweep_store();
    sweep_store(const sweep_store&) = delete;
    sweep_store& operator=(const sweep_store&) = delete;

    const std::string& path() const { return m_path; }

    /// The meta table; nullopt for a fresh store.
    std::optional<store_meta> meta() const;
    /// Writes every meta value in one transaction.
    void write_meta(const store_meta& m);
    void set_complete(bool complete);

    /// The status ("ok"/"failed") of every stored point, by id.
    std::map<std::string, std::string> statuses() const;
    /// Stores a point and its layers in one transaction, replacing an earlier try.
    void record(const point_record& p);
    /// Every point, ordered by idx; with `with_layers`, their CSV rows too.
    std::vector<point_record> points(bool with_layers) const;
    std::size_t point_count() const;

    /// Copies every point and layer of another store (same schema) into this one, one
    /// transaction.
    void absorb(const std::string& other_database);

private:
    explicit sweep_store(std::string path);
    void exec(const std::string& sql) const;
    void create_layers_table(const std::string& csv_header);

    std::string m_path;
    sqlite3* m_db = nullptr;
    mutable std::mutex m_mutex;
};

/// Splits one CSV line into cells (quotes as written by `satlm net --csv`).
std::vector<std::string> split_csv_line(const std::string& line);
/// A CSV cell, quoted when it holds a comma, quote or line end.
std::string csv_cell(const std::string& s);

}  // namespace satlm
