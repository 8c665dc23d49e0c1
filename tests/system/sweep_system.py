#!/usr/bin/env python3
"""System tests of `satlm sweep`, `satlm merge`, `satlm export` and `satlm plot` (docs/sweep.md).

Usage: sweep_system.py CASE --satlm PATH --shared DIR
Cases: validate, resume, signal, shards, failed, vector-sets, examples.
"""
import argparse
import csv
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# Two small layers: cheap points, so a sweep of hundreds runs in seconds.
SMALL_TOPOLOGY = """Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,
conv_a, 10, 10, 3, 3, 8, 16, 1,
conv_b, 8, 8, 3, 3, 16, 8, 1,
"""


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def run(args, satlm, env=None, expect=None, timeout=600):
    e = dict(os.environ)
    e.update(env or {})
    p = subprocess.run([satlm] + args, capture_output=True, text=True, env=e, timeout=timeout)
    if expect is not None and p.returncode != expect:
        fail("satlm {} exited {} (expected {})\nstdout:\n{}\nstderr:\n{}".format(
            " ".join(args), p.returncode, expect, p.stdout[-3000:], p.stderr[-3000:]))
    return p


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def read(path):
    with open(path) as f:
        return f.read()


def points_table(out):
    db = sqlite3.connect(os.path.join(out, "results.sqlite"))
    rows = db.execute("SELECT id, idx, status, error FROM points ORDER BY idx").fetchall()
    meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
    layers = db.execute("SELECT count(*) FROM layers").fetchone()[0]
    db.close()
    return rows, meta, layers


def small_sweep(tmp, grid, name="small.toml", extra=""):
    write(os.path.join(tmp, "small.csv"), SMALL_TOPOLOGY)
    text = 'networks = ["small.csv"]\nseed = 3\n[set]\n"model.fidelity" = "lt"\n[grid]\n'
    for key, values in grid:
        text += '"{}" = [{}]\n'.format(key, ", ".join(str(v) for v in values))
    text += extra
    path = os.path.join(tmp, name)
    write(path, text)
    return path


GRID_60 = [("array.rows", [4, 8, 16]), ("array.cols", [4, 8, 16, 32]), ("offchip.bytes_per_cycle", [1, 2, 4, 8, 16])]
GRID_300 = GRID_60 + [("l0.depth", [32, 64, 128, 256, 512])]


def case_validate(satlm, tmp):
    cases = [
        ('[grid]\n"array.rowz" = [4, 8]\n', ["[grid]", "array.rowz"]),
        ('[set]\n"model.fidelity" = "fast"\n', ["[set]", "model.fidelity"]),
        ('[zip]\n"l0.depth" = [16, 32]\n"ofifo.depth" = [16]\n', ["[zip]", "ofifo.depth"]),
        ('[[points]]\n"array.rows" = "many"\n', ["[points] #1", "array.rows"]),
        ('[grid]\n"array.rows" = [4, "x"]\n', ["[grid]", "array.rows"]),
        ('bogus = 1\n', ["bogus"]),
    ]
    for i, (body, words) in enumerate(cases):
        path = os.path.join(tmp, "bad{}.toml".format(i))
        write(path, 'networks = ["vgg16-cifar10"]\nout = "out{}"\n'.format(i) + body)
        p = run(["sweep", path, "--quiet"], satlm, expect=2)
        for w in [path] + words:
            if w not in p.stderr:
                fail("bad sweep file {}: stderr does not name `{}`:\n{}".format(body.strip(), w, p.stderr))
        if os.path.exists(os.path.join(tmp, "out{}".format(i))):
            fail("a bad sweep file created its output folder: validation must come before anything runs")
    write(os.path.join(tmp, "nonet.toml"), 'networks = ["missing.csv"]\n')
    p = run(["sweep", os.path.join(tmp, "nonet.toml")], satlm, expect=2)
    if "missing.csv" not in p.stderr:
        fail("a missing network is not named: " + p.stderr)
    sweep = small_sweep(tmp, [("array.rows", [4])])
    for bad in ["3/3", "1", "a/b", "-1/2", "0/0"]:
        run(["sweep", sweep, "--shard", bad, "--quiet"], satlm, expect=2)
    print("ok: bad sweep files and shards are exit 2 naming file, table and key, before anything runs")


