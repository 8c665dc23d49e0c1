#include "sweep/sweep_file.h"

#include "net/topology.h"
#include "tlm/report.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace satlm {

namespace fs = std::filesystem;

namespace {

std::uint64_t fnv1a(const std::string& text, std::uint64_t h = 1469598103934665603ull) {
    for (unsigned char ch : text) {
        h ^= ch;
        h *= 1099511628211ull;
    }
    return h;
}

std::string hex64(std::uint64_t v) { return fmt::format("{:016x}", v); }

/// Collects every problem of the file, one line each, then throws them together.
struct problems {
    std::string file;
    std::vector<std::string> lines;

    void add(const toml::node* n, const std::string& what) {
        const auto line = n ? n->source().begin.line : 0;
        lines.push_back(line ? fmt::format("{}:{}: {}", file, line, what) : fmt::format("{}: {}", file, what));
    }
    void throw_if_any() const {
        if (lines.empty()) return;
        std::string text;
        for (const auto& l : lines) text += (text.empty() ? "" : "\n") + l;
        throw config_error(text);
    }
};

/// The text `--set` takes for a scalar TOML value; false for arrays and tables.
bool scalar_text(const toml::node& n, std::string& out) {
    if (auto v = n.as_string()) out = v->get();
    else if (auto i = n.as_integer()) out = std::to_string(i->get());
    else if (auto f = n.as_floating_point()) out = fmt::format("{}", f->get());
    else if (auto b = n.as_boolean()) out = b->get() ? "true" : "false";
    else return false;
    return true;
}

/// A key of sections 3 and 4 with a value `--set` accepts; else one problem naming table and key.
bool check_key(problems& p, const toml::node& n, const std::string& table, const std::string& key,
               const std::string& value) {
    const std::string where = fmt::format("[{}] key `{}`", table, key);
    if (!find_key(key)) {
        p.add(&n, fmt::format("{}: unknown key, expected a key such as array.rows "
                              "(`satlm sweep --help` lists them)", where));
        return false;
    }
    accel_config scratch;
    try {
        scratch.set(key, value, key_source::command_line, fmt::format("[{}]", table));
    } catch (const config_error& e) {
        p.add(&n, e.what());
        return false;
    }
    return true;
}

/// The keys of a table as dotted names: `"array.rows" = 4` and `[grid.array] rows = [4]` alike.
/// Entries come in file order (toml++ keeps a table's keys sorted by name).
void flatten(const toml::table& t, const std::string& prefix,
             std::vector<std::pair<std::string, const toml::node*>>& out) {
    std::vector<std::pair<std::string, const toml::node*>> here;
    for (const auto& [k, node] : t)
        here.emplace_back(prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str()), &node);
    std::stable_sort(here.begin(), here.end(), [](const auto& a, const auto& b) {
        const auto& x = a.second->source().begin;
        const auto& y = b.second->source().begin;
        return x.line != y.line ? x.line < y.line : x.column < y.column;
    });
    for (const auto& [name, node] : here) {
        if (const auto* sub = node->as_table(); sub && !find_key(name)) flatten(*sub, name, out);
        else out.emplace_back(name, node);
    }
}

/// A [grid] or [zip] table: each key names a non-empty list of values.
std::vector<std::pair<std::string, std::vector<std::string>>> read_lists(problems& p, const toml::table& t,
                                                                         const std::string& table) {
    std::vector<std::pair<std::string, const toml::node*>> keys;
    flatten(t, "", keys);
    std::vector<std::pair<std::string, std::vector<std::string>>> out;
    for (const auto& [key, node] : keys) {
        const auto* arr = node->as_array();
        if (!arr || arr->empty()) {
            p.add(node, fmt::format("[{}] key `{}`: expected a non-empty list of values, e.g. [4, 8, 16]", table, key));
            continue;
        }
        std::vector<std::string> values;
        bool ok = true;
        for (const auto& item : *arr) {
            std::string v;
            if (!scalar_text(item, v)) {
                p.add(&item, fmt::format("[{}] key `{}`: expected a string, number or boolean in the list", table, key));
                ok = false;
                break;
            }
            if (!check_key(p, item, table, key, v)) {
                ok = false;
                break;
            }
            values.push_back(v);
        }
        if (ok) out.emplace_back(key, std::move(values));
    }
    return out;
}

/// A table of single values ([set] or one [[points]] entry).
std::vector<key_value> read_values(problems& p, const toml::table& t, const std::string& table) {
    std::vector<std::pair<std::string, const toml::node*>> keys;
    flatten(t, "", keys);
    std::vector<key_value> out;
    for (const auto& [key, node] : keys) {
        std::string v;
        if (!scalar_text(*node, v)) {
            p.add(node, fmt::format("[{}] key `{}`: expected one string, number or boolean", table, key));
            continue;
        }
        if (check_key(p, *node, table, key, v)) out.emplace_back(key, v);
    }
    return out;
}

