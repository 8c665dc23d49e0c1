#include "sweep/plot.h"

#include "sweep/store.h"
#include "tlm/report.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include <unistd.h>

namespace satlm {

namespace fs = std::filesystem;

namespace {

const std::vector<std::string> bucket_names = {"load_data", "load_weights", "execute", "drain",
                                               "accumulate", "stall", "idle"};

/// One point of the sweep as the figures see it.
struct plot_point {
    std::string id;
    std::string network;
    std::map<std::string, std::string> keys;   ///< varied keys
    std::map<std::string, std::string> config; ///< resolved keys it ran with
    bool ok = false;
    std::string error;
    double wall_seconds = 0;
    double cycles = 0, stall = 0, utilization = 0, sram_bytes = 0;
    struct layer {
        std::string name;
        std::vector<double> buckets;
    };
    std::vector<layer> layers;

    /// A key's value: varied, else as run; "network" is the network.
    std::string value(const std::string& key) const {
        if (key == "network") return network;
        if (auto it = keys.find(key); it != keys.end()) return it->second;
        if (auto it = config.find(key); it != config.end()) return it->second;
        return "";
    }
    double number(const std::string& key) const { return std::strtod(value(key).c_str(), nullptr); }
};

struct sweep_data {
    store_meta meta;
    std::vector<plot_point> points;  ///< sweep order
    std::vector<std::string> varied; ///< varied keys with more than one value, plus "network"