def case_resume(satlm, tmp):
    sweep = small_sweep(tmp, GRID_60)
    ref = os.path.join(tmp, "ref")
    run(["sweep", sweep, "--out", ref, "--jobs", "2", "--quiet"], satlm, expect=0)
    out = os.path.join(tmp, "killed")
    p = run(["sweep", sweep, "--out", out, "--jobs", "2", "--quiet"], satlm,
            env={"SATLM_SWEEP_KILL_AFTER": "17"})
    if p.returncode != -signal.SIGKILL:
        fail("the kill hook did not kill the sweep (exit {})".format(p.returncode))
    rows, meta, _ = points_table(out)
    if len(rows) < 17 or len(rows) >= 60:
        fail("after SIGKILL the store holds {} points (expected 17 or a few more)".format(len(rows)))
    if meta.get("complete") != "0":
        fail("a killed sweep's store says it is complete")
    done_before = {r[0] for r in rows}
    p = run(["sweep", sweep, "--out", out, "--jobs", "2"], satlm, expect=0)
    m = re.search(r"(\d+) ran now, (\d+) already stored", p.stdout)
    if not m or int(m.group(1)) != 60 - len(done_before) or int(m.group(2)) != len(done_before):
        fail("the rerun did not skip exactly the stored points: " + p.stdout)
    rows, meta, layers = points_table(out)
    ids = [r[0] for r in rows]
    if len(ids) != 60 or len(set(ids)) != 60 or layers != 120:
        fail("after resume: {} points ({} distinct), {} layer rows; expected 60, 60, 120".format(
            len(ids), len(set(ids)), layers))
    if meta.get("complete") != "1":
        fail("the resumed store does not say it is complete")
    if read(os.path.join(out, "results.csv")) != read(os.path.join(ref, "results.csv")):
        fail("results.csv after kill and resume differs from an uninterrupted run")
    p = run(["sweep", sweep, "--out", out, "--quiet"], satlm, expect=0)
    if "0 ran now, 60 already stored" not in p.stdout:
        fail("a finished sweep ran points again: " + p.stdout)
    # export: the CSV again, and JSON lines with one object per point.
    run(["export", out, "--csv", "-o", os.path.join(tmp, "again.csv")], satlm, expect=0)
    if read(os.path.join(tmp, "again.csv")) != read(os.path.join(ref, "results.csv")):
        fail("satlm export --csv differs from results.csv")
    p = run(["export", out, "--jsonl", "-o", "-"], satlm, expect=0)
    objs = [json.loads(line) for line in p.stdout.splitlines()]
    if len(objs) != 60 or any(len(o["layers"]) != 2 or o["status"] != "ok" for o in objs):
        fail("export --jsonl: expected 60 points of 2 layers each")
    # Another sweep into the same folder is refused.
    other = small_sweep(tmp, [("array.rows", [4, 8])], name="other.toml")
    p = run(["sweep", other, "--out", out, "--quiet"], satlm, expect=2)
    if "another sweep" not in p.stderr:
        fail("a different sweep into the same folder was not refused: " + p.stderr)
    print("ok: killed with SIGKILL after 17 points, resumed: every point once, results equal an uninterrupted run")


