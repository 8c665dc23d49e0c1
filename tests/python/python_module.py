#!/usr/bin/env python3
"""Tests of the satlm Python module (PYTHONPATH=build/python), one ctest per subcommand.

The reference for outputs is an independent NumPy convolution (im2col, wrap to 16 bits, ReLU)
written here; the command line's CSV and messages are the reference for records and errors.
"""
import argparse
import csv
import io
import os
import pathlib
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

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
    # arch as a plain dict of dotted keys is the same as satlm.Arch(dict).
    keys = {"array.rows": 4, "array.cols": 8, "ofifo.depth": 16}
    via_dict = satlm.run_layer(act, weight, keys, stride=stride)
    via_arch = satlm.run_layer(act, weight, satlm.Arch(keys), stride=stride)
    timeless = lambda st: {k: v for k, v in st.items() if k != "wall_seconds"}
    if not np.array_equal(via_dict.output, via_arch.output) or timeless(via_dict.stats) != timeless(via_arch.stats):
        fail("arch as a dict differs from satlm.Arch of the same dict")
    print("ok: 30 strided, non-square layers equal the NumPy convolution in both fidelities; arch as a dict")


def test_sets(a):
    base = os.path.join(a.shared, "vectors", "external")
    names = sorted(d for d in os.listdir(base) if os.path.isdir(os.path.join(base, d)))
    for name in names:
        r = satlm.run_set(pathlib.Path(ROOT) / "vectors" / "external" / (name + ".toml"))  # os.PathLike too
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

    # The GIL is released while the engine runs: another Python thread keeps running meanwhile.
    big_act = rng.integers(0, 16, size=(64, 16, 16))
    big_w = rng.integers(-8, 8, size=(64, 64, 3, 3))
    ticks, running, done = [], threading.Event(), threading.Event()

    def ticker():
        running.set()
        while not done.is_set():
            ticks.append(time.monotonic())

    side = threading.Thread(target=ticker)
    side.start()
    running.wait()
    t0 = time.monotonic()
    satlm.run_layer(big_act, big_w, pad=1, fidelity="cycle")
    t1 = time.monotonic()
    done.set()
    side.join()
    during = sum(t0 < t < t1 for t in ticks)
    if during == 0:
        fail(f"no other Python thread ran during a {t1 - t0:.2f} s run_layer: the GIL was held")

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors or not all(all(v) for v in results.values()) or len(results) != 4:
        fail(f"threads: errors {errors}, results {[(k, all(v)) for k, v in results.items()]}")
    print(f"ok: 1000 calls identical, RSS {rss[0]:.1f} -> {rss[1]:.1f} MB; another thread ran {during} steps during "
          f"one call; 4 threads x 25 calls identical")


def expect_value_error(fn, needle):
    try:
        fn()
    except ValueError as e:
        if needle not in str(e) or "\n" in str(e):
            fail(f"ValueError {e!r} does not name {needle!r} in one line")
        return str(e)
    fail(f"no ValueError (expected one naming {needle!r})")


def cli_npy_message(a, tmp, act, weight):
    """The one line `satlm gen --from-npy act.npy weight.npy` prints for the tensors, with the file
    names replaced by the argument names (the command line's message for the same mistake)."""
    pa, pw = os.path.join(tmp, "act.npy"), os.path.join(tmp, "weight.npy")
    np.save(pa, act)
    np.save(pw, weight)
    r = subprocess.run([a.satlm, "gen", "--out", os.path.join(tmp, "never"), "--pad", "0", "--from-npy", pa, pw],
                       capture_output=True, text=True)
    if r.returncode != 2 or os.path.exists(os.path.join(tmp, "never")):
        fail(f"satlm gen on bad tensors: exit {r.returncode}, {r.stderr!r}")
    return r.stderr.strip().removeprefix("satlm: error: ").replace(pa, "act").replace(pw, "weight")


def cli_set_message(a, key, value):
    """The one line `satlm run --set KEY=VALUE` prints, without its `--set` label."""
    r = subprocess.run([a.satlm, "run", "--set", f"{key}={value}"], capture_output=True, text=True)
    if r.returncode != 2:
        fail(f"CLI --set {key}={value}: exit {r.returncode}")
    return r.stderr.strip().removeprefix("satlm: error: ").removeprefix("--set: ")


