#include "sweep/sweep_run.h"

#include "dataflow/dataflow.h"
#include "engine/engine.h"
#include "net/net_report.h"
#include "net/network_run.h"
#include "testbench/checker.h"
#include "tlm/report.h"
#include "vectors/vector_set.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>

namespace satlm {

namespace fs = std::filesystem;

namespace {

using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point t0) {
    return std::chrono::duration<double>(clock_type::now() - t0).count();
}

/// The CSV rows of a result, without the header line.
std::vector<std::string> csv_rows(const net_result& r) {
    const std::string text = net_csv(r);
    std::vector<std::string> rows;
    std::size_t pos = text.find('\n');
    while (pos != std::string::npos && pos + 1 < text.size()) {
        const auto nl = text.find('\n', pos + 1);
        rows.push_back(text.substr(pos + 1, nl == std::string::npos ? std::string::npos : nl - pos - 1));
        pos = nl;
    }
    return rows;
}

/// The keys a point ran with: the architecture's and the layer bit widths, derived defaults
/// made explicit (the plots read array size and SRAM bytes from here).
std::string config_json(const accel_config& c) {
    accel_config r = c;
    try {
        r = c.resolved();
    } catch (const std::exception&) {
    }
    nlohmann::ordered_json j;
    for (const auto& k : all_keys())
        if (k.section == key_section::architecture || k.name == "layer.act_bits" || k.name == "layer.weight_bits" ||
            k.name == "layer.psum_bits")
            j[k.name] = r.get(k.name);
    return j.dump();
}

std::string keys_json(const sweep_spec& spec, const sweep_point& p) {
    nlohmann::ordered_json j = nlohmann::ordered_json::object();
    for (std::size_t i = 0; i < spec.varied_keys.size(); ++i) j[spec.varied_keys[i]] = p.varied_values[i];
    return j.dump();
}

std::string one_line(std::string text) {
    for (auto& ch : text)
        if (ch == '\n') ch = ';';
    return text;
}

/// A vector set as a one-layer network: its own data, checked against its expected outputs.
net_result run_vector_set(const sweep_network& n, const accel_config& cfg, const sweep_point& p) {
    const vector_set vs = load_vector_set(n.path, cfg, p.assigned, true);
    vs.config.validate();
    const run_result run = run_layer(vs.config, vs.layer);
    const check_report check = check_run(vs, run);
    const layer_keys& L = vs.config.layer;
    net_layer_result l;
    const std::string file = fs::path(n.path).filename().string();
    l.layer = layer_record(file.empty() ? n.name : file, L);
    l.config = vs.config;
    l.stats = run.stats;
    l.plan = run.plan;
    l.mismatches = check.mismatches;
    l.outputs = check.outputs;
    net_result r;
    r.net.name = n.name;
    r.net.source = n.path;
    r.layers.push_back(std::move(l));
    return r;
}

std::uint64_t kill_after_points() {
    // Test hook: the process kills itself (SIGKILL, as a crash or an OOM kill would) right after
    // committing this many points, so the resume tests stop a sweep at a known point.
    const char* v = std::getenv("SATLM_SWEEP_KILL_AFTER");
    return v ? std::strtoull(v, nullptr, 10) : 0;
}

}  // namespace

std::string net_csv_header() {
    const std::string text = net_csv(net_result{});
    return text.substr(0, text.find('\n'));
}