def case_signal(satlm, tmp):
    sweep = small_sweep(tmp, GRID_300)
    out = os.path.join(tmp, "sig")
    e = dict(os.environ)
    proc = subprocess.Popen([satlm, "sweep", sweep, "--out", out, "--jobs", "2", "--quiet"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=e)
    db = os.path.join(out, "results.sqlite")
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            if os.path.exists(db):
                c = sqlite3.connect(db, timeout=10)
                n = c.execute("SELECT count(*) FROM points").fetchone()[0]
                c.close()
                if n >= 5:
                    break
        except sqlite3.Error:
            pass
        if proc.poll() is not None:
            break
        time.sleep(0.02)
    proc.send_signal(signal.SIGTERM)
    stdout, stderr = proc.communicate(timeout=120)
    rows, meta, _ = points_table(out)
    if proc.returncode == 0 and len(rows) == 300:
        print("note: the sweep finished before the signal arrived")
    elif proc.returncode != 130:
        fail("SIGTERM: exit {} (expected 130)\n{}".format(proc.returncode, stderr))
    elif meta.get("complete") != "0" or "interrupted" not in stdout:
        fail("an interrupted sweep must say so and leave its store incomplete:\n" + stdout)
    with open(os.path.join(out, "results.csv")) as f:
        if sum(1 for _ in f) != 1 + 2 * sum(1 for r in rows if r[2] == "ok"):
            fail("results.csv after an interrupt does not hold the stored points")
    run(["sweep", sweep, "--out", out, "--jobs", "2", "--quiet"], satlm, expect=0)
    rows, meta, _ = points_table(out)
    if len(rows) != 300 or meta.get("complete") != "1":
        fail("after SIGTERM and a rerun the store holds {} points".format(len(rows)))
    print("ok: SIGTERM stops after the points in flight (exit 130), the rerun completes the sweep")


def case_shards(satlm, tmp):
    sweep = small_sweep(tmp, GRID_300)
    full = os.path.join(tmp, "full")
    run(["sweep", sweep, "--out", full, "--jobs", "2", "--quiet"], satlm, expect=0)
    parts = []
    for i in range(3):
        part = os.path.join(tmp, "part{}".format(i))
        run(["sweep", sweep, "--out", part, "--shard", "{}/3".format(i), "--jobs", "2", "--quiet"], satlm, expect=0)
        rows, meta, _ = points_table(part)
        if len(rows) != 100 or any(r[1] % 3 != i for r in rows) or meta["complete"] != "1":
            fail("shard {}/3 does not hold exactly the points whose index mod 3 is {}".format(i, i))
        parts.append(part)
    merged = os.path.join(tmp, "merged")
    run(["merge"] + parts + ["--out", merged], satlm, expect=0)
    a = read(os.path.join(full, "results.csv")).splitlines()
    b = read(os.path.join(merged, "results.csv")).splitlines()
    if len(a) != 1 + 600 or a != b:
        fail("merged results.csv differs from the unsharded run ({} vs {} lines)".format(len(a), len(b)))
    # Refusals: a missing shard, a shard twice, an incomplete shard.
    p = run(["merge", parts[0], parts[1], "--out", os.path.join(tmp, "m2")], satlm, expect=2)
    if "2/3 is missing" not in p.stderr:
        fail("merge without shard 2 was not refused: " + p.stderr)
    run(["merge", parts[0], parts[0], parts[1], parts[2], "--out", os.path.join(tmp, "m3")], satlm, expect=2)
    killed = os.path.join(tmp, "killed2")
    p = run(["sweep", sweep, "--out", killed, "--shard", "2/3", "--jobs", "1", "--quiet"], satlm,
            env={"SATLM_SWEEP_KILL_AFTER": "10"})
    if p.returncode != -signal.SIGKILL:
        fail("kill hook: exit {}".format(p.returncode))
    p = run(["merge", parts[0], parts[1], killed, "--out", os.path.join(tmp, "m4")], satlm, expect=2)
    if "not complete" not in p.stderr:
        fail("merge accepted a killed shard: " + p.stderr)
    print("ok: shards 0/3, 1/3, 2/3 merged equal the unsharded run row for row (300 points); incomplete, "
          "missing and repeated shards are refused")


def case_failed(satlm, tmp):
    # An 8-bit xmem is too narrow for 4 or 8 rows of 4-bit lanes: those points fail, the others run.
    sweep = small_sweep(tmp, [("xmem.width_bits", [8, 0]), ("array.rows", [4, 8])])
    out = os.path.join(tmp, "failed")
    p = run(["sweep", sweep, "--out", out, "--quiet"], satlm, expect=1)
    rows, meta, _ = points_table(out)
    failed = [r for r in rows if r[2] == "failed"]
    if len(rows) != 4 or len(failed) != 2 or any(not r[3] for r in failed):
        fail("expected 4 points, 2 failed with their errors: {}".format(rows))
    for r in failed:
        if r[0] not in p.stderr:
            fail("failed point {} is not listed: {}".format(r[0], p.stderr))
    if meta["complete"] != "1":
        fail("a sweep whose every point is stored (some failed) is complete")
    lines = read(os.path.join(out, "results.csv")).splitlines()
    if len(lines) != 1 + 2 * 2:
        fail("results.csv: expected the rows of the 2 successful points")
    p = run(["sweep", sweep, "--out", out, "--quiet"], satlm, expect=1)
    if "0 ran now" not in p.stdout:
        fail("failed points ran again without --retry-failed: " + p.stdout)
    p = run(["sweep", sweep, "--out", out, "--quiet", "--retry-failed"], satlm, expect=1)
    if "2 ran now" not in p.stdout:
        fail("--retry-failed did not rerun the 2 failed points: " + p.stdout)
    run(["plot", out], satlm, expect=0)
    page = read(os.path.join(out, "report.html"))
    for r in failed:
        if page.count(r[0]) < 2:
            fail("report.html does not list failed point {} with its error".format(r[0]))
    print("ok: impossible points are stored with their errors, listed, exit 1, retried only with --retry-failed")


def case_vector_sets(satlm, tmp, shared):
    manifests = sorted(f for f in os.listdir(os.path.join(ROOT, "vectors", "external")) if f.endswith(".toml"))
    default = os.path.join(ROOT, "vectors", "default")
    nets = [default] + [os.path.join(ROOT, "vectors", "external", m) for m in manifests[:1]]
    text = "networks = [{}]\n[grid]\n\"model.fidelity\" = [\"lt\", \"cycle\"]\n\"schedule.kind\" = " \
           "[\"reference\", \"overlapped\"]\n".format(", ".join('"{}"'.format(n) for n in nets))
    path = os.path.join(tmp, "sets.toml")
    write(path, text)
    out = os.path.join(tmp, "sets")
    run(["sweep", path, "--out", out, "--quiet"], satlm, expect=0)
    with open(os.path.join(out, "results.csv")) as f:
        rows = list(csv.DictReader(f))
    if len(rows) != 4 * len(nets) or any(r["mismatches"] != "0" for r in rows):
        fail("vector sets: expected {} rows, every one checked with 0 mismatches".format(4 * len(nets)))
    # The cycles of a set equal `satlm run`'s.
    p = run(["run", default, "--quiet", "--set", "model.fidelity=cycle", "--report", os.path.join(tmp, "r.json")],
            satlm, expect=0)
    want = json.load(open(os.path.join(tmp, "r.json")))["cycles"]["total"]
    got = [r for r in rows if r["network"] == default and r["model.fidelity"] == "cycle"
           and r["schedule.kind"] == "reference"]
    if int(got[0]["cycles_total"]) != want:
        fail("vector set in a sweep: {} cycles, satlm run: {}".format(got[0]["cycles_total"], want))
    # A set whose expected output is wrong fails its point with the mismatch count.
    bad = os.path.join(tmp, "badset")
    shutil.copytree(default, bad)
    out_txt = os.path.join(bad, "out.txt")
    lines = read(out_txt).splitlines()
    for i, line in enumerate(lines):
        if line and set(line) <= {"0", "1"}:
            lines[i] = ("1" if line[0] == "0" else "0") + line[1:]
            break
    write(out_txt, "\n".join(lines) + "\n")
    write(os.path.join(tmp, "bad.toml"), 'networks = ["badset"]\n')
    p = run(["sweep", os.path.join(tmp, "bad.toml"), "--out", os.path.join(tmp, "badout"), "--quiet"], satlm, expect=1)
    if "differ from the expected outputs" not in p.stderr:
        fail("a mismatching vector set did not fail its point: " + p.stderr)
    print("ok: vector sets run as one-layer networks, checked against their outputs, cycles equal satlm run")


def png_ok(path):
    with open(path, "rb") as f:
        data = f.read()
    return data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000


def svg_ok(path):
    text = read(path)
    return "<svg" in text and ("<path" in text or "<polyline" in text) and len(text) > 3000


def chromium():
    for name in ["chromium", "chromium-browser", "google-chrome"]:
        path = shutil.which(name)
        if path:
            return path
    fail("headless Chromium is needed to check report.html (Debian: apt-get install chromium; .ci/run does)")


def check_page(page, tmp, points):
    browser = chromium()
    base = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
            "--user-data-dir=" + os.path.join(tmp, "chromium-profile")]
    url = "file://" + os.path.abspath(page)
    p = subprocess.run(base + ["--enable-logging=stderr", "--v=0", "--virtual-time-budget=5000", "--dump-dom", url],
                       capture_output=True, text=True, timeout=180)
    dom = p.stdout
    m = re.search(r'<p id="render-check"([^>]*)>', dom)
    if not m:
        fail("Chromium did not run the page's script (no render-check attributes):\n" + p.stderr[-2000:])
    attrs = dict(re.findall(r'data-([a-z-]+)="(\d+)"', m.group(1)))
    if int(attrs.get("figures", 0)) < 3 or attrs.get("figures") != attrs.get("figures-drawn"):
        fail("report.html: figures drawn {} of {}".format(attrs.get("figures-drawn"), attrs.get("figures")))
    if int(attrs.get("point-rows", -1)) != points:
        fail("report.html: {} rows in the points table, expected {}".format(attrs.get("point-rows"), points))
    if attrs.get("errors") != "0":
        fail("report.html: script errors on the page")
    console = [l for l in p.stderr.splitlines() if "CONSOLE" in l or "Uncaught" in l]
    if console:
        fail("report.html: console messages:\n" + "\n".join(console))
    shot = os.path.join(tmp, "page.png")
    subprocess.run(base + ["--hide-scrollbars", "--window-size=1200,1600", "--screenshot=" + shot, url],
                   capture_output=True, timeout=180)
    if not os.path.exists(shot) or not png_ok(shot) or os.path.getsize(shot) < 40000:
        fail("the screenshot of report.html is missing or nearly empty")