def test_errors(a):
    act = np.zeros((4, 6, 6), dtype=np.int64)
    w = np.zeros((4, 4, 3, 3), dtype=np.int64)
    # Architecture keys: the command line's message, labelled with Arch instead of --set.
    for key, value in [("array.rowz", 8), ("array.rows", 0), ("array.rows", "many"), ("ofifo.depth", -1),
                       ("model.fidelity", "fast"), ("xmem.words", 1.5)]:
        msg = expect_value_error(lambda: satlm.Arch(**{key: value}), key)
        want = "Arch: " + cli_set_message(a, key, value)
        if msg != want:
            fail(f"Arch({key}={value!r}): {msg!r}, the CLI says {want!r}")
    msg = expect_value_error(lambda: satlm.Arch(**{"layer.in_channels": 4}), "layer.in_channels")
    expect_value_error(lambda: satlm.run_layer(act, w, {"array.rowz": 8}), "array.rowz")
    expect_value_error(lambda: satlm.run_layer(act, w, "8x8"), "arch: expected a satlm.Arch or a dict")
    # Tensors: the message `satlm gen --from-npy` gives for the same arrays.
    bad_act, bad_w = act.copy(), w.copy()
    bad_act[2, 3, 1] = 16
    bad_w[1, 2, 0, 2] = -9
    with tempfile.TemporaryDirectory() as tmp:
        for act_, w_, needle in [(bad_act, w, "act: element [2, 3, 1] = 16"), (act, bad_w, "weight: element [1, 2, 0, 2] = -9"),
                                 (act[0], w, "act: expected an activation tensor"),
                                 (act, w[0], "weight: expected a weight tensor"),
                                 (act, w[:, :3], "weight: expected 4 input channels"),
                                 (act[:, :0], w, "act: the tensor is empty")]:
            msg = expect_value_error(lambda: satlm.run_layer(act_, w_), needle)
            want = cli_npy_message(a, tmp, act_, w_)
            if msg != want:
                fail(f"run_layer: {msg!r}, satlm gen --from-npy says {want!r}")
            expect_value_error(lambda: satlm.gen(os.path.join(tmp, "g"), act_, w_), needle)
            if os.path.exists(os.path.join(tmp, "g")):
                fail("a refused gen left its folder behind")
    expect_value_error(lambda: satlm.run_layer(act.astype(float), w), "integer")
    expect_value_error(lambda: satlm.run_layer(act, w, fidelity="fast"), "model.fidelity")
    expect_value_error(lambda: satlm.run_layer(act, np.zeros((4, 4, 9, 9), dtype=np.int64)),
                       "weight: a 9x9 filter does not fit the padded 6x6 map")
    expect_value_error(lambda: satlm.run_layer(act, w, stride=0), "stride: expected 1..")
    expect_value_error(lambda: satlm.run_layer(act, w, stride=-1), "stride: expected 1..")
    expect_value_error(lambda: satlm.run_layer(act, w, pad=65), "pad: expected 0..64")
    expect_value_error(lambda: satlm.run_layer(act, w, pad=1.5), "pad: expected a whole number")
    expect_value_error(lambda: satlm.run_layer(act, w, act_bits=3), "layer.act_bits")
    expect_value_error(lambda: satlm.run_layer(act, w, weight_bits=5), "weight_bits: expected 2..4")
    expect_value_error(lambda: satlm.run_set("/no/such/set"), "/no/such/set")
    expect_value_error(lambda: satlm.net("no-such-net"), "no-such-net")
    expect_value_error(lambda: satlm.net("vgg16-cifar10", layers=["conv9_9"]), "conv9_9")
    expect_value_error(lambda: satlm.Arch.from_toml("/no/such.toml"), "/no/such.toml")
    expect_value_error(lambda: satlm.sweep("/no/such-sweep.toml"), "/no/such-sweep.toml")
    expect_value_error(lambda: satlm.run_set(5), "path: expected a path")
    expect_value_error(lambda: satlm.gen("/tmp/x", act, w, keys=[("pmem.psum_base", 1)]), "keys: expected a dict")
    print(f"ok: bad keys, shapes and values raise ValueError with the command line's one line (e.g. {msg!r})")


