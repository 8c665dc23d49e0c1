#include "sweep/store.h"

#include "tlm/report.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>

namespace satlm {

namespace fs = std::filesystem;

namespace {

/// A prepared statement, finalized on scope exit.
class statement {
public:
    statement(sqlite3* db, const std::string& sql, const std::string& path) : m_db(db), m_path(path) {
        if (sqlite3_prepare_v2(db, sql.c_str(), -1, &m_statement, nullptr) != SQLITE_OK)
            throw input_error(fmt::format("{}: {} ({})", path, sqlite3_errmsg(db), sql.substr(0, 60)));
    }
    ~statement() { sqlite3_finalize(m_statement); }
    statement(const statement&) = delete;
    statement& operator=(const statement&) = delete;

    void bind(int i, const std::string& s) { sqlite3_bind_text(m_statement, i, s.c_str(), -1, SQLITE_TRANSIENT); }
    void bind(int i, double v) { sqlite3_bind_double(m_statement, i, v); }
    void bind(int i, std::int64_t v) { sqlite3_bind_int64(m_statement, i, v); }
    /// A CSV cell as an integer, a real, or text: typed columns for queries.
    void bind_cell(int i, const std::string& cell) {
        if (!cell.empty()) {
            char* end = nullptr;
            errno = 0;
            const long long n = std::strtoll(cell.c_str(), &end, 10);
            if (*end == '\0' && errno == 0) return bind(i, static_cast<std::int64_t>(n));
            const double d = std::strtod(cell.c_str(), &end);
            if (*end == '\0') return bind(i, d);
        }
        bind(i, cell);
    }
    /// Steps once: true while a row is available.
    bool step() {
        const int rc = sqlite3_step(m_statement);
        if (rc == SQLITE_ROW) return true;
        if (rc == SQLITE_DONE) return false;
        throw input_error(fmt::format("{}: {}", m_path, sqlite3_errmsg(m_db)));
    }
    void run() {
        while (step()) {
        }
        sqlite3_reset(m_statement);
        sqlite3_clear_bindings(m_statement);
    }
    std::string text(int col) const {
        const auto* t = sqlite3_column_text(m_statement, col);
        return t ? reinterpret_cast<const char*>(t) : "";
    }
    std::int64_t integer(int col) const { return sqlite3_column_int64(m_statement, col); }
    double real(int col) const { return sqlite3_column_double(m_statement, col); }

private:
    sqlite3* m_db;
    std::string m_path;
    sqlite3_stmt* m_statement = nullptr;
};

std::string quoted_identifier(const std::string& name) {
    std::string q = "\"";
    for (char ch : name) q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
    return q + "\"";
}

}  // namespace

std::vector<std::string> split_csv_line(const std::string& line) {
    std::vector<std::string> cells(1);
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char ch = line[i];
        if (quoted) {
            if (ch == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                cells.back() += '"';
                ++i;
            } else if (ch == '"') {
                quoted = false;
            } else {
                cells.back() += ch;
            }
        } else if (ch == '"') {
            quoted = true;
        } else if (ch == ',') {
            cells.emplace_back();
        } else {
            cells.back() += ch;
        }
    }
    return cells;
}

std::string csv_cell(const std::string& s) {
    if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
    std::string q = "\"";
    for (char ch : s) q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
    return q + "\"";
}

sweep_store::sweep_store(std::string path) : m_path(std::move(path)) {}

sweep_store::~sweep_store() {
    if (m_db) sqlite3_close(m_db);
}