sweep_network resolve_network(problems& p, const toml::node& n, const std::string& name, const fs::path& base) {
    sweep_network net;
    net.name = name;
    const auto& builtins = builtin_network_names();
    if (std::find(builtins.begin(), builtins.end(), name) != builtins.end()) return net;
    const fs::path path = fs::path(name).is_absolute() ? fs::path(name) : base / name;
    net.path = path.string();
    std::error_code ec;
    if (fs::is_directory(path, ec) || (fs::is_regular_file(path, ec) && path.extension() == ".toml")) {
        net.type = sweep_network::kind::vector_set;
        return net;
    }
    if (!fs::is_regular_file(path, ec)) {
        std::string known;
        for (const auto& b : builtins) known += (known.empty() ? "" : ", ") + b;
        p.add(&n, fmt::format("networks: `{}`: expected a built-in network ({}), a topology CSV, or a "
                              "vector-set folder or manifest; {} does not exist", name, known, path.string()));
        return net;
    }
    net.type = sweep_network::kind::topology;
    try {
        (void)read_topology(net.path);
    } catch (const input_error& e) {
        p.add(&n, fmt::format("networks: `{}`: {}", name, e.what()));
    }
    return net;
}

void add_varied(std::vector<std::string>& varied, const std::string& key) {
    if (std::find(varied.begin(), varied.end(), key) == varied.end()) varied.push_back(key);
}

std::string read_text(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw config_error(fmt::format("{}: cannot open the sweep file", path));
    std::ostringstream s;
    s << f.rdbuf();
    return s.str();
}

}  // namespace

std::string point_id(const std::string& network, std::vector<key_value> pairs) {
    std::sort(pairs.begin(), pairs.end());
    std::string text = network + "\n";
    for (const auto& [k, v] : pairs) text += k + "=" + v + "\n";
    return hex64(fnv1a(text));
}

accel_config sweep_spec::base_config() const {
    accel_config c;
    if (!config_file.empty()) load_architecture_file(c, config_file);
    for (const auto& [k, v] : set) c.set(k, v, key_source::command_line, file + ": [set]");
    return c;
}

