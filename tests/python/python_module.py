#!/usr/bin/env python3
"""Tests of the satlm Python module (PYTHONPATH=build/python), one ctest per subcommand.

The reference for outputs is an independent NumPy convolution (im2col, wrap to 16 bits, ReLU)
written here; the command line's CSV and messages are the reference for records and errors.
"""
import argparse
import csv
import io
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading

import numpy as np

import satlm

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def fail(msg):
    print(f"FAIL: {msg}")
    sys.exit(1)


def numpy_conv(act, weight, stride=1, pad=0, psum_bits=16):
    """ReLU(wrap(conv(act, weight))) with im2col in int64: [K, OH, OW]."""
    a = np.pad(act.astype(np.int64), ((0, 0), (pad, pad), (pad, pad)))
    C, H, W = a.shape
    K, _, R, S = weight.shape
    OH, OW = (H - R) // stride + 1, (W - S) // stride + 1
    cols = np.empty((OH * OW, C * R * S), dtype=np.int64)
    for y in range(OH):
        for x in range(OW):
            cols[y * OW + x] = a[:, y * stride:y * stride + R, x * stride:x * stride + S].reshape(-1)
    sums = cols @ weight.reshape(K, -1).astype(np.int64).T
    half = 1 << (psum_bits - 1)
    wrapped = (sums + half) % (1 << psum_bits) - half
    return np.maximum(wrapped, 0).T.reshape(K, OH, OW)


def random_case(rng):
    act_bits = int(rng.choice([2, 4]))
    C, K = int(rng.integers(1, 40)), int(rng.integers(1, 24))
    R, S = int(rng.choice([1, 2, 3, 5])), int(rng.choice([1, 3, 4]))
    H, W = int(rng.integers(R, 12)), int(rng.integers(S, 12))
    act = rng.integers(0, 1 << act_bits, size=(C, H, W))
    weight = rng.integers(-8, 8, size=(K, C, R, S))
    rows = int(rng.choice([4, 8, 16]))
    return act, weight, act_bits, satlm.Arch(**{"array.rows": rows, "array.cols": int(rng.choice([4, 8, 16]))})


def test_layers(a):
    rng = np.random.default_rng(2026)
    for t in range(100):
        act, weight, act_bits, arch = random_case(rng)
        pad, stride = int(rng.integers(0, 2)), int(rng.choice([1, 1, 2, 3]))
        ref = numpy_conv(act, weight, stride=stride, pad=pad)
        lt = satlm.run_layer(act, weight, arch, stride=stride, pad=pad, act_bits=act_bits, fidelity="lt")
        cy = satlm.run_layer(act, weight, arch, stride=stride, pad=pad, act_bits=act_bits, fidelity="cycle")
        if not np.array_equal(lt.output, ref):
            fail(f"case {t}: LT output differs from the NumPy convolution")
        if not np.array_equal(cy.output, lt.output) or cy.cycles != lt.cycles:
            fail(f"case {t}: cycle and LT differ ({cy.cycles} vs {lt.cycles} cycles)")
        if not np.array_equal(np.maximum(lt.pre_relu, 0), lt.output):
            fail(f"case {t}: ReLU(pre_relu) is not the output")
        if lt.stats["cycles"]["total"] != lt.cycles:
            fail(f"case {t}: stats cycles {lt.stats['cycles']['total']} != {lt.cycles}")
    print("ok: 100 random layers (strides 1-3, filters 1x1 to 5x4) equal the NumPy convolution in both fidelities")
    # Strides 1..4 and filters of any shape (non-square, even) up to the map.
    for t in range(30):
        C, K = int(rng.integers(1, 20)), int(rng.integers(1, 12))
        R, S, stride = int(rng.integers(1, 6)), int(rng.integers(1, 6)), int(rng.integers(1, 5))
        H, W = int(rng.integers(R, 14)), int(rng.integers(S, 14))
        act = rng.integers(0, 16, size=(C, H, W))
        weight = rng.integers(-8, 8, size=(K, C, R, S))
        arch = satlm.Arch(**{"array.rows": int(rng.choice([4, 8])), "array.cols": int(rng.choice([4, 8]))})
        ref = numpy_conv(act, weight, stride=stride)
        for fid in ("lt", "cycle"):
            r = satlm.run_layer(act, weight, arch, stride=stride, fidelity=fid)
            if not np.array_equal(r.output, ref):
                fail(f"strided case {t} ({R}x{S} stride {stride}, {fid}): output differs from the NumPy convolution")
    print("ok: 30 strided, non-square layers equal the NumPy convolution in both fidelities")


