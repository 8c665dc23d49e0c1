#!/usr/bin/env python3
"""System tests of `satlm net`: whole networks on the engine.

Each subcommand is one ctest entry (tests/system/system.cmake). Expected values come from
outside satlm: SCALE-Sim's own per-layer results (../shared/reference/scalesim-v2) and the
contract's CSV columns; the model's two fidelities and its data/no-data runs are held against
each other.
"""
import argparse
import csv
import io
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STABLE_COLUMNS = ["layer", "ifmap_h", "ifmap_w", "filter_h", "filter_w", "channels", "filters", "stride",
                  "cycles_total", "cycles_stall", "macs", "pe_utilization", "xmem_reads", "xmem_writes",
                  "pmem_reads", "pmem_writes", "offchip_bytes", "mismatches"]


def fail(msg):
    print(f"FAIL: {msg}")
    sys.exit(1)


def run(satlm, args, expect=0):
    p = subprocess.run([satlm] + args, capture_output=True, text=True, timeout=900)
    if expect is not None and p.returncode != expect:
        fail(f"satlm {' '.join(args)}: exit {p.returncode}, expected {expect}\n"
             f"stdout tail:\n{p.stdout[-2000:]}\nstderr:\n{p.stderr[-2000:]}")
    return p


def net_csv(satlm, args, tmp, name):
    path = os.path.join(tmp, name + ".csv")
    run(satlm, ["net"] + args + ["--csv", path, "-q"])
    with open(path) as f:
        text = f.read()
    rows = list(csv.DictReader(io.StringIO(text)))
    header = text.split("\n", 1)[0].split(",")
    if header[:len(STABLE_COLUMNS)] != STABLE_COLUMNS:
        fail(f"CSV columns {header[:len(STABLE_COLUMNS)]} are not the contract's {STABLE_COLUMNS}")
    return rows


def test_scalesim(a):
    """schedule.kind = scalesim equals SCALE-Sim v2's own results on every layer."""
    ref_dir = os.path.join(a.shared, "reference", "scalesim-v2")
    with open(os.path.join(ref_dir, "vgg16-cifar10-8ch_ws8x8_results.csv")) as f:
        ref = list(csv.DictReader(f))
    topo = os.path.join(ref_dir, "vgg16-cifar10-8ch.csv")
    with tempfile.TemporaryDirectory() as tmp:
        for source, extra in [("vgg16-cifar10-8ch", ["--no-data"]), (topo, ["--no-data"]),
                              ("vgg16-cifar10-8ch", ["--set", "model.fidelity=lt", "--check"])]:
            rows = net_csv(a.satlm, [source, "--set", "schedule.kind=scalesim", "--set", "array.rows=8",
                                     "--set", "array.cols=8"] + extra, tmp, "scalesim")
            if len(rows) != len(ref):
                fail(f"{source}: {len(rows)} layers, SCALE-Sim has {len(ref)}")
            for got, want in zip(rows, ref):
                pairs = [("cycles_total", "total_cycles"), ("xmem_act_reads", "sram_ifmap_reads"),
                         ("xmem_weight_reads", "sram_filter_reads"), ("pmem_writes", "sram_ofmap_writes")]
                for g, w in pairs:
                    if int(got[g]) != int(want[w]):
                        fail(f"{source} {got['layer']}: {g} {got[g]}, SCALE-Sim's {w} is {want[w]}")
                if "--check" in extra and got["mismatches"] != "0":
                    fail(f"{got['layer']}: {got['mismatches']} mismatches against the golden model")
            total = sum(int(r["cycles_total"]) for r in rows)
            if total != 6486729:
                fail(f"{source}: total {total}, SCALE-Sim's is 6486729")
        print(f"ok: 13 layers equal SCALE-Sim's cycles and SRAM counts, total {total}")