std::unique_ptr<sweep_store> sweep_store::open(const std::string& dir, bool create) {
    std::error_code ec;
    if (create) {
        fs::create_directories(dir, ec);
        if (!fs::is_directory(dir, ec)) throw input_error(fmt::format("{}: cannot create the output folder", dir));
    }
    const std::string path = (fs::path(dir) / "results.sqlite").string();
    if (!create && !fs::is_regular_file(path, ec))
        throw input_error(fmt::format("{}: no results.sqlite: expected the output folder of `satlm sweep`", dir));
    std::unique_ptr<sweep_store> s(new sweep_store(path));
    const int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_FULLMUTEX;
    if (sqlite3_open_v2(path.c_str(), &s->m_db, flags, nullptr) != SQLITE_OK)
        throw input_error(fmt::format("{}: cannot open the store: {}", path, s->m_db ? sqlite3_errmsg(s->m_db) : "?"));
    sqlite3_busy_timeout(s->m_db, 10000);
    s->exec("PRAGMA journal_mode=WAL");
    s->exec("PRAGMA synchronous=NORMAL");
    s->exec("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)");
    s->exec("CREATE TABLE IF NOT EXISTS points (id TEXT PRIMARY KEY, idx INTEGER, network TEXT, keys TEXT, "
            "status TEXT, error TEXT, wall_seconds REAL, cycles_total INTEGER, config TEXT)");
    return s;
}

void sweep_store::exec(const std::string& sql) const {
    char* err = nullptr;
    if (sqlite3_exec(m_db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
        const std::string msg = err ? err : "unknown error";
        sqlite3_free(err);
        throw input_error(fmt::format("{}: {}", m_path, msg));
    }
}

void sweep_store::create_layers_table(const std::string& csv_header) {
    std::string cols;
    for (const auto& c : split_csv_line(csv_header)) cols += quoted_identifier(c) + ", ";
    exec("CREATE TABLE IF NOT EXISTS layers (point TEXT, layer_index INTEGER, " + cols +
         "row TEXT, PRIMARY KEY (point, layer_index))");
}

std::optional<store_meta> sweep_store::meta() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    std::map<std::string, std::string> kv;
    statement st(m_db, "SELECT key, value FROM meta", m_path);
    while (st.step()) kv[st.text(0)] = st.text(1);
    if (!kv.count("fingerprint")) return std::nullopt;
    store_meta m;
    try {
        m.fingerprint = kv["fingerprint"];
        m.sweep_file = kv["sweep_file"];
        m.sweep_text = kv["sweep_text"];
        m.varied_keys = nlohmann::json::parse(kv["varied_keys"]).get<std::vector<std::string>>();
        m.csv_header = kv["csv_header"];
        m.shard_index = static_cast<unsigned>(std::stoul(kv["shard_index"]));
        m.shard_count = static_cast<unsigned>(std::stoul(kv["shard_count"]));
        m.points_total = std::stoul(kv["points_total"]);
        m.points_expected = std::stoul(kv["points_expected"]);
        m.complete = kv["complete"] == "1";
    } catch (const std::exception&) {
        throw input_error(fmt::format("{}: the meta table is damaged (not written by satlm sweep?)", m_path));
    }
    return m;
}

void sweep_store::write_meta(const store_meta& m) {
    std::lock_guard<std::mutex> lock(m_mutex);
    create_layers_table(m.csv_header);
    exec("BEGIN IMMEDIATE");
    try {
        statement st(m_db, "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", m_path);
        const std::vector<std::pair<std::string, std::string>> kv = {
            {"fingerprint", m.fingerprint},
            {"sweep_file", m.sweep_file},
            {"sweep_text", m.sweep_text},
            {"varied_keys", nlohmann::json(m.varied_keys).dump()},
            {"csv_header", m.csv_header},
            {"shard_index", std::to_string(m.shard_index)},
            {"shard_count", std::to_string(m.shard_count)},
            {"points_total", std::to_string(m.points_total)},
            {"points_expected", std::to_string(m.points_expected)},
            {"complete", m.complete ? "1" : "0"}};
        for (const auto& [k, v] : kv) {
            st.bind(1, k);
            st.bind(2, v);
            st.run();
        }
        exec("COMMIT");
    } catch (...) {
        exec("ROLLBACK");
        throw;
    }
}

void sweep_store::set_complete(bool complete) {
    std::lock_guard<std::mutex> lock(m_mutex);
    statement st(m_db, "INSERT OR REPLACE INTO meta (key, value) VALUES ('complete', ?)", m_path);
    st.bind(1, std::string(complete ? "1" : "0"));
    st.run();
}

std::map<std::string, std::string> sweep_store::statuses() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    std::map<std::string, std::string> out;
    statement st(m_db, "SELECT id, status FROM points", m_path);
    while (st.step()) out[st.text(0)] = st.text(1);
    return out;
}