    std::vector<const plot_point*> ok() const {
        std::vector<const plot_point*> v;
        for (const auto& p : points)
            if (p.ok) v.push_back(&p);
        return v;
    }
};

std::string fmt_number(double v) { return fmt::format("{}", v); }

sweep_data load(const std::string& dir) {
    const auto store = sweep_store::open(dir, false);
    sweep_data d;
    const auto meta = store->meta();
    if (!meta) throw input_error(fmt::format("{}: holds no sweep results yet", dir));
    d.meta = *meta;
    const auto columns = split_csv_line(meta->csv_header);
    auto col = [&](const std::string& name) {
        const auto it = std::find(columns.begin(), columns.end(), name);
        if (it == columns.end()) throw input_error(fmt::format("{}: the store has no column {}", dir, name));
        return static_cast<std::size_t>(it - columns.begin());
    };
    const std::size_t c_layer = col("layer"), c_total = col("cycles_total"), c_stall = col("cycles_stall"),
                      c_util = col("pe_utilization");
    std::vector<std::size_t> c_buckets;
    for (const auto& b : bucket_names) c_buckets.push_back(b == "stall" ? c_stall : col("cycles_" + b));
    for (const auto& rec : store->points(true)) {
        plot_point p;
        p.id = rec.id;
        p.network = rec.network;
        p.ok = rec.status == "ok" && !rec.layer_rows.empty();
        p.error = rec.error;
        p.wall_seconds = rec.wall_seconds;
        p.keys = nlohmann::json::parse(rec.keys.empty() ? "{}" : rec.keys).get<std::map<std::string, std::string>>();
        p.config = nlohmann::json::parse(rec.config.empty() ? "{}" : rec.config).get<std::map<std::string, std::string>>();
        double weighted_util = 0;
        for (const auto& row : rec.layer_rows) {
            const auto cells = split_csv_line(row);
            if (cells.size() < columns.size()) continue;
            const double total = std::strtod(cells[c_total].c_str(), nullptr);
            p.cycles += total;
            p.stall += std::strtod(cells[c_stall].c_str(), nullptr);
            weighted_util += total * std::strtod(cells[c_util].c_str(), nullptr);
            plot_point::layer l;
            l.name = cells[c_layer];
            for (auto c : c_buckets) l.buckets.push_back(std::strtod(cells[c].c_str(), nullptr));
            p.layers.push_back(std::move(l));
        }
        p.utilization = p.cycles > 0 ? weighted_util / p.cycles : 0;
        p.sram_bytes = p.number("xmem.words") * p.number("xmem.width_bits") / 8 +
                       p.number("pmem.words") * p.number("pmem.width_bits") / 8;
        d.points.push_back(std::move(p));
    }
    std::set<std::string> networks;
    for (const auto& p : d.points) networks.insert(p.network);
    if (networks.size() > 1) d.varied.push_back("network");
    for (const auto& k : meta->varied_keys) {
        std::set<std::string> values;
        for (const auto& p : d.points) values.insert(p.value(k));
        if (values.size() > 1) d.varied.push_back(k);
    }
    return d;
}

bool varied(const sweep_data& d, const std::string& key) {
    return std::find(d.varied.begin(), d.varied.end(), key) != d.varied.end();
}

/// A line of a line chart: its label and (x, y) points sorted by x.
struct series {
    std::string label;
    std::vector<std::pair<double, double>> xy;
};

/// Groups points into series by the varied keys other than `exclude`; with more than ten
/// series, the last keys are held at their first value (named in `held`).
std::vector<std::pair<std::string, std::vector<const plot_point*>>> group(const sweep_data& d,
                                                                          const std::vector<std::string>& exclude,
                                                                          std::string& held) {
    std::vector<std::string> others;
    for (const auto& k : d.varied)
        if (std::find(exclude.begin(), exclude.end(), k) == exclude.end()) others.push_back(k);
    std::vector<const plot_point*> pts = d.ok();
    auto count_groups = [&] {
        std::set<std::string> g;
        for (const auto* p : pts) {
            std::string label;
            for (const auto& k : others) label += p->value(k) + "\x1f";
            g.insert(label);
        }
        return g.size();
    };
    while (others.size() > 0 && count_groups() > 10) {
        const std::string k = others.back();
        others.pop_back();
        if (pts.empty()) break;
        const std::string v = pts.front()->value(k);
        held += fmt::format("{}{}={}", held.empty() ? "" : ", ", k, v);
        pts.erase(std::remove_if(pts.begin(), pts.end(), [&](const plot_point* p) { return p->value(k) != v; }),
                  pts.end());
    }
    std::vector<std::pair<std::string, std::vector<const plot_point*>>> out;
    std::map<std::string, std::size_t> index;
    for (const auto* p : pts) {
        std::string label;
        for (const auto& k : others) label += fmt::format("{}{}={}", label.empty() ? "" : ", ", k, p->value(k));
        if (label.empty()) label = "all points";
        auto [it, fresh] = index.emplace(label, out.size());
        if (fresh) out.push_back({label, {}});
        out[it->second].second.push_back(p);
    }
    return out;
}

std::string gp_quote(const std::string& s) {
    std::string q = "\"";
    for (char ch : s) {
        if (ch == '"' || ch == '\\') q += '\\';
        q += ch;
    }
    return q + "\"";
}

/// Runs gnuplot on `script` twice (PNG, SVG), into `tmp`/NAME.{png,svg}.
void render(const fs::path& tmp, const std::string& name, const std::string& script) {
    for (const char* kind : {"png", "svg"}) {
        const fs::path out = tmp / (name + "." + kind);
        const fs::path gp = tmp / (name + "." + kind + ".gp");
        const fs::path err = tmp / (name + ".err");
        {
            std::ofstream f(gp);
            if (std::string(kind) == "png")
                f << "set terminal pngcairo noenhanced size 960,600 font \"DejaVu Sans,10\"\n";
            else
                f << "set terminal svg noenhanced size 960,600 dynamic font \"DejaVu Sans,10\" background \"white\"\n";
            f << "set output " << gp_quote(out.string()) << "\n" << script << "\nset output\n";
        }
        const std::string cmd = fmt::format("gnuplot '{}' 2> '{}'", gp.string(), err.string());
        const int rc = std::system(cmd.c_str());
        std::error_code ec;
        if (rc != 0 || !fs::is_regular_file(out, ec) || fs::file_size(out, ec) == 0) {
            std::ifstream e(err);
            std::stringstream msg;
            msg << e.rdbuf();
            if (rc == 127 * 256 || std::system("command -v gnuplot > /dev/null 2>&1") != 0)
                throw input_error("satlm plot needs gnuplot: install Debian's gnuplot-nox (setup.sh does)");
            std::string text = msg.str();
            std::replace(text.begin(), text.end(), '\n', ' ');
            throw input_error(fmt::format("gnuplot failed on figure {}: {}", name, text));
        }
    }
}

struct figure_maker {
    const sweep_data& d;
    fs::path tmp;
    std::vector<figure> figures;