def test_fidelities(a):
    """Both fidelities check bit-exact and give the same cycles and counters on every layer."""
    with tempfile.TemporaryDirectory() as tmp:
        base = ["vgg16-cifar10-8ch", "--set", "array.rows=8", "--set", "array.cols=8", "--check"]
        lt = net_csv(a.satlm, base + ["--set", "model.fidelity=lt"], tmp, "lt")
        cy = net_csv(a.satlm, base + ["--set", "model.fidelity=cycle"], tmp, "cycle")
        for l, c in zip(lt, cy):
            for key in l:
                if l[key] != c[key]:
                    fail(f"layer {l['layer']}: {key} is {l[key]} in LT, {c[key]} in the cycle fidelity")
            if l["mismatches"] != "0":
                fail(f"layer {l['layer']}: {l['mismatches']} mismatches")
        print(f"ok: LT and cycle agree on all {len(lt)} layers, "
              f"{sum(int(r['cycles_total']) for r in lt)} cycles")


def test_no_data(a):
    """--no-data gives the same cycles and counts as a run with data, both schedules."""
    with tempfile.TemporaryDirectory() as tmp:
        for sched in ["reference", "overlapped"]:
            base = ["vgg16-cifar10", "--set", "model.fidelity=lt", "--set", f"schedule.kind={sched}"]
            data = net_csv(a.satlm, base, tmp, "data")
            nodata = net_csv(a.satlm, base + ["--no-data"], tmp, "nodata")
            for d, n in zip(data, nodata):
                for key in d:
                    if d[key] != n[key]:
                        fail(f"{sched} {d['layer']}: {key} is {d[key]} with data, {n[key]} with --no-data")
        print("ok: --no-data equals the data runs on VGG16, both schedules")


def test_report(a):
    """The JSON report holds the contract's keys; --layers selects layers in network order."""
    with tempfile.TemporaryDirectory() as tmp:
        rep = os.path.join(tmp, "r.json")
        run(a.satlm, ["net", "vgg16-cifar10", "--set", "model.fidelity=lt", "--check",
                      "--layers", "conv5_1,conv1_1", "--report", rep, "-q"])
        with open(rep) as f:
            j = json.load(f)
        for key in ["network", "cycles", "macs", "pe_utilization", "mismatches", "config", "layers"]:
            if key not in j:
                fail(f"report lacks `{key}`")
        if [l["name"] for l in j["layers"]] != ["conv5_1", "conv1_1"]:
            fail(f"--layers order: {[l['name'] for l in j['layers']]}")
        for l in j["layers"]:
            for key in ["name", "cycles", "macs", "pe_utilization", "mismatches", "sram", "offchip"]:
                if key not in l:
                    fail(f"layer {l.get('name')} lacks `{key}`")
        if j["cycles"]["total"] != sum(l["cycles"]["total"] for l in j["layers"]):
            fail("network cycles are not the sum of the layers'")
        if j["mismatches"] != 0:
            fail(f"mismatches {j['mismatches']}")
        print("ok: report keys, totals and --layers")


def test_bad_input(a):
    """A topology line that cannot be a layer, a bad key, an unknown layer: exit 2, one line."""
    with tempfile.TemporaryDirectory() as tmp:
        topo = os.path.join(tmp, "bad.csv")
        with open(topo, "w") as f:
            f.write("Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, "
                    "Num Filter, Strides,\nconv1, 8, 8, 3, 3, 4, 4, 1,\nconv2, 8, eight, 3, 3, 4, 4, 1,\n")
        cases = [
            (["net", topo], f"{topo}:3"),
            (["net", "vgg16-cifar10", "--set", "array.rowz=8"], "array.rowz"),
            (["net", "vgg16-cifar10", "--layers", "conv9_9"], "conv9_9"),
            (["net", "no-such-network"], "no-such-network"),
            (["net", "vgg16-cifar10", "--check", "--no-data"], "--no-data"),
            (["net", "vgg16-cifar10", "--csv", tmp], tmp),
        ]
        for args, needle in cases:
            p = run(a.satlm, args, expect=2)
            lines = [l for l in p.stderr.splitlines() if l.strip()]
            if len(lines) != 1 or needle not in lines[0]:
                fail(f"satlm {' '.join(args)}: expected one line naming {needle}, got {p.stderr!r}")
        print(f"ok: {len(cases)} bad inputs, exit 2 with one line each")