def test_dtypes(a):
    """Every integer dtype is read in place (no widening copy) with the same range checks:
    the edges of the range pass, one step beyond fails naming the element; non-contiguous,
    big-endian and bool arrays give the int64 result."""
    rng = np.random.default_rng(11)
    for act_bits, weight_bits in [(4, 4), (2, 3), (4, 2)]:
        amax, wlo, whi = (1 << act_bits) - 1, -(1 << (weight_bits - 1)), (1 << (weight_bits - 1)) - 1
        act = rng.integers(0, amax + 1, size=(5, 6, 7))
        w = rng.integers(wlo, whi + 1, size=(3, 5, 3, 2))
        act[0, 0, 0], act[4, 5, 6], w[0, 0, 0, 0], w[2, 4, 2, 1] = 0, amax, wlo, whi
        ref = numpy_conv(act, w, pad=1)
        kw = dict(pad=1, act_bits=act_bits, weight_bits=weight_bits)
        for adt in (np.uint8, np.int8, np.uint16, np.int16, np.uint32, np.int32, np.uint64, np.int64):
            for wdt in (np.int8, np.int16, np.int32, np.int64) + ((np.uint8, np.uint64) if wlo == 0 else ()):
                out = satlm.run_layer(act.astype(adt), w.astype(wdt), **kw).output
                if not np.array_equal(out, ref):
                    fail(f"{np.dtype(adt).name} act, {np.dtype(wdt).name} weight ({act_bits}/{weight_bits} bits) differ")
            over = act.astype(adt)
            over[3, 2, 1] = amax + 1
            expect_value_error(lambda: satlm.run_layer(over, w, **kw), f"act: element [3, 2, 1] = {amax + 1} ")
            if np.issubdtype(adt, np.signedinteger):
                under = act.astype(adt)
                under[1, 0, 4] = -1
                expect_value_error(lambda: satlm.run_layer(under, w, **kw), "act: element [1, 0, 4] = -1 ")
        for wdt in (np.int8, np.int16, np.int32, np.int64):
            for pos, v in [((2, 1, 0, 1), wlo - 1), ((0, 3, 2, 0), whi + 1)]:
                bad = w.astype(wdt)
                bad[pos] = v
                expect_value_error(lambda: satlm.run_layer(act, bad, **kw),
                                   f"weight: element [{', '.join(map(str, pos))}] = {v} ")
        for wdt in (np.uint8, np.uint32, np.uint64):
            bad = np.clip(w, 0, whi).astype(wdt)
            bad[1, 1, 1, 1] = whi + 1
            expect_value_error(lambda: satlm.run_layer(act, bad, **kw), f"weight: element [1, 1, 1, 1] = {whi + 1} ")
    # Huge values of wide types must not wrap into range.
    act = np.zeros((2, 3, 3), dtype=np.uint64)
    w = np.zeros((1, 2, 3, 3), dtype=np.int64)
    act[1, 2, 2] = 2**64 - 1
    expect_value_error(lambda: satlm.run_layer(act, w), f"act: element [1, 2, 2] = {2**64 - 1} ")
    w[0, 1, 2, 0] = -2**63
    expect_value_error(lambda: satlm.run_layer(act * 0, w), f"weight: element [0, 1, 2, 0] = {-2**63} ")
    # Layouts: views with strides, Fortran order, big-endian, bool, nested lists.
    act = rng.integers(0, 16, size=(6, 9, 8))
    w = rng.integers(-8, 8, size=(4, 6, 3, 3))
    ref = numpy_conv(act, w)
    for label, a_, w_ in [("transposed", np.ascontiguousarray(act.transpose(0, 2, 1)).transpose(0, 2, 1), w),
                          ("sliced", np.repeat(act, 2, axis=2)[:, :, ::2], w[:, :, :, :]),
                          ("fortran", np.asfortranarray(act), np.asfortranarray(w)),
                          ("big-endian", act.astype(">i4"), w.astype(">i2")),
                          ("lists", act.tolist(), w.tolist())]:
        if not np.array_equal(satlm.run_layer(a_, w_).output, ref):
            fail(f"{label} arrays give another result")
    b = rng.integers(0, 2, size=(6, 9, 8)).astype(bool)
    if not np.array_equal(satlm.run_layer(b, w).output, numpy_conv(b.astype(np.int64), w)):
        fail("bool activations give another result")
    print("ok: every integer dtype, byte order and memory layout gives the int64 result; "
          "range edges pass and one step beyond names the element")


