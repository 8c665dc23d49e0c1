#!/usr/bin/env python3
"""Cost of the Python module (docs/PERFORMANCE.md, "Python module"): `satlm.run_layer` on the 13
VGG16-CIFAR10 conv layers in the LT fidelity against the same layers through `satlm net`, in one
process, rounds interleaved so that the machine's load hits both alike.

    PYTHONPATH=build/python python3 bench/python_bench.py [--satlm build/satlm]
        [--bench build/satlm_bench] [--rounds 7] [--array 8]

Each round measures, back to back:
- net:       `satlm.net("vgg16-cifar10", lt, jobs=1)`, the runner of `satlm net` (seeded tensors
             made in C++, every layer on the engine, the CSV records), CPU seconds of the call;
- run_layer: the same 13 layers as `satlm.run_layer(act, weight, pad=1)` from NumPy arrays
             (--dtype, default int64) built before the clock starts (checks, conversion in, engine, conversion out);
- cli:       `satlm net vgg16-cifar10 -j 1` as a child process (CPU seconds, start-up included);
- engine:    with --bench, `satlm_bench --modes layers --models lt`: the engine call alone on
             the same layer shapes (CPU seconds of the calls, no conversions), for the overhead of
             the binding itself.
It prints the median of every figure over the rounds and the ratios; --json writes them.
Exit 1 when run_layer costs more than 10 % above satlm.net (the acceptance of the module).
"""
import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

import satlm


def child_cpu():
    u = resource.getrusage(resource.RUSAGE_CHILDREN)
    return u.ru_utime + u.ru_stime


def machine():
    model = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            model = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{model}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--satlm", help="the satlm executable (adds the cli figure)")
    ap.add_argument("--bench", help="the satlm_bench executable (adds the engine figure)")
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--array", type=int, default=8, help="array.rows = array.cols")
    ap.add_argument("--dtype", default="int64", help="dtype of the NumPy tensors (int64 is NumPy's default)")
    ap.add_argument("--json", help="also write the figures as JSON")
    a = ap.parse_args()

    keys = {"model.fidelity": "lt", "array.rows": a.array, "array.cols": a.array}
    arch = satlm.Arch(**keys)
    records = satlm.net("vgg16-cifar10", arch, no_data=True)
    rng = np.random.default_rng(1)
    layers = []
    for r in records:
        pad = (r["filter_h"] - 1) // 2  # the topology's padded map holds a ring of (k - 1) / 2
        C, H, W, K = r["channels"], r["ifmap_h"] - 2 * pad, r["ifmap_w"] - 2 * pad, r["filters"]
        act = rng.integers(0, 16, size=(C, H, W)).astype(a.dtype)
        weight = rng.integers(-8, 8, size=(K, C, r["filter_h"], r["filter_w"])).astype(a.dtype)
        layers.append((r["layer"], act, weight, pad, r["cycles_total"]))

    def run_layers():
        cycles = 0
        for name, act, weight, pad, want in layers:
            got = satlm.run_layer(act, weight, arch, pad=pad)
            if got.cycles != want:
                sys.exit(f"{name}: run_layer gives {got.cycles} cycles, satlm net {want}")
            cycles += got.cycles
        return cycles

    def timed(fn):
        c0 = time.process_time()
        fn()
        return time.process_time() - c0

    run_layers()  # warm: pages, caches, the module's imports
    figures = {"net": [], "run_layer": [], "cli": [], "engine": []}
    sets = []
    for k, v in keys.items():
        sets += ["--set", f"{k}={v}"]
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(a.rounds):
            figures["net"].append(timed(lambda: satlm.net("vgg16-cifar10", arch, jobs=1)))
            figures["run_layer"].append(timed(run_layers))
            if a.satlm:
                c0 = child_cpu()
                subprocess.run([a.satlm, "net", "vgg16-cifar10", "-j", "1", "-q"] + sets, check=True,
                               stdout=subprocess.DEVNULL)
                figures["cli"].append(child_cpu() - c0)
            if a.bench:
                out = os.path.join(tmp, "bench.json")
                subprocess.run([a.bench, "--modes", "layers", "--models", "lt", "--arrays", str(a.array),
                                "--no-check", "--json", out], check=True, stdout=subprocess.DEVNULL)
                with open(out) as f:
                    figures["engine"].append(sum(l["cpu_s"] for l in json.load(f)["layers"]))

    med = {k: statistics.median(v) for k, v in figures.items() if v}
    print(f"machine: {machine()}")
    print(f"VGG16-CIFAR10, 13 layers, LT, {a.array}x{a.array} array, {a.dtype} tensors, {a.rounds} rounds, "
          "median CPU seconds:")
    for k, v in med.items():
        spread = f"{min(figures[k]):.3f}-{max(figures[k]):.3f}"
        print(f"  {k:<10} {v:8.3f} s  (rounds {spread})")
    ratio = med["run_layer"] / med["net"]
    print(f"run_layer / satlm.net       = {ratio:.3f}")
    if "cli" in med:
        print(f"run_layer / satlm net (CLI) = {med['run_layer'] / med['cli']:.3f}")
    if "engine" in med:
        print(f"run_layer / engine alone    = {med['run_layer'] / med['engine']:.3f}")
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"machine": machine(), "rounds": figures, "median": med, "ratio_net": ratio}, f, indent=1)
    sys.exit(0 if ratio <= 1.10 else 1)


if __name__ == "__main__":
    main()