std::size_t sweep_store::point_count() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    statement st(m_db, "SELECT count(*) FROM points", m_path);
    return st.step() ? static_cast<std::size_t>(st.integer(0)) : 0;
}

void sweep_store::record(const point_record& p) {
    std::lock_guard<std::mutex> lock(m_mutex);
    exec("BEGIN IMMEDIATE");
    try {
        statement pt(m_db, "INSERT OR REPLACE INTO points (id, idx, network, keys, status, error, wall_seconds, "
                          "cycles_total, config) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", m_path);
        pt.bind(1, p.id);
        pt.bind(2, static_cast<std::int64_t>(p.index));
        pt.bind(3, p.network);
        pt.bind(4, p.keys);
        pt.bind(5, p.status);
        pt.bind(6, p.error);
        pt.bind(7, p.wall_seconds);
        pt.bind(8, static_cast<std::int64_t>(p.cycles_total));
        pt.bind(9, p.config);
        pt.run();
        statement del(m_db, "DELETE FROM layers WHERE point = ?", m_path);
        del.bind(1, p.id);
        del.run();
        if (!p.layer_rows.empty()) {
            const std::size_t ncols = split_csv_line(p.layer_rows.front()).size();
            std::string marks;
            for (std::size_t i = 0; i < ncols + 3; ++i) marks += i ? ", ?" : "?";
            statement ins(m_db, "INSERT INTO layers VALUES (" + marks + ")", m_path);
            for (std::size_t l = 0; l < p.layer_rows.size(); ++l) {
                const auto cells = split_csv_line(p.layer_rows[l]);
                if (cells.size() != ncols) throw input_error(fmt::format("{}: a layer row of point {} has {} cells, "
                                                                         "expected {}", m_path, p.id, cells.size(), ncols));
                ins.bind(1, p.id);
                ins.bind(2, static_cast<std::int64_t>(l));
                for (std::size_t c = 0; c < cells.size(); ++c) ins.bind_cell(static_cast<int>(c + 3), cells[c]);
                ins.bind(static_cast<int>(ncols + 3), p.layer_rows[l]);
                ins.run();
            }
        }
        exec("COMMIT");
    } catch (...) {
        exec("ROLLBACK");
        throw;
    }
}

std::vector<point_record> sweep_store::points(bool with_layers) const {
    std::lock_guard<std::mutex> lock(m_mutex);
    std::vector<point_record> out;
    std::map<std::string, std::size_t> by_id;
    statement st(m_db, "SELECT id, idx, network, keys, status, error, wall_seconds, cycles_total, config "
                      "FROM points ORDER BY idx", m_path);
    while (st.step()) {
        point_record p;
        p.id = st.text(0);
        p.index = static_cast<std::size_t>(st.integer(1));
        p.network = st.text(2);
        p.keys = st.text(3);
        p.status = st.text(4);
        p.error = st.text(5);
        p.wall_seconds = st.real(6);
        p.cycles_total = static_cast<std::uint64_t>(st.integer(7));
        p.config = st.text(8);
        by_id[p.id] = out.size();
        out.push_back(std::move(p));
    }
    if (with_layers && !out.empty()) {
        statement ls(m_db, "SELECT point, row FROM layers ORDER BY point, layer_index", m_path);
        while (ls.step()) {
            const auto it = by_id.find(ls.text(0));
            if (it != by_id.end()) out[it->second].layer_rows.push_back(ls.text(1));
        }
    }
    return out;
}

void sweep_store::absorb(const std::string& other_database) {
    std::lock_guard<std::mutex> lock(m_mutex);
    {
        statement at(m_db, "ATTACH DATABASE ? AS part", m_path);
        at.bind(1, other_database);
        at.run();
    }
    try {
        exec("BEGIN IMMEDIATE");
        exec("INSERT OR REPLACE INTO points SELECT * FROM part.points");
        exec("INSERT OR REPLACE INTO layers SELECT * FROM part.layers");
        exec("COMMIT");
    } catch (...) {
        char* err = nullptr;
        sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, &err);
        sqlite3_free(err);
        exec("DETACH DATABASE part");
        throw;
    }
    exec("DETACH DATABASE part");
}

}  // namespace satlm