def test_sweep(a):
    """satlm.sweep equals `satlm sweep`'s results.csv row for row; a failed point warns with the
    command line's line; an output folder reads back; a bad sweep file is the CLI's message."""
    import warnings
    with tempfile.TemporaryDirectory() as tmp:
        sweep = os.path.join(tmp, "s.toml")
        with open(sweep, "w") as f:
            f.write(f"""networks = ["vgg16-cifar10-8ch", "{os.path.join(ROOT, 'vectors', 'default')}"]
out = "py"
check = true
[set]
"model.fidelity" = "lt"
[grid]
"array.rows" = [4, 8]
[zip]
"ofifo.depth" = [16, 64]
"l0.depth" = [16, 64]
[[points]]
"array.rows" = 16
"xmem.width_bits" = 16
""")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            rows = satlm.sweep(sweep, jobs=2)
        cli = subprocess.run([a.satlm, "sweep", sweep, "--out", os.path.join(tmp, "cli"), "--jobs", "2", "-q"],
                             capture_output=True, text=True)
        if cli.returncode != 1:
            fail(f"satlm sweep: exit {cli.returncode}, expected 1 (a failed point)")
        with open(os.path.join(tmp, "py", "results.csv")) as f:
            py_csv = f.read()
        with open(os.path.join(tmp, "cli", "results.csv")) as f:
            cli_csv = f.read()
        if py_csv != cli_csv:
            fail("results.csv of satlm.sweep differs from satlm sweep's")
        want = list(csv.DictReader(io.StringIO(cli_csv)))
        if len(rows) != len(want) or len(rows) != 4 * 13 + 4 * 1:  # 8 points ok (4 per network), 2 failed
            fail(f"{len(rows)} rows, the CLI wrote {len(want)}")
        for g, w in zip(rows, want):
            if list(g) != list(w):
                fail(f"columns differ: {list(g)[:6]} vs {list(w)[:6]}")
            for k in w:
                gv = "" if g[k] is None else g[k]
                if str(gv) != w[k] and not (isinstance(gv, float) and abs(gv - float(w[k])) < 1e-9):
                    fail(f"point {w['point']} {w['layer']} {k}: Python {g[k]!r}, CLI {w[k]!r}")
        failed = sorted(str(c.message) for c in caught if issubclass(c.category, RuntimeWarning))
        cli_failed = sorted(l.removeprefix("satlm: ") for l in cli.stderr.splitlines() if "failed" in l)
        if len(failed) != 2 or failed != cli_failed:
            fail(f"warnings {failed} differ from the CLI's lines {cli_failed}")
        if satlm.sweep(os.path.join(tmp, "py")) != rows or satlm.sweep(os.path.join(tmp, "cli")) != rows:
            fail("reading the output folders back gives other rows")
        with warnings.catch_warnings(record=True):  # the stored failures warn again
            warnings.simplefilter("always")
            again = satlm.sweep(sweep, out=os.path.join(tmp, "py"))  # every point stored: nothing runs
        if again != rows:
            fail("a rerun into the same folder gives other rows")
        # Ctrl-C: the points in flight are stored, KeyboardInterrupt is raised, a rerun resumes
        # and gives the uninterrupted rows.
        long_sweep = os.path.join(tmp, "long.toml")
        with open(long_sweep, "w") as f:
            f.write('networks = ["vgg16-cifar10-8ch"]\nout = "long"\ncheck = true\n[set]\n"model.fidelity" = "lt"\n'
                    '[grid]\n"array.rows" = [4, 8]\n"array.cols" = [4, 8, 16]\n')  # 6 points of about 0.5 s
        timer = threading.Timer(0.3, lambda: os.kill(os.getpid(), signal.SIGINT))
        timer.start()
        try:
            satlm.sweep(long_sweep, jobs=1)
            fail("a sweep of 6 checked points ended within 0.3 s: no interrupt to test")
        except KeyboardInterrupt:
            pass
        timer.join()
        stored = satlm.sweep(os.path.join(tmp, "long"))
        points = {r["point"] for r in stored}
        if not 0 < len(points) < 6 or len(stored) != 13 * len(points):
            fail(f"after Ctrl-C the store holds {len(points)} points and {len(stored)} rows")
        resumed = satlm.sweep(long_sweep, jobs=1)
        cli = subprocess.run([a.satlm, "sweep", long_sweep, "--out", os.path.join(tmp, "long-cli"), "--jobs", "1", "-q"],
                             capture_output=True, text=True)
        with open(os.path.join(tmp, "long-cli", "results.csv")) as f, \
                open(os.path.join(tmp, "long", "results.csv")) as g:
            if cli.returncode != 0 or f.read() != g.read() or len(resumed) != 6 * 13:
                fail(f"the resumed sweep's results.csv differs from an uninterrupted satlm sweep ({len(resumed)} rows)")
        with open(sweep, "a") as f:
            f.write('[bad]\n"x" = 1\n')
        msg = expect_value_error(lambda: satlm.sweep(sweep), "s.toml")
        cli = subprocess.run([a.satlm, "sweep", sweep], capture_output=True, text=True)
        if cli.returncode != 2 or msg != cli.stderr.strip().removeprefix("satlm: error: "):
            fail(f"bad sweep file: {msg!r}, the CLI says {cli.stderr.strip()!r}")
    print(f"ok: satlm.sweep rows equal satlm sweep's results.csv ({len(rows)} rows), failed points warn as the CLI "
          f"reports them; Ctrl-C stored {len(points)} of 6 points and a rerun resumed to the CLI's results")