def test_sets(a):
    base = os.path.join(a.shared, "vectors", "external")
    names = sorted(d for d in os.listdir(base) if os.path.isdir(os.path.join(base, d)))
    for name in names:
        r = satlm.run_set(os.path.join(ROOT, "vectors", "external", name + ".toml"))
        if r.mismatches != 0:
            fail(f"{name}: {r.mismatches} mismatches")
        if r.report["mismatches"] != 0 or r.report["match"] is not True:
            fail(f"{name}: report says {r.report['match']}")
    # A flipped bit: a copy of the bundled set with one output bit changed.
    with tempfile.TemporaryDirectory() as tmp:
        dst = os.path.join(tmp, "set")
        shutil.copytree(os.path.join(ROOT, "vectors", "default"), dst)
        out = os.path.join(dst, "out.txt")
        lines = open(out).read().split("\n")
        i = next(k for k, l in enumerate(lines) if l and not l.startswith("#"))
        lines[i] = lines[i][:-1] + ("1" if lines[i][-1] == "0" else "0")
        open(out, "w").write("\n".join(lines))
        r = satlm.run_set(dst)
        if r.mismatches != 1:
            fail(f"flipped bit: {r.mismatches} mismatches, expected 1")
        cli = subprocess.run([a.satlm, "run", dst, "-q", "--report", os.path.join(tmp, "r.json")],
                             capture_output=True, text=True)
        import json
        rep = json.load(open(os.path.join(tmp, "r.json")))
        if cli.returncode != 1 or rep["mismatches"] != r.report["mismatches"]:
            fail(f"flipped bit: the CLI says {rep['mismatches']} (exit {cli.returncode})")
        for key in rep:
            # `strict` echoes the CLI's --strict option, which run_set does not have.
            if key in ("time", "vector_set", "config_sources", "strict") or key.endswith("path"):
                continue
            if rep[key] != r.report[key] and key not in ("match",):
                fail(f"flipped bit: report key {key}: CLI {rep[key]!r}, Python {r.report[key]!r}")
    print(f"ok: {len(names)} external sets sign off; a flipped bit is reported as the CLI reports it")


def test_net(a):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "n.csv")
        subprocess.run([a.satlm, "net", "vgg16-cifar10-8ch", "--set", "model.fidelity=lt", "--check",
                        "--set", "array.rows=16", "--csv", path, "-q"], check=True, capture_output=True)
        want = list(csv.DictReader(open(path)))
    got = satlm.net("vgg16-cifar10-8ch", satlm.Arch(**{"model.fidelity": "lt", "array.rows": 16}), check=True)
    if len(got) != len(want):
        fail(f"{len(got)} records, the CLI wrote {len(want)}")
    for g, w in zip(got, want):
        if list(g) != list(w):
            fail(f"columns differ: {list(g)[:5]} vs {list(w)[:5]}")
        for k in w:
            gv = "" if g[k] is None else g[k]
            if str(gv) != w[k] and not (isinstance(gv, float) and abs(gv - float(w[k])) < 1e-9):
                fail(f"{w['layer']} {k}: Python {g[k]!r}, CLI {w[k]!r}")
    print(f"ok: satlm.net records equal satlm net --csv ({len(got)} layers)")