def case_plot_axes(satlm, tmp):
    # No array, bandwidth or SRAM key varied: cycles against the first varied key, here a
    # non-numeric one (one tick per schedule), one line per network.
    write(os.path.join(tmp, "small.csv"), SMALL_TOPOLOGY)
    path = os.path.join(tmp, "axes.toml")
    write(path, 'networks = ["vgg16-cifar10-8ch", "small.csv"]\n[set]\n"model.fidelity" = "lt"\n[grid]\n'
                '"schedule.kind" = ["reference", "overlapped", "scalesim"]\n')
    out = os.path.join(tmp, "axes")
    run(["sweep", path, "--out", out, "--quiet"], satlm, expect=0)
    p = run(["plot", out], satlm, expect=0)
    plots = os.path.join(out, "plots")
    for stem in ["cycles-vs-key"]:
        if not png_ok(os.path.join(plots, stem + ".png")) or not svg_ok(os.path.join(plots, stem + ".svg")):
            fail("figure {} missing or empty: {}".format(stem, p.stdout))
    svg = read(os.path.join(plots, "cycles-vs-key.svg"))
    if "overlapped" not in svg or "vgg16-cifar10-8ch" not in svg:
        fail("cycles-vs-key: expected a tick per schedule and a line per network")
    # --points picks the per-layer breakdowns; an unknown id is exit 2.
    rows, _, _ = points_table(out)
    run(["plot", out, "--points", rows[2][0]], satlm, expect=0)
    if not os.path.exists(os.path.join(plots, "layers-{}.png".format(rows[2][0]))):
        fail("--points did not draw the chosen point")
    run(["plot", out, "--points", "0000000000000000"], satlm, expect=2)
    run(["plot", os.path.join(tmp, "nowhere")], satlm, expect=2)
    print("ok: axes follow the varied keys (a non-numeric key gets one tick per value); --points")