point_record run_point(const sweep_spec& spec, const sweep_point& point, const accel_config& base) {
    const auto t0 = clock_type::now();
    const sweep_network& n = spec.networks[point.network];
    point_record rec;
    rec.id = point.id;
    rec.index = point.index;
    rec.network = n.name;
    rec.keys = keys_json(spec, point);
    rec.status = "ok";
    try {
        accel_config cfg = base;
        net_result r;
        if (n.type == sweep_network::kind::vector_set) {
            r = run_vector_set(n, cfg, point);
            rec.config = config_json(r.layers.front().config);
        } else {
            for (const auto& [k, v] : point.assigned) cfg.set(k, v, key_source::command_line, spec.file);
            cfg.validate();
            rec.config = config_json(cfg);
            net_options o;
            o.arch = cfg;
            o.check = spec.check;
            o.no_data = !spec.check;  // timing and counts do not depend on the data
            o.seed = spec.seed;
            o.jobs = 1;
            r = run_network(n.type == sweep_network::kind::builtin ? builtin_network(n.name) : read_topology(n.path), o);
        }
        rec.layer_rows = csv_rows(r);
        rec.cycles_total = r.total().cycles.total();
        if (const auto m = r.mismatches(); m && *m)
            throw config_error(fmt::format("{} output values differ from the {}", *m,
                                           n.type == sweep_network::kind::vector_set ? "expected outputs"
                                                                                     : "golden model"));
    } catch (const input_error& e) {
        rec.status = "failed";
        rec.error = one_line(e.what());
    } catch (const std::exception& e) {
        rec.status = "failed";
        rec.error = "internal error: " + one_line(e.what());
    }
    if (rec.config.empty()) rec.config = "{}";
    rec.wall_seconds = seconds_since(t0);
    return rec;
}

namespace {

store_meta meta_for(const sweep_spec& spec, const sweep_run_options& o, std::size_t shard_points) {
    store_meta m;
    m.fingerprint = spec.fingerprint;
    m.sweep_file = spec.file;
    m.sweep_text = spec.text;
    m.varied_keys = spec.varied_keys;
    m.csv_header = net_csv_header();
    m.shard_index = o.shard_index;
    m.shard_count = o.shard_count;
    m.points_total = spec.points.size();
    m.points_expected = shard_points;
    return m;
}

/// A folder may hold only this sweep's results, of this shard, in these columns.
void check_same_sweep(const store_meta& old, const store_meta& now, const std::string& out) {
    if (old.fingerprint != now.fingerprint)
        throw input_error(fmt::format("{}: holds the results of another sweep ({}, or this file before an edit "
                                      "that changes its points); choose another --out", out, old.sweep_file));
    if (old.shard_index != now.shard_index || old.shard_count != now.shard_count)
        throw input_error(fmt::format("{}: holds shard {}/{} of this sweep, not {}/{}", out, old.shard_index,
                                      old.shard_count, now.shard_index, now.shard_count));
    if (old.csv_header != now.csv_header)
        throw input_error(fmt::format("{}: was written by a satlm with other report columns; choose another --out", out));
}

/// Runs `todo` on `jobs` threads, storing each point as it finishes; the calling thread reports
/// progress. Stops taking points when `o.stop` is set. Returns the progress at the end.
sweep_progress run_points(const sweep_spec& spec, const std::vector<const sweep_point*>& todo,
                          const accel_config& base, sweep_store& store, const sweep_run_options& o,
                          sweep_progress prog) {
    const auto t0 = clock_type::now();
    std::mutex m;
    std::condition_variable cv;
    std::atomic<std::size_t> next{0};
    std::exception_ptr store_failure;
    const std::uint64_t kill_after = kill_after_points();
    std::uint64_t committed = 0;
    auto stopping = [&] { return o.stop && o.stop->load(); };
    const unsigned threads = static_cast<unsigned>(std::max<std::size_t>(1, std::min<std::size_t>(o.jobs, todo.size())));
    std::size_t workers_left = todo.empty() ? 0 : threads;
    auto worker = [&] {
        for (std::size_t k = next++; k < todo.size() && !stopping(); k = next++) {
            point_record rec = run_point(spec, *todo[k], base);
            std::lock_guard<std::mutex> lock(m);
            if (store_failure) break;
            try {
                store.record(rec);
            } catch (...) {
                store_failure = std::current_exception();
                break;
            }
            ++prog.done;
            if (rec.status != "ok") ++prog.failed;
            if (kill_after && ++committed == kill_after) std::raise(SIGKILL);
            cv.notify_all();
        }
        std::lock_guard<std::mutex> lock(m);
        --workers_left;
        cv.notify_all();
    };
    std::vector<std::thread> pool;
    for (std::size_t t = 0; t < workers_left; ++t) pool.emplace_back(worker);
    {
        std::unique_lock<std::mutex> lock(m);
        while (workers_left > 0) {
            cv.wait_for(lock, std::chrono::milliseconds(200));
            if (!o.progress) continue;
            prog.elapsed = seconds_since(t0);
            const sweep_progress copy = prog;
            lock.unlock();
            o.progress(copy);
            lock.lock();
        }
    }
    for (auto& th : pool) th.join();
    if (store_failure) std::rethrow_exception(store_failure);
    prog.elapsed = seconds_since(t0);
    return prog;
}

}  // namespace