def same_tree(x, y):
    """Differences between two folders, file by file (names and bytes)."""
    def files(root):
        return sorted(os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root) for f in fs)
    fx, fy = files(x), files(y)
    if fx != fy:
        return f"files {fx} vs {fy}"
    for f in fx:
        with open(os.path.join(x, f), "rb") as p, open(os.path.join(y, f), "rb") as q:
            if p.read() != q.read():
                return f"{f} differs"
    return ""


def test_gen(a):
    """satlm.gen writes what `satlm gen --from-npy` writes for the same tensors, byte for byte,
    in the canonical layout, in every external set's layout (like) and manifest (layout), and
    with layout keys; every set signs off with satlm.run_set."""
    rng = np.random.default_rng(5)
    base = os.path.join(ROOT, "vectors", "external")
    with tempfile.TemporaryDirectory() as tmp:
        pa, pw = os.path.join(tmp, "a.npy"), os.path.join(tmp, "w.npy")

        def check(label, act, weight, cli_args, **kw):
            out, ref = os.path.join(tmp, label + "-py"), os.path.join(tmp, label + "-cli")
            files = satlm.gen(out, act, weight, **kw)
            np.save(pa, act)
            np.save(pw, weight)
            r = subprocess.run([a.satlm, "gen", "--out", ref, "--from-npy", pa, pw] + cli_args, capture_output=True,
                               text=True)
            if r.returncode != 0:
                fail(f"{label}: satlm gen: {r.stderr.strip()}")
            diff = same_tree(out, ref)
            if diff:
                fail(f"{label}: satlm.gen and satlm gen differ: {diff}")
            if not files or not all(os.path.isfile(os.path.join(out, f)) for f in files):
                fail(f"{label}: gen returned {files[:3]}")
            signed = satlm.run_set(out)
            if signed.mismatches != 0:
                fail(f"{label}: {signed.mismatches} mismatches")
            stride = kw.get("stride") or 1
            want = numpy_conv(np.asarray(act), np.asarray(weight), stride=stride, pad=kw.get("pad", 0))
            if not np.array_equal(signed.output, want):
                fail(f"{label}: the written set's outputs differ from the NumPy convolution")

        act = rng.integers(0, 16, size=(12, 5, 6))
        w = rng.integers(-8, 8, size=(10, 12, 3, 3))
        check("canonical", act, w, ["--pad", "1"], pad=1)
        check("strided", act, w, ["--pad", "0", "--stride", "2", "--tile-out", "4"], stride=2, tile_out=4)
        check("keys", act, w, ["--pad", "1", "--set", "files.output=o/out_tile{o}.txt", "--set",
                               "format.header_lines=0", "--set", "pmem.psum_base=1", "--no-psums"],
              layout={"files.output": "o/out_tile{o}.txt", "format.header_lines": 0}, keys={"pmem.psum_base": 1},
              pad=1, psums=False)
        names = sorted(n[:-5] for n in os.listdir(base) if n.endswith(".toml"))
        for name in names:
            manifest = os.path.join(base, name + ".toml")
            r = satlm.run_set(manifest)
            shape, cfg = r.stats["shape"], r.report["config"]
            ab, wb = cfg["layer.act_bits"], cfg["layer.weight_bits"]
            C, K = shape["channels"], shape["filters"]
            act = rng.integers(0, 1 << ab, size=(C, shape["ifmap_h"] - 2, shape["ifmap_w"] - 2))
            w = rng.integers(-(1 << (wb - 1)), 1 << (wb - 1), size=(K, C, shape["filter_h"], shape["filter_w"]))
            folder = os.path.join(a.shared, "vectors", "external", name)
            check(name + "-like", act, w, ["--pad", "1", "--like", folder], layout=folder, pad=1)
            check(name + "-layout", act, w, ["--pad", "1", "--layout", manifest], layout=manifest, pad=1)
        # A bad layout is the command line's message; the folder is not created.
        for label, kw, args in [("unknown key", {"layout": {"files.outptu": "x.txt"}}, ["--set", "files.outptu=x.txt"]),
                                ("arch key", {"keys": {"array.rows": 4}}, ["--set", "array.rows=4"]),
                                ("no manifest", {"layout": "/no/such.toml"}, ["--layout", "/no/such.toml"]),
                                ("no {i}", {"layout": {"files.activation": "act.txt"}, "tile_in": 4},
                                 ["--set", "files.activation=act.txt", "--tile-in", "4"])]:
            np.save(pa, act)
            np.save(pw, w)
            out = os.path.join(tmp, "bad")
            msg = expect_value_error(lambda: satlm.gen(out, act, w, pad=1, **kw), "")
            r = subprocess.run([a.satlm, "gen", "--out", out, "--pad", "1", "--from-npy", pa, pw] + args,
                               capture_output=True, text=True)
            if r.returncode != 2 or msg != r.stderr.strip().removeprefix("satlm: error: "):
                fail(f"gen with a bad layout ({label}): {msg!r}, the CLI says {r.stderr.strip()!r}")
            if os.path.exists(out):
                fail(f"gen with a bad layout ({label}) created {out}")
        # A set is never written over another unless forced.
        expect_value_error(lambda: satlm.gen(os.path.join(tmp, "canonical-py"), act, w, pad=1), "not empty")
        satlm.gen(os.path.join(tmp, "canonical-py"), act, w, pad=1, force=True)
        if satlm.run_set(os.path.join(tmp, "canonical-py")).mismatches != 0:
            fail("a forced gen does not sign off")
    print(f"ok: satlm.gen equals satlm gen --from-npy byte for byte (canonical, strided, keys, "
          f"{len(names)} external layouts with like and layout); every set signs off")