sweep_spec parse_sweep(const std::string& file, const std::string& text) {
    sweep_spec s;
    s.file = file;
    s.text = text;
    problems p{file, {}};
    toml::table root;
    try {
        root = toml::parse(text, file);
    } catch (const toml::parse_error& e) {
        throw config_error(fmt::format("{}:{}: TOML syntax error: {}", file, e.source().begin.line, e.description()));
    }
    const fs::path folder = fs::path(file).parent_path();
    auto rel = [&](const std::string& x) { return fs::path(x).is_absolute() ? x : (folder / x).string(); };

    const std::set<std::string> known = {"networks", "config", "seed", "check", "out", "set", "grid", "zip", "points"};
    for (const auto& [k, node] : root)
        if (!known.count(std::string(k.str())))
            p.add(&node, fmt::format("key `{}`: unknown, expected networks, config, seed, check, out, [set], "
                                     "[grid], [zip] or [[points]]", k.str()));

    const toml::node* nets = root.get("networks");
    if (!nets || !nets->as_array() || nets->as_array()->empty()) {
        p.add(nets, "networks: expected a non-empty list of built-in networks, topology CSVs or vector sets");
    } else {
        for (const auto& item : *nets->as_array()) {
            const auto* name = item.as_string();
            if (!name) {
                p.add(&item, "networks: expected a string (a network name or a path)");
                continue;
            }
            s.networks.push_back(resolve_network(p, item, name->get(), folder));
        }
    }
    if (const toml::node* c = root.get("config")) {
        if (!c->as_string()) p.add(c, "config: expected the path of an architecture file");
        else {
            s.config_file = rel(c->as_string()->get());
            try {
                accel_config scratch;
                load_architecture_file(scratch, s.config_file);
            } catch (const config_error& e) {
                p.add(c, fmt::format("config: {}", e.what()));
            }
        }
    }
    if (const toml::node* n = root.get("seed")) {
        if (!n->as_integer() || n->as_integer()->get() < 0) p.add(n, "seed: expected a non-negative integer");
        else s.seed = static_cast<std::uint64_t>(n->as_integer()->get());
    }
    if (const toml::node* n = root.get("check")) {
        if (!n->as_boolean()) p.add(n, "check: expected true or false");
        else s.check = n->as_boolean()->get();
    }
    s.out = (folder / "results").string();
    if (const toml::node* n = root.get("out")) {
        if (!n->as_string() || n->as_string()->get().empty()) p.add(n, "out: expected a folder name");
        else s.out = rel(n->as_string()->get());
    }

    auto table_of = [&](const char* name) -> const toml::table* {
        const toml::node* n = root.get(name);
        if (!n) return nullptr;
        if (!n->as_table()) {
            p.add(n, fmt::format("{}: expected a table [{}]", name, name));
            return nullptr;
        }
        return n->as_table();
    };
    if (const auto* t = table_of("set")) s.set = read_values(p, *t, "set");
    std::vector<std::pair<std::string, std::vector<std::string>>> grid, zip;
    if (const auto* t = table_of("grid")) grid = read_lists(p, *t, "grid");
    if (const auto* t = table_of("zip")) zip = read_lists(p, *t, "zip");
    std::vector<std::vector<key_value>> extra;
    if (const toml::node* n = root.get("points")) {
        const auto* arr = n->as_array();
        if (!arr || !arr->is_array_of_tables()) {
            p.add(n, "points: expected [[points]] tables");
        } else {
            for (std::size_t i = 0; i < arr->size(); ++i)
                extra.push_back(read_values(p, *(*arr)[i].as_table(), fmt::format("[points] #{}", i + 1)));
        }
    }
    // A key given twice among the tables that make points would be ambiguous.
    std::set<std::string> seen;
    for (const auto& [k, v] : s.set) seen.insert(k);
    for (const auto* lists : {&grid, &zip})
        for (const auto& [k, v] : *lists)
            if (!seen.insert(k).second)
                p.add(nullptr, fmt::format("key `{}`: given in more than one of [set], [grid] and [zip]", k));
    if (!zip.empty())
        for (const auto& [k, v] : zip)
            if (v.size() != zip.front().second.size())
                p.add(nullptr, fmt::format("[zip] key `{}`: has {} values, but `{}` has {}: zipped lists need one "
                                           "length", k, v.size(), zip.front().first, zip.front().second.size()));
    p.throw_if_any();

    for (const auto& [k, v] : grid) add_varied(s.varied_keys, k);
    for (const auto& [k, v] : zip) add_varied(s.varied_keys, k);
    for (const auto& pt : extra)
        for (const auto& [k, v] : pt) add_varied(s.varied_keys, k);

    // The combinations: grid in file order (the last key varies fastest), crossed with zip.
    std::vector<std::vector<key_value>> combos{{}};
    for (const auto& [k, values] : grid) {
        std::vector<std::vector<key_value>> next;
        for (const auto& c : combos)
            for (const auto& v : values) {
                next.push_back(c);
                next.back().emplace_back(k, v);
            }
        combos = std::move(next);
    }
    if (!zip.empty()) {
        std::vector<std::vector<key_value>> next;
        for (const auto& c : combos)
            for (std::size_t j = 0; j < zip.front().second.size(); ++j) {
                next.push_back(c);
                for (const auto& [k, values] : zip) next.back().emplace_back(k, values[j]);
            }
        combos = std::move(next);
    }

    accel_config base;
    try {
        base = s.base_config();
    } catch (const config_error& e) {
        throw config_error(fmt::format("{}: {}", file, e.what()));
    }
    std::set<std::string> ids;
    auto add_point = [&](std::size_t net, const std::vector<key_value>& assigned) {
        std::vector<key_value> pairs = assigned;
        for (const auto& kv : s.set)
            if (std::none_of(assigned.begin(), assigned.end(), [&](const key_value& a) { return a.first == kv.first; }))
                pairs.push_back(kv);
        sweep_point pt;
        pt.id = point_id(s.networks[net].name, pairs);
        if (!ids.insert(pt.id).second) return;  // the same point twice runs once
        pt.index = s.points.size();
        pt.network = net;
        pt.assigned = assigned;
        for (const auto& key : s.varied_keys) {
            const auto it = std::find_if(assigned.begin(), assigned.end(), [&](const key_value& a) { return a.first == key; });
            pt.varied_values.push_back(it != assigned.end() ? it->second : base.get(key));
        }
        s.points.push_back(std::move(pt));
    };
    // Without [grid] and [zip], the [[points]] alone are the sweep (or, with none, the base).
    if (!grid.empty() || !zip.empty() || extra.empty())
        for (std::size_t n = 0; n < s.networks.size(); ++n)
            for (const auto& c : combos) add_point(n, c);
    if (!extra.empty())
        for (std::size_t n = 0; n < s.networks.size(); ++n)
            for (const auto& pt : extra) add_point(n, pt);

    std::string identity = fmt::format("seed={}\ncheck={}\n", s.seed, s.check);
    if (!s.config_file.empty()) identity += "config=" + read_text(s.config_file) + "\n";
    for (const auto& k : s.varied_keys) identity += "varied=" + k + "\n";
    for (const auto& pt : s.points) identity += pt.id + "\n";
    s.fingerprint = hex64(fnv1a(identity));
    return s;
}

sweep_spec read_sweep_file(const std::string& path) {
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) throw config_error(fmt::format("{}: expected a sweep file (TOML)", path));
    return parse_sweep(path, read_text(path));
}

}  // namespace satlm