    fs::path data_file(const std::string& name) const { return tmp / (name + ".dat"); }

    using measure = std::function<double(const plot_point&)>;

    /// A line chart of `y_of` against `x_of` (the keys `xkeys`) with one line per group of the
    /// other varied keys; `categories` names the ticks of a non-numeric axis.
    void line_chart(const std::string& name, const std::string& title, const std::string& caption,
                    const std::vector<std::string>& xkeys, const std::string& xlabel, const measure& x_of,
                    const measure& y_of, const std::string& ylabel, bool log_y,
                    const std::vector<std::string>& categories = {}) {
        std::string held;
        const auto groups = group(d, xkeys, held);
        std::ofstream f(data_file(name));
        std::string plot;
        bool positive_y = true;
        std::set<double> xs;
        int index = 0;
        for (const auto& [label, pts] : groups) {
            std::vector<std::pair<double, double>> xy;
            for (const auto* p : pts) xy.emplace_back(x_of(*p), y_of(*p));
            std::sort(xy.begin(), xy.end());
            f << "# " << label << "\n";
            for (const auto& [x, y] : xy) {
                f << fmt_number(x) << " " << fmt_number(y) << "\n";
                positive_y = positive_y && y > 0;
                xs.insert(x);
            }
            f << "\n\n";
            // Colors repeat after eight lines: the point shape and dashes tell the rest apart.
            plot += fmt::format("{}{} index {} using 1:2 with linespoints lw 2 pt {} ps 0.9 dt {} title {}",
                                plot.empty() ? "plot " : ", ", gp_quote(data_file(name).string()), index,
                                index % 8 + 4, index / 8 + 1, gp_quote(label));
            ++index;
        }
        f.close();
        if (groups.empty()) return;
        const bool log_x = categories.empty() && !xs.empty() && *xs.begin() > 0 && *xs.rbegin() / *xs.begin() >= 8;
        std::string s;
        if (!categories.empty()) {
            // Values that are not numbers (a schedule, a network): one tick each, in sweep order.
            std::string tics;
            for (std::size_t i = 0; i < categories.size(); ++i)
                tics += fmt::format("{}{} {}", i ? ", " : "", gp_quote(categories[i]), i);
            s += fmt::format("set xtics ({})\nset xrange [-0.5:{}.5]\n", tics, categories.size() - 1);
        }
        s += fmt::format("set title {}\n", gp_quote(title + (held.empty() ? "" : " (" + held + ")")));
        s += fmt::format("set xlabel {}\nset ylabel {}\n", gp_quote(xlabel), gp_quote(ylabel));
        s += "set grid\nset key below\n";
        if (log_x) s += "set logscale x 2\n";
        if (log_y && positive_y) s += "set logscale y\n";
        s += plot + "\n";
        render(tmp, name, s);
        figures.push_back({name, title, caption});
    }