def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def test_reentrant(a):
    rng = np.random.default_rng(7)
    act = rng.integers(0, 16, size=(20, 9, 9))
    weight = rng.integers(-8, 8, size=(12, 20, 3, 3))
    first = satlm.run_layer(act, weight, pad=1)
    rss = []
    for i in range(1000):
        r = satlm.run_layer(act, weight, pad=1)
        if not np.array_equal(r.output, first.output) or r.cycles != first.cycles:
            fail(f"call {i} differs from the first")
        if i in (100, 999):
            rss.append(rss_mb())
    if rss[1] - rss[0] > 20:
        fail(f"RSS grew {rss[1] - rss[0]:.1f} MB over 900 calls")
    results, errors = {}, []

    def worker(k):
        try:
            for j in range(25):
                r = satlm.run_layer(act, weight, pad=1, fidelity="cycle" if (j + k) % 2 else "lt")
                results.setdefault(k, []).append(np.array_equal(r.output, first.output) and r.cycles == first.cycles)
        except Exception as e:  # pragma: no cover
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors or not all(all(v) for v in results.values()) or len(results) != 4:
        fail(f"threads: errors {errors}, results {[(k, all(v)) for k, v in results.items()]}")
    print(f"ok: 1000 calls identical, RSS {rss[0]:.1f} -> {rss[1]:.1f} MB; 4 threads x 25 calls identical")


def expect_value_error(fn, needle):
    try:
        fn()
    except ValueError as e:
        if needle not in str(e) or "\n" in str(e):
            fail(f"ValueError {e!r} does not name {needle!r} in one line")
        return str(e)
    fail(f"no ValueError (expected one naming {needle!r})")


def test_errors(a):
    act = np.zeros((4, 6, 6), dtype=np.int64)
    w = np.zeros((4, 4, 3, 3), dtype=np.int64)
    msg = expect_value_error(lambda: satlm.Arch(**{"array.rowz": 8}), "array.rowz")
    cli = subprocess.run([a.satlm, "run", "--set", "array.rowz=8"], capture_output=True, text=True)
    if cli.returncode != 2 or "array.rowz" not in cli.stderr:
        fail(f"CLI on array.rowz: exit {cli.returncode} {cli.stderr!r}")
    expect_value_error(lambda: satlm.Arch(**{"array.rows": 0}), "array.rows")
    expect_value_error(lambda: satlm.Arch(**{"array.rows": "many"}), "array.rows")
    expect_value_error(lambda: satlm.Arch(**{"layer.in_channels": 4}), "layer.in_channels")
    expect_value_error(lambda: satlm.run_layer(act[0], w), "act")
    expect_value_error(lambda: satlm.run_layer(act, w[:, :3]), "weight")
    expect_value_error(lambda: satlm.run_layer(act.astype(float), w), "integer")
    expect_value_error(lambda: satlm.run_layer(act + 16, w), "act[0, 0, 0]")
    expect_value_error(lambda: satlm.run_layer(act, w - 9), "weight[0, 0, 0, 0]")
    expect_value_error(lambda: satlm.run_layer(act, w, fidelity="fast"), "model.fidelity")
    expect_value_error(lambda: satlm.run_set("/no/such/set"), "/no/such/set")
    expect_value_error(lambda: satlm.net("no-such-net"), "no-such-net")
    expect_value_error(lambda: satlm.Arch.from_toml("/no/such.toml"), "/no/such.toml")
    print(f"ok: bad keys, shapes and values raise ValueError with one line (e.g. {msg!r})")


def test_version(a):
    if not satlm.__version__ or satlm.__version__[0] not in "0123456789":
        fail(f"__version__ {satlm.__version__!r}")
    print(f"ok: satlm {satlm.__version__}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("test", choices=["layers", "sets", "net", "reentrant", "errors", "version"])
    ap.add_argument("--satlm", required=True)
    ap.add_argument("--shared", required=True)
    a = ap.parse_args()
    {"layers": test_layers, "sets": test_sets, "net": test_net, "reentrant": test_reentrant,
     "errors": test_errors, "version": test_version}[a.test](a)


if __name__ == "__main__":
    main()