def case_examples(satlm, tmp):
    for name, points in [("array-vs-bandwidth", 40), ("sram-what-if", None)]:
        src = os.path.join(ROOT, "examples", name + ".toml")
        out = os.path.join(tmp, name)
        p = run(["sweep", src, "--out", out, "--jobs", "2"], satlm, expect=0)
        rows, meta, _ = points_table(out)
        if points is not None and len(rows) != points:
            fail("{}: {} points, expected {}".format(name, len(rows), points))
        p = run(["plot", out], satlm, expect=0)
        plots = os.path.join(out, "plots")
        stems = sorted({f.rsplit(".", 1)[0] for f in os.listdir(plots)})
        if len(stems) < 4:
            fail("{}: only {} figures: {}".format(name, len(stems), stems))
        for s in stems:
            if not png_ok(os.path.join(plots, s + ".png")) or not svg_ok(os.path.join(plots, s + ".svg")):
                fail("{}: figure {} is empty or not an image".format(name, s))
        page = os.path.join(out, "report.html")
        text = read(page)
        if "http://" in text.replace("http://www.w3.org", "") or "https://" in text:
            fail("report.html must be self-contained (no network references)")
        if read(src) not in text.replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"):
            fail("report.html does not hold the sweep file")
        check_page(page, tmp, len(rows))
        print("ok: {}: {} points, {} figures (PNG and SVG), report.html renders in Chromium".format(
            name, len(rows), len(stems)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("case")
    ap.add_argument("--satlm", required=True)
    ap.add_argument("--shared", default="")
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="satlm_sweep_")
    try:
        cases = {"validate": case_validate, "resume": case_resume, "signal": case_signal, "shards": case_shards,
                 "failed": case_failed, "examples": case_examples, "plot-axes": case_plot_axes}
        if a.case == "vector-sets":
            case_vector_sets(a.satlm, tmp, a.shared)
        elif a.case in cases:
            cases[a.case](a.satlm, tmp)
        else:
            fail("unknown case " + a.case)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