    void pareto() {
        const auto pts = d.ok();
        std::set<double> sizes;
        for (const auto* p : pts) sizes.insert(p->sram_bytes);
        if (sizes.size() < 2) return;
        std::vector<std::pair<double, double>> all;
        for (const auto* p : pts) all.emplace_back(p->sram_bytes, p->cycles);
        std::sort(all.begin(), all.end());
        std::vector<std::pair<double, double>> front;
        for (const auto& xy : all)
            if (front.empty() || xy.second < front.back().second) {
                if (!front.empty() && front.back().first == xy.first) front.back() = xy;
                else front.push_back(xy);
            }
        const std::string name = "pareto-cycles-vs-sram";
        std::ofstream f(data_file(name));
        for (const auto& [x, y] : all) f << fmt_number(x) << " " << fmt_number(y) << "\n";
        f << "\n\n";
        for (const auto& [x, y] : front) f << fmt_number(x) << " " << fmt_number(y) << "\n";
        f.close();
        const std::string file = gp_quote(data_file(name).string());
        std::string s = "set title \"Pareto front: network cycles against on-chip SRAM bytes\"\n"
                        "set xlabel \"on-chip SRAM bytes (xmem + pmem)\"\nset ylabel \"cycles (all layers)\"\n"
                        "set grid\nset key outside right top\nset logscale x 2\nset logscale y\n";
        s += fmt::format("plot {} index 0 using 1:2 with points pt 7 ps 0.6 lc rgb \"#999999\" title \"points\", "
                         "{} index 1 using 1:2 with linespoints lw 2 pt 7 lc rgb \"#c0392b\" title \"Pareto front\"\n",
                         file, file);
        render(tmp, name, s);
        figures.push_back({name, "Pareto front of cycles against on-chip SRAM",
                           "Every successful point (grey) and those no other point beats on both cycles and SRAM "
                           "bytes (red): the designs worth considering."});
    }

