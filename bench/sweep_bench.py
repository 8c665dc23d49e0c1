#!/usr/bin/env python3
"""Sweep benchmark (docs/PERFORMANCE.md, "Sweeps"): speed, scaling, memory and per-point overhead
of `satlm sweep`. Run it on a quiet machine; it prints one line per measurement.

    bench/sweep_bench.py [--satlm build/satlm] [--repeat 3]

- examples/array-vs-bandwidth.toml (40 points x 13 layers) with --jobs 1 and --jobs 2: wall
  seconds (best of --repeat), the speedup, CPU seconds;
- a 2,000-point LT sweep of vgg16-cifar10-8ch: wall seconds and peak memory (max RSS);
- the overhead per point (store, export, progress): the sweep's wall time minus the points' own
  wall times (the `points.wall_seconds` column), per point, on a 300-point sweep of tiny layers.
"""
import argparse
import os
import resource
import shutil
import sqlite3
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

BIG = """networks = ["vgg16-cifar10-8ch"]
[set]
"model.fidelity" = "lt"
"l0.depth" = 256
"ofifo.depth" = 128
[grid]
"array.rows" = [4, 8, 16, 32, 64]
"array.cols" = [8, 16, 32, 64, 128]
"offchip.bytes_per_cycle" = [1, 2, 4, 8, 16]
"pmem.words" = [2048, 4096, 8192, 16384]
"layer.act_bits" = [2, 4]
"xmem.words" = [2048, 4096]
"""

TINY_TOPOLOGY = """Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,
conv_a, 10, 10, 3, 3, 8, 16, 1,
conv_b, 8, 8, 3, 3, 16, 8, 1,
"""

TINY = """networks = ["tiny.csv"]
[set]
"model.fidelity" = "lt"
[grid]
"array.rows" = [4, 8, 16]
"array.cols" = [4, 8, 16, 32]
"offchip.bytes_per_cycle" = [1, 2, 4, 8, 16]
"l0.depth" = [32, 64, 128, 256, 512]
"""


def timed(cmd):
    """Wall seconds, CPU seconds and peak RSS (MB) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, after.ru_maxrss / 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--satlm", default=os.path.join(ROOT, "build", "satlm"))
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="satlm_sweep_bench_")
    try:
        example = os.path.join(ROOT, "examples", "array-vs-bandwidth.toml")
        best = {}
        for jobs in (1, 2):
            runs = []
            for _ in range(a.repeat):
                out = os.path.join(tmp, "avb")
                shutil.rmtree(out, ignore_errors=True)
                runs.append(timed([a.satlm, "sweep", example, "--out", out, "--jobs", str(jobs), "-q"]))
            best[jobs] = min(runs)
            print("array-vs-bandwidth --jobs {}: {:.2f} s wall, {:.2f} s CPU".format(jobs, best[jobs][0], best[jobs][1]))
        print("array-vs-bandwidth speedup --jobs 2 over --jobs 1: {:.2f}x".format(best[1][0] / best[2][0]))

        with open(os.path.join(tmp, "big.toml"), "w") as f:
            f.write(BIG)
        wall, cpu, rss = timed([a.satlm, "sweep", os.path.join(tmp, "big.toml"), "--out", os.path.join(tmp, "big"),
                                "--jobs", "2", "-q"])
        print("2000-point LT sweep --jobs 2: {:.1f} s wall, {:.1f} s CPU, peak memory {:.0f} MB".format(wall, cpu, rss))

        with open(os.path.join(tmp, "tiny.csv"), "w") as f:
            f.write(TINY_TOPOLOGY)
        with open(os.path.join(tmp, "tiny.toml"), "w") as f:
            f.write(TINY)
        out = os.path.join(tmp, "tiny")
        wall, _, _ = timed([a.satlm, "sweep", os.path.join(tmp, "tiny.toml"), "--out", out, "--jobs", "1", "-q"])
        db = sqlite3.connect(os.path.join(out, "results.sqlite"))
        n, inside = db.execute("SELECT count(*), sum(wall_seconds) FROM points").fetchone()
        db.close()
        print("overhead per point ({} points, --jobs 1, process start included): {:.2f} ms".format(
            n, (wall - inside) / n * 1000))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