sweep_outcome run_sweep(const sweep_spec& spec, const sweep_run_options& o) {
    if (o.shard_count == 0 || o.shard_index >= o.shard_count)
        throw input_error(fmt::format("--shard {}/{}: expected I/N with 0 <= I < N", o.shard_index, o.shard_count));
    const accel_config base = spec.base_config();
    std::vector<const sweep_point*> mine;
    for (const auto& p : spec.points)
        if (p.index % o.shard_count == o.shard_index) mine.push_back(&p);

    auto store = sweep_store::open(o.out, true);
    store_meta meta = meta_for(spec, o, mine.size());
    if (const auto old = store->meta()) check_same_sweep(*old, meta, o.out);

    // Stored points are skipped (failed ones too, unless retried).
    const auto stored = store->statuses();
    std::vector<const sweep_point*> todo;
    sweep_outcome out;
    out.shard_points = mine.size();
    for (const auto* p : mine) {
        const auto it = stored.find(p->id);
        if (it == stored.end() || (it->second == "failed" && o.retry_failed)) todo.push_back(p);
        else ++out.skipped;
    }
    // Incomplete while points run: a killed run never leaves a store that says it is complete.
    meta.complete = todo.empty() && out.skipped == mine.size();
    store->write_meta(meta);

    sweep_progress prog;
    prog.total = todo.size();
    prog.skipped = out.skipped;
    prog = run_points(spec, todo, base, *store, o, prog);

    out.ran = prog.done;
    for (const auto& rec : store->points(false)) {
        if (rec.index % o.shard_count != o.shard_index) continue;
        if (rec.status == "ok") ++out.ok;
        else out.failures.push_back({rec.id, rec.network, rec.keys, rec.error});
    }
    out.failed = out.failures.size();
    out.interrupted = prog.done < todo.size();
    store->set_complete(!out.interrupted && out.ok + out.failed >= mine.size());
    if (o.progress) {
        prog.finished = true;
        o.progress(prog);
    }
    return out;
}

std::string export_csv(const sweep_store& store) {
    const auto meta = store.meta();
    if (!meta) throw input_error(fmt::format("{}: holds no sweep yet", store.path()));
    std::string s = "point,network";
    for (const auto& k : meta->varied_keys) s += "," + csv_cell(k);
    s += "," + meta->csv_header + "\n";
    for (const auto& p : store.points(true)) {
        std::string prefix = csv_cell(p.id) + "," + csv_cell(p.network);
        const auto keys = nlohmann::ordered_json::parse(p.keys.empty() ? "{}" : p.keys);
        for (const auto& k : meta->varied_keys)
            prefix += "," + csv_cell(keys.contains(k) ? keys[k].get<std::string>() : std::string());
        for (const auto& row : p.layer_rows) s += prefix + "," + row + "\n";
    }
    return s;
}