def test_install(a):
    """`cmake --install` (into a DESTDIR) puts a module that imports from the prefix alone."""
    with tempfile.TemporaryDirectory() as dest:
        r = subprocess.run([a.cmake, "--install", a.build, "--prefix", "/opt/satlm"], capture_output=True, text=True,
                           env=dict(os.environ, DESTDIR=dest))
        if r.returncode != 0:
            fail(f"cmake --install: {r.stderr.strip()}")
        site = os.path.join(dest, "opt", "satlm", a.site)
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        env["PYTHONPATH"] = site
        r = subprocess.run([sys.executable, "-c", "import satlm; print(satlm.__file__, satlm.__version__)"],
                           capture_output=True, text=True, env=env, cwd=dest)
        if r.returncode != 0 or not r.stdout.startswith(site) or satlm.__version__ not in r.stdout:
            fail(f"the installed module does not import from {site}: {r.stdout.strip()} {r.stderr.strip()}")
    # `--prefix ~/.local` (docs/python.md) must land in the user site, which Python searches.
    import site as pysite
    if os.path.join(pysite.getuserbase(), a.site) != pysite.getusersitepackages():
        fail(f"--prefix {pysite.getuserbase()} installs into {a.site}, not the user site {pysite.getusersitepackages()}")
    print(f"ok: cmake --install puts the module in PREFIX/{a.site} (with ~/.local: the user site)")


def test_version(a):
    if not satlm.__version__ or satlm.__version__[0] not in "0123456789":
        fail(f"__version__ {satlm.__version__!r}")
    print(f"ok: satlm {satlm.__version__}")


def main():
    ap = argparse.ArgumentParser()
    tests = {"layers": test_layers, "sets": test_sets, "net": test_net, "reentrant": test_reentrant,
             "errors": test_errors, "dtypes": test_dtypes, "sweep": test_sweep, "gen": test_gen,
             "install": test_install, "version": test_version}
    ap.add_argument("test", choices=sorted(tests))
    ap.add_argument("--satlm", required=True)
    ap.add_argument("--shared", required=True)
    ap.add_argument("--cmake", help="install: the cmake executable")
    ap.add_argument("--build", help="install: the build folder")
    ap.add_argument("--site", help="install: where the module goes, relative to the prefix")
    a = ap.parse_args()
    tests[a.test](a)


if __name__ == "__main__":
    main()