def test_scalesim_reports(a):
    """--scalesim-reports writes SCALE-Sim's three files with its columns and its numbers."""
    ref_dir = os.path.join(a.shared, "reference", "scalesim-v2")
    with open(os.path.join(ref_dir, "vgg16-cifar10-8ch_ws8x8_results.csv")) as f:
        ref = list(csv.DictReader(f))
    with tempfile.TemporaryDirectory() as tmp:
        run(a.satlm, ["net", "vgg16-cifar10-8ch", "--set", "schedule.kind=scalesim", "--no-data",
                      "--scalesim-cfg", os.path.join(ref_dir, "ws8x8_calc_64k.cfg"),
                      "--scalesim-reports", tmp, "-q"])
        with open(os.path.join(tmp, "COMPUTE_REPORT.csv")) as f:
            rows = list(csv.reader(f, skipinitialspace=True))
        if rows[0][:3] != ["LayerID", "Total Cycles", "Stall Cycles"]:
            fail(f"COMPUTE_REPORT header {rows[0]}")
        for r, want in zip(rows[1:], ref):
            if int(r[1]) != int(want["total_cycles"]):
                fail(f"COMPUTE_REPORT layer {r[0]}: {r[1]} cycles, SCALE-Sim {want['total_cycles']}")
        with open(os.path.join(tmp, "DETAILED_ACCESS_REPORT.csv")) as f:
            rows = list(csv.reader(f, skipinitialspace=True))
        for r, want in zip(rows[1:], ref):
            if [int(r[3]), int(r[6]), int(r[9])] != [int(want["sram_ifmap_reads"]), int(want["sram_filter_reads"]),
                                                     int(want["sram_ofmap_writes"])]:
                fail(f"DETAILED_ACCESS_REPORT layer {r[0]}: {r[3]}, {r[6]}, {r[9]}")
        for name in ["BANDWIDTH_REPORT.csv"]:
            if not os.path.getsize(os.path.join(tmp, name)):
                fail(f"{name} is empty")
        print("ok: SCALE-Sim report files")


def test_topologies(a):
    """Every SCALE-Sim topology and GEMM file in tests/data/topologies runs unchanged on the default
    memories in the LT fidelity: with data up to DATA_GMAC, timing alone above."""
    DATA_GMAC = 8
    base = os.path.join(ROOT, "tests", "data", "topologies")
    files = sorted(os.path.join(d, f) for d, _, fs in os.walk(base) for f in fs if f.endswith(".csv"))
    if len(files) < 20:
        fail(f"expected the SCALE-Sim topologies in {base}, found {len(files)} files")
    with tempfile.TemporaryDirectory() as tmp:
        for path in files:
            rows = net_csv(a.satlm, [path, "--set", "model.fidelity=lt", "--no-data"], tmp, "timing")
            gmac = sum(int(r["macs"]) for r in rows) / 1e9
            if any(int(r["cycles_total"]) <= 0 for r in rows):
                fail(f"{path}: a layer without cycles")
            how = "timing only"
            if gmac <= DATA_GMAC:
                data = net_csv(a.satlm, [path, "--set", "model.fidelity=lt"], tmp, "data")
                for d, n in zip(data, rows):
                    if d["cycles_total"] != n["cycles_total"]:
                        fail(f"{path} {d['layer']}: {d['cycles_total']} cycles with data, {n['cycles_total']} without")
                how = "with data"
            print(f"ok: {os.path.relpath(path, base)}: {len(rows)} layers, {gmac:.2f} GMAC, {how}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("test", choices=["scalesim", "fidelities", "no-data", "report", "bad-input", "scalesim-reports",
                                        "topologies"])
    ap.add_argument("--satlm", required=True)
    ap.add_argument("--shared", required=True)
    a = ap.parse_args()
    {"scalesim": test_scalesim, "fidelities": test_fidelities, "no-data": test_no_data, "report": test_report,
     "bad-input": test_bad_input, "scalesim-reports": test_scalesim_reports, "topologies": test_topologies}[a.test](a)


if __name__ == "__main__":
    main()