std::string export_jsonl(const sweep_store& store) {
    const auto meta = store.meta();
    if (!meta) throw input_error(fmt::format("{}: holds no sweep yet", store.path()));
    const auto columns = split_csv_line(meta->csv_header);
    std::string s;
    for (const auto& p : store.points(true)) {
        nlohmann::ordered_json j;
        j["point"] = p.id;
        j["network"] = p.network;
        j["keys"] = nlohmann::ordered_json::parse(p.keys.empty() ? "{}" : p.keys);
        j["status"] = p.status;
        j["error"] = p.error.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(p.error);
        j["wall_seconds"] = p.wall_seconds;
        j["cycles_total"] = p.cycles_total;
        j["layers"] = nlohmann::ordered_json::array();
        for (const auto& row : p.layer_rows) {
            const auto cells = split_csv_line(row);
            nlohmann::ordered_json l;
            for (std::size_t c = 0; c < cells.size() && c < columns.size(); ++c) {
                char* end = nullptr;
                const double d = std::strtod(cells[c].c_str(), &end);
                const bool numeric = !cells[c].empty() && *end == '\0';
                const bool integral = numeric && cells[c].find_first_of(".eE") == std::string::npos;
                if (integral) l[columns[c]] = std::strtoll(cells[c].c_str(), nullptr, 10);
                else if (numeric) l[columns[c]] = d;
                else l[columns[c]] = cells[c];
            }
            j["layers"].push_back(std::move(l));
        }
        s += j.dump() + "\n";
    }
    return s;
}

shard_status read_shard_status(const std::string& dir) {
    shard_status st;
    std::error_code ec;
    if (!fs::is_regular_file(fs::path(dir) / "results.sqlite", ec)) return st;
    const auto store = sweep_store::open(dir, false);
    const auto meta = store->meta();
    if (!meta) return st;
    st.exists = true;
    st.fingerprint = meta->fingerprint;
    st.index = meta->shard_index;
    st.count = meta->shard_count;
    st.expected = meta->points_expected;
    for (const auto& [id, status] : store->statuses()) {
        ++st.stored;
        st.failed += status != "ok";
    }
    st.complete = meta->complete && st.stored >= st.expected;
    return st;
}

void merge_parts(const std::vector<std::string>& parts, const std::string& out) {
    if (parts.empty()) throw input_error("merge: expected one or more shard folders");
    std::vector<store_meta> metas;
    std::set<unsigned> shards;
    for (const auto& part : parts) {
        std::error_code ec;
        if (fs::exists(out, ec) && fs::equivalent(part, out, ec))
            throw input_error(fmt::format("merge: --out {} is one of the parts; choose another folder", out));
        const auto s = sweep_store::open(part, false);
        const auto m = s->meta();
        if (!m) throw input_error(fmt::format("{}: holds no sweep results", part));
        if (!m->complete || s->point_count() < m->points_expected)
            throw input_error(fmt::format("{}: shard {}/{} is not complete ({} of {} points stored); rerun it with "
                                          "the same --shard before merging", part, m->shard_index, m->shard_count,
                                          s->point_count(), m->points_expected));
        if (!metas.empty() && (m->fingerprint != metas.front().fingerprint || m->csv_header != metas.front().csv_header))
            throw input_error(fmt::format("{}: holds another sweep than {}", part, parts.front()));
        if (!metas.empty() && m->shard_count != metas.front().shard_count)
            throw input_error(fmt::format("{}: is shard {}/{}, but {} is one of {}", part, m->shard_index,
                                          m->shard_count, parts.front(), metas.front().shard_count));
        if (!shards.insert(m->shard_index).second)
            throw input_error(fmt::format("{}: shard {}/{} is given twice", part, m->shard_index, m->shard_count));
        metas.push_back(*m);
    }
    const unsigned n = metas.front().shard_count;
    for (unsigned i = 0; i < n; ++i)
        if (!shards.count(i)) throw input_error(fmt::format("merge: shard {}/{} is missing", i, n));

    std::error_code ec;
    if (fs::exists(fs::path(out) / "results.sqlite", ec)) {
        const auto existing = sweep_store::open(out, false)->meta();
        if (existing && existing->fingerprint != metas.front().fingerprint)
            throw input_error(fmt::format("{}: holds the results of another sweep; choose another --out", out));
    }
    auto store = sweep_store::open(out, true);
    store_meta m = metas.front();
    m.shard_index = 0;
    m.shard_count = 1;
    m.points_expected = m.points_total;
    m.complete = false;
    store->write_meta(m);
    for (const auto& part : parts) store->absorb((fs::path(part) / "results.sqlite").string());
    store->set_complete(store->point_count() >= m.points_total);
}

}  // namespace satlm
