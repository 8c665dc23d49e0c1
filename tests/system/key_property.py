#!/usr/bin/env python3
"""Property: any combination of in-range keys either runs (exit 0/1) or is refused with exit 2
before the model allocates; none exits 3 or dies on a signal, with 4 GB of address space.

The keys, defaults and ranges come from `satlm run --help` (the same table users read), so a new
key is covered without editing this file. Usage:
  key_property.py --satlm SATLM [--count 200] [--seed 7]
"""
import argparse
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ADDRESS_SPACE = 4 * 1024 ** 3
SKIP = re.compile(r"^(dir|files\.)")  # names of files, not sizes


def key_table(satlm):
    p = subprocess.run([satlm, "run", "--help"], capture_output=True, text=True, check=True)
    keys = {}
    for line in p.stdout.splitlines():
        m = re.match(r"^  ([a-z0-9_]+\.[a-z0-9_.]+)\s+(\S+(?: \(\w+\))?)\s+(\S.*?)\s{2,}", line)
        if m and not SKIP.match(m.group(1)):
            keys[m.group(1)] = m.group(3).strip()
            if keys[m.group(1)] == "text":  # a name (xmem.model): the names the help lists, and an unknown one
                keys[m.group(1)] = " ".join(re.findall(r'"[^"]+"', line[m.end():]) + ['"no_such_name"'])
    if len(keys) < 20:
        raise SystemExit(f"FAIL: read only {len(keys)} keys from satlm run --help")
    return keys


def pick(rng, rng_text):
    choices = re.findall(r'"([^"]+)"', rng_text)
    ints = re.search(r"(\d+)\.\.(\d+)$", rng_text)
    if rng_text == "true | false":
        return rng.choice(["true", "false"])
    if rng_text == "text":  # a memory model's name: the built-ins, or one nobody registered (exit 2)
        return rng.choice(["sram", "banked", "no_such_model"])
    if ints:
        lo, hi = int(ints.group(1)), int(ints.group(2))
        if choices and rng.random() < 0.3:
            return rng.choice(choices)
        r = rng.random()
        if r < 0.15:
            return str(lo)
        if r < 0.3:
            return str(hi)
        if r < 0.5:
            return str(min(hi, max(lo, 1 << rng.randrange(0, 25))))
        # log-uniform over the range
        a, b = max(lo, 1), max(hi, 1)
        return str(min(hi, max(lo, int(round(a * (b / a) ** rng.random())))))
    if choices:
        return rng.choice(choices)
    nums = re.search(r"([\d.e+-]+)\.\.([\d.e+-]+)$", rng_text)
    if nums:
        lo, hi = float(nums.group(1)), float(nums.group(2))
        return f"{lo * (hi / lo) ** rng.random():.6g}"
    raise SystemExit(f"FAIL: cannot read the range `{rng_text}`")


def uses_asan(satlm):
    with open(satlm, "rb") as f:
        return b"__asan_init" in f.read()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--satlm", required=True)
    ap.add_argument("--shared", default="")
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    satlm = os.path.abspath(a.satlm)
    keys = key_table(satlm)
    names = sorted(keys)
    rng = random.Random(a.seed)
    # AddressSanitizer reserves terabytes of address space: no --as limit under it.
    prefix = [] if uses_asan(satlm) else ["prlimit", f"--as={ADDRESS_SPACE}"]
    tmp = tempfile.mkdtemp(prefix="satlm_keys_")
    failures = 0
    counts = {0: 0, 1: 0, 2: 0}
    try:
        vset = os.path.join(tmp, "set")
        shutil.copytree(os.path.join(ROOT, "vectors", "default"), vset)
        for n in range(a.count):
            # Mostly architecture keys: the set's files decide the layer keys, so those mostly
            # contradict them (exit 2 before the run, which is checked too).
            pool = names if rng.random() < 0.3 else [k for k in names if not re.match(r"(layer|tiles|format)\.", k)]
            chosen = rng.sample(pool, rng.randint(1, 6))
            sets = [f"{k}={pick(rng, keys[k])}" for k in chosen]
            args = [satlm, "run", vset, "-q"] + [x for s in sets for x in ("--set", s)]
            t0 = time.monotonic()
            try:
                p = subprocess.run(prefix + args, capture_output=True, text=True, timeout=300, errors="replace")
            except subprocess.TimeoutExpired:
                print(f"FAIL #{n}: no answer within 300 s: {' '.join(sets)}")
                failures += 1
                continue
            elapsed = time.monotonic() - t0
            rc = p.returncode
            bad = None
            if rc < 0:
                bad = f"killed by signal {-rc}"
            elif rc not in (0, 1, 2):
                bad = f"exit {rc}"
            elif rc == 2:
                lines = [l for l in p.stderr.splitlines() if l.strip()]
                if not lines or not all(l.startswith("satlm: error: ") for l in lines):
                    bad = f"exit 2 without error lines: {p.stderr[:500]}"
                elif "limits.memory_mb" in p.stderr and elapsed > 5:
                    bad = f"budget refusal after {elapsed:.1f} s (expected before allocation)"
            if bad:
                failures += 1
                print(f"FAIL #{n}: {bad}: --set {' --set '.join(sets)}\n  {p.stderr.strip()[:800]}")
            else:
                counts[rc] += 1
        print(f"{a.count} combinations: {counts[0]} signed off, {counts[1]} mismatched, {counts[2]} refused (exit 2), "
              f"{failures} failures{' (no --as limit: AddressSanitizer)' if not prefix else ''}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