    void breakdown(const plot_point& p) {
        const std::string name = "layers-" + p.id;
        std::ofstream f(data_file(name));
        for (const auto& l : p.layers) {
            f << gp_quote(l.name);
            for (double b : l.buckets) f << " " << fmt_number(b);
            f << "\n";
        }
        f.close();
        std::string keys = p.network;
        for (const auto& k : d.meta.varied_keys) keys += fmt::format(", {}={}", k, p.value(k));
        const std::string title = fmt::format("Cycles per layer by bucket: point {}", p.id);
        // Two title lines: the keys of a point do not fit beside the id.
        std::string s = fmt::format("set title {} . \"\\n\" . {}\n", gp_quote(title), gp_quote(keys));
        s += "set ylabel \"cycles\"\nset style data histograms\nset style histogram rowstacked\n"
             "set style fill solid 0.85 border -1\nset boxwidth 0.75\nset xtics rotate by -45 scale 0\n"
             "set key outside right top\nset grid ytics\nset yrange [0:*]\n";
        const std::string file = gp_quote(data_file(name).string());
        for (std::size_t b = 0; b < bucket_names.size(); ++b)
            s += fmt::format("{}{} using {}{} title {}", b ? ", " : "plot ", b ? "''" : file, b + 2,
                             b ? "" : ":xtic(1)", gp_quote(bucket_names[b]));
        s += "\n";
        render(tmp, name, s);
        figures.push_back({name, title + " (" + keys + ")",
                           "Where each layer's cycles go: loading data and weights, execution, drain, "
                           "accumulation, bandwidth stalls and idle time."});
    }
};

double x_pes(const plot_point& p) { return p.number("array.rows") * p.number("array.cols"); }
double y_cycles(const plot_point& p) { return p.cycles; }
double y_util(const plot_point& p) { return p.utilization; }
double y_stall(const plot_point& p) { return p.stall; }
double x_bandwidth(const plot_point& p) { return p.number("offchip.bytes_per_cycle"); }
double x_xmem(const plot_point& p) { return p.number("xmem.words"); }
double x_pmem(const plot_point& p) { return p.number("pmem.words"); }

/// The points whose per-layer breakdown is drawn: the ids asked for, else fastest and slowest.
std::vector<const plot_point*> chosen_points(const sweep_data& d, const std::vector<std::string>& ids) {
    std::vector<const plot_point*> out;
    for (const auto& id : ids) {
        const auto it = std::find_if(d.points.begin(), d.points.end(), [&](const plot_point& p) { return p.id == id; });
        if (it == d.points.end()) throw input_error(fmt::format("--points: no point `{}` in the sweep", id));
        if (!it->ok) throw input_error(fmt::format("--points: point {} failed, it has no layers to draw", id));
        out.push_back(&*it);
    }
    if (!ids.empty()) return out;
    const auto ok = d.ok();
    if (ok.empty()) return out;
    const auto [lo, hi] = std::minmax_element(ok.begin(), ok.end(),
                                              [](const plot_point* a, const plot_point* b) { return a->cycles < b->cycles; });
    out.push_back(*lo);
    if (*hi != *lo) out.push_back(*hi);
    return out;
}

std::string html_escape(const std::string& s) {
    std::string o;
    for (char ch : s) {
        switch (ch) {
        case '&': o += "&amp;"; break;
        case '<': o += "&lt;"; break;
        case '>': o += "&gt;"; break;
        case '"': o += "&quot;"; break;
        default: o += ch;
        }
    }
    return o;
}

std::string base64(const std::string& bytes) {
    static const char* digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        const unsigned v = (unsigned(static_cast<unsigned char>(bytes[i])) << 16) |
                           (unsigned(static_cast<unsigned char>(bytes[i + 1])) << 8) |
                           unsigned(static_cast<unsigned char>(bytes[i + 2]));
        out += {digits[v >> 18], digits[(v >> 12) & 63], digits[(v >> 6) & 63], digits[v & 63]};
    }
    if (i + 1 == bytes.size()) {
        const unsigned v = unsigned(static_cast<unsigned char>(bytes[i])) << 16;
        out += {digits[v >> 18], digits[(v >> 12) & 63], '=', '='};
    } else if (i + 2 == bytes.size()) {
        const unsigned v = (unsigned(static_cast<unsigned char>(bytes[i])) << 16) |
                           (unsigned(static_cast<unsigned char>(bytes[i + 1])) << 8);
        out += {digits[v >> 18], digits[(v >> 12) & 63], digits[(v >> 6) & 63], '='};
    }
    return out;
}

std::string read_file(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

const char* page_head = R"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<script>
// Any script error on this page is recorded in #page-errors, where the tests look for it.
window.pageErrors = [];
window.addEventListener('error', function (e) { window.pageErrors.push(String(e.message)); showErrors(); });
function showErrors() {
  var el = document.getElementById('page-errors');
  if (el) el.textContent = window.pageErrors.join('\n');
}
</script>
<title>satlm sweep report</title>
<style>
body { font-family: sans-serif; margin: 1.5em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 1.6em; }
figure { margin: 1em 0; } figure img { max-width: 100%; border: 1px solid #ddd; }
figcaption { color: #555; font-size: 0.9em; }
table { border-collapse: collapse; font-size: 0.85em; }
th, td { border: 1px solid #ccc; padding: 2px 6px; text-align: right; }
th { background: #f0f0f0; cursor: pointer; user-select: none; }
td.text { text-align: left; }
tr.failed td { background: #fdecea; }
pre { background: #f7f7f7; padding: 0.8em; overflow-x: auto; }
</style></head><body>
)";

const char* page_tail = R"(<pre id="page-errors" hidden></pre>
<script>
// Click a column heading to sort the table by it (numbers numerically), again to reverse.
document.querySelectorAll('table.sortable').forEach(function (table) {
  table.querySelectorAll('th').forEach(function (th, col) {
    th.addEventListener('click', function () {
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      var up = th.getAttribute('data-order') !== 'up';
      rows.sort(function (a, b) {
        var x = a.cells[col].textContent, y = b.cells[col].textContent;
        var nx = parseFloat(x), ny = parseFloat(y);
        var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
        return up ? c : -c;
      });
      rows.forEach(function (r) { body.appendChild(r); });
      table.querySelectorAll('th').forEach(function (h) { h.removeAttribute('data-order'); });
      th.setAttribute('data-order', up ? 'up' : 'down');
    });
  });
});
// A record of what rendered, for the tests: figures decoded and table rows present.
window.addEventListener('load', function () {
  var images = document.querySelectorAll('figure img');
  var drawn = 0;
  images.forEach(function (img) { if (img.complete && img.naturalWidth > 0) drawn++; });
  var check = document.getElementById('render-check');
  check.setAttribute('data-figures', String(images.length));
  check.setAttribute('data-figures-drawn', String(drawn));
  check.setAttribute('data-point-rows', String(document.querySelectorAll('#points tbody tr').length));
  check.setAttribute('data-errors', String(window.pageErrors.length));
  showErrors();
});
</script>
</body></html>
)";

std::string build_html(const sweep_data& d, const std::vector<figure>& figures, const fs::path& plots) {
    std::string h = page_head;
    std::size_t ok = 0, failed = 0;
    for (const auto& p : d.points) (p.ok ? ok : failed)++;
    h += fmt::format("<h1>satlm sweep: {}</h1>\n", html_escape(d.meta.sweep_file));
    h += fmt::format("<p id=\"summary\">{} of {} points stored: {} succeeded, {} failed{}.</p>\n", d.points.size(),
                     d.meta.points_total, ok, failed,
                     d.meta.complete ? "" : "; the sweep is not complete (rerun it to resume)");
    h += "<p id=\"render-check\"></p>\n<h2>Figures</h2>\n";
    for (const auto& f : figures) {
        h += fmt::format("<figure id=\"fig-{}\"><img alt=\"{}\" src=\"data:image/png;base64,{}\">"
                         "<figcaption><b>{}</b>. {} (plots/{}.png, plots/{}.svg)</figcaption></figure>\n",
                         html_escape(f.name), html_escape(f.title), base64(read_file(plots / (f.name + ".png"))),
                         html_escape(f.title), html_escape(f.caption), html_escape(f.name), html_escape(f.name));
    }
    h += "<h2>Points</h2>\n<table id=\"points\" class=\"sortable\"><thead><tr><th>#</th><th>point</th><th>network</th>";
    for (const auto& k : d.meta.varied_keys) h += "<th>" + html_escape(k) + "</th>";
    h += "<th>status</th><th>cycles</th><th>stall cycles</th><th>PE utilization</th><th>on-chip SRAM bytes</th>"
         "<th>wall s</th></tr></thead><tbody>\n";
    std::size_t n = 0;
    for (const auto& p : d.points) {
        h += fmt::format("<tr{}><td>{}</td><td class=\"text\">{}</td><td class=\"text\">{}</td>",
                         p.ok ? "" : " class=\"failed\"", n++, p.id, html_escape(p.network));
        for (const auto& k : d.meta.varied_keys) h += "<td>" + html_escape(p.value(k)) + "</td>";
        if (p.ok)
            h += fmt::format("<td class=\"text\">ok</td><td>{:.0f}</td><td>{:.0f}</td><td>{:.4f}</td><td>{:.0f}</td>"
                             "<td>{:.3f}</td></tr>\n", p.cycles, p.stall, p.utilization, p.sram_bytes, p.wall_seconds);
        else
            h += fmt::format("<td class=\"text\">failed</td><td></td><td></td><td></td><td></td><td>{:.3f}</td></tr>\n",
                             p.wall_seconds);
    }
    h += "</tbody></table>\n<h2>Failed points</h2>\n";
    if (!failed) h += "<p id=\"failed-none\">None: every point succeeded.</p>\n";
    else {
        h += "<table id=\"failed\" class=\"sortable\"><thead><tr><th>point</th><th>network</th><th>keys</th>"
             "<th>error</th></tr></thead><tbody>\n";
        for (const auto& p : d.points) {
            if (p.ok) continue;
            std::string keys;
            for (const auto& [k, v] : p.keys) keys += fmt::format("{}{}={}", keys.empty() ? "" : ", ", k, v);
            h += fmt::format("<tr><td class=\"text\">{}</td><td class=\"text\">{}</td><td class=\"text\">{}</td>"
                             "<td class=\"text\">{}</td></tr>\n", p.id, html_escape(p.network), html_escape(keys),
                             html_escape(p.error));
        }
        h += "</tbody></table>\n";
    }
    h += "<h2>Sweep file</h2>\n<pre id=\"sweep-file\">" + html_escape(d.meta.sweep_text) + "</pre>\n";
    h += page_tail;
    return h;
}

}  // namespace

plot_output plot_sweep(const std::string& dir, const plot_options& options) {
    const sweep_data d = load(dir);
    const fs::path plots = fs::path(dir) / "plots";
    std::error_code ec;
    fs::create_directories(plots, ec);
    const fs::path tmp = plots / fmt::format(".tmp-{}", ::getpid());
    fs::remove_all(tmp, ec);
    fs::create_directories(tmp, ec);
    if (!fs::is_directory(tmp, ec)) throw input_error(fmt::format("{}: cannot create a folder there", plots.string()));
    figure_maker m{d, tmp, {}};
    try {
        const bool rows = varied(d, "array.rows"), cols = varied(d, "array.cols");
        if (rows || cols) {
            const std::vector<std::string> x = {"array.rows", "array.cols"};
            m.line_chart("cycles-vs-array", "Cycles against array size",
                         "Total cycles of the network for each array size; one line per combination of the other "
                         "varied keys.", x, "PEs (array.rows x array.cols)", x_pes, y_cycles, "cycles (all layers)", true);
            m.line_chart("utilization-vs-array", "PE utilization against array size",
                         "Useful MACs per PE and cycle, over the whole network.", x, "PEs (array.rows x array.cols)",
                         x_pes, y_util, "PE utilization", false);
        }
        if (varied(d, "offchip.bytes_per_cycle"))
            m.line_chart("stall-vs-bandwidth", "Stall cycles against off-chip bandwidth",
                         "Cycles lost waiting for the off-chip link to fill the SRAMs.", {"offchip.bytes_per_cycle"},
                         "offchip.bytes_per_cycle", x_bandwidth, y_stall, "stall cycles (all layers)", true);
        if (varied(d, "xmem.words"))
            m.line_chart("stall-vs-xmem", "Stall cycles against xmem size",
                         "Stall cycles as the activation and weight SRAM grows.", {"xmem.words"}, "xmem.words",
                         x_xmem, y_stall, "stall cycles (all layers)", true);
        if (varied(d, "pmem.words"))
            m.line_chart("stall-vs-pmem", "Stall cycles against pmem size",
                         "Stall cycles as the psum SRAM grows.", {"pmem.words"}, "pmem.words", x_pmem, y_stall,
                         "stall cycles (all layers)", true);
        m.pareto();
        if (m.figures.empty()) {
            // None of the usual axes varied: cycles against the first varied key (or network),
            // on a numeric axis when its values are numbers, else one tick per value.
            if (!d.varied.empty() && !d.ok().empty()) {
                const std::string k = d.varied.size() > 1 && d.varied.front() == "network" ? d.varied[1] : d.varied.front();
                std::vector<std::string> categories;
                bool numeric = k != "network";
                for (const auto* p : d.ok()) {
                    const std::string v = p->value(k);
                    char* end = nullptr;
                    std::strtod(v.c_str(), &end);
                    numeric = numeric && !v.empty() && !*end;
                    if (std::find(categories.begin(), categories.end(), v) == categories.end()) categories.push_back(v);
                }
                if (numeric) categories.clear();
                auto x_of = [k, categories](const plot_point& p) {
                    if (categories.empty()) return p.number(k);
                    return double(std::find(categories.begin(), categories.end(), p.value(k)) - categories.begin());
                };
                m.line_chart("cycles-vs-key", "Cycles against " + k, "Total cycles of the network against " + k + ".",
                             {k}, k, x_of, y_cycles, "cycles (all layers)", true, categories);
            }
        }
        for (const auto* p : chosen_points(d, options.breakdown_points)) m.breakdown(*p);
        for (const auto& f : m.figures)
            for (const char* ext : {".png", ".svg"}) {
                fs::rename(tmp / (f.name + ext), plots / (f.name + ext), ec);
                if (ec) throw input_error(fmt::format("{}: cannot move {}{} into place", plots.string(), f.name, ext));
            }
    } catch (...) {
        fs::remove_all(tmp, ec);
        throw;
    }
    fs::remove_all(tmp, ec);
    plot_output out;
    out.figures = m.figures;
    out.html = build_html(d, m.figures, plots);
    return out;
}

}  // namespace satlm
