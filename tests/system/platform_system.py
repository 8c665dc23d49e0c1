#!/usr/bin/env python3
"""The virtual-platform example (examples/platform, docs/platform.md) against `satlm run`.

The example runs each set by register writes on a CPU model, the accelerator device reading its
tensors and writing its outputs through a bus; its stdout must equal `satlm run --dump-out` byte
for byte and its cycle count the run's report. Bad input exits 2 with one line; a descriptor the
architecture cannot run is the device's ERROR (exit 1), never a crash.

  platform_system.py same-outputs --platform P --satlm S --shared DIR
  platform_system.py errors       --platform P --satlm S --shared DIR
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=600)


def sets(shared):
    """vectors/default and every external set whose data is present."""
    out = [os.path.join(REPO, "vectors", "default")]
    ext = os.path.join(REPO, "vectors", "external")
    for name in sorted(os.listdir(ext)):
        if name.endswith(".toml") and os.path.isdir(os.path.join(shared, "vectors", "external", name[:-5])):
            out.append(os.path.join(ext, name))
    if len(out) < 2:
        fail(f"no external sets under {shared}/vectors/external")
    return out


def same_outputs(a):
    with tempfile.TemporaryDirectory() as tmp:
        for s in sets(a.shared):
            for extra in ([], ["--set", "schedule.kind=overlapped"]):
                p = run([a.platform, s] + extra)
                if p.returncode != 0:
                    fail(f"{s} {extra}: satlm_platform exit {p.returncode}: {p.stderr.strip()}")
                dump, report = os.path.join(tmp, "out.txt"), os.path.join(tmp, "r.json")
                r = run([a.satlm, "run", s, "--no-check", "--dump-out", dump, "--report", report] + extra)
                if r.returncode != 0:
                    fail(f"{s}: satlm run exit {r.returncode}: {r.stderr.strip()}")
                with open(dump) as f:
                    if p.stdout != f.read():
                        fail(f"{s} {extra}: the platform's outputs differ from satlm run --dump-out")
                with open(report) as f:
                    cycles = json.load(f)["cycles"]["total"]
                m = re.search(r"done in (\d+) cycles", p.stderr)
                if not m or int(m.group(1)) != cycles:
                    fail(f"{s} {extra}: platform says {p.stderr.strip()!r}, satlm run {cycles} cycles")
                print(f"ok {os.path.basename(s)} {' '.join(extra)}: {cycles} cycles")


def errors(a):
    default = os.path.join(REPO, "vectors", "default")
    cases = [
        ([a.platform], 2, "usage"),
        ([a.platform, "/nonexistent/set"], 2, "/nonexistent/set"),
        ([a.platform, default, "--set", "array.rows=0"], 2, "array.rows"),
        ([a.platform, default, "--bogus"], 2, "--bogus"),
        # A layer whose one pass does not fit pmem: the device reports ERROR (bad descriptor).
        ([a.platform, default, "--set", "pmem.words=4"], None, "pmem"),
    ]
    for cmd, code, word in cases:
        p = run(cmd)
        lines = [l for l in p.stderr.splitlines() if l.strip()]
        if code is not None and p.returncode != code:
            fail(f"{cmd[1:]}: exit {p.returncode}, expected {code}: {p.stderr.strip()}")
        if code is None and p.returncode not in (1, 2):
            fail(f"{cmd[1:]}: exit {p.returncode}, expected 1 or 2: {p.stderr.strip()}")
        if len(lines) != 1 or word not in lines[0]:
            fail(f"{cmd[1:]}: expected one line naming {word!r}, got {p.stderr!r}")
        if p.stdout:
            fail(f"{cmd[1:]}: wrote outputs on a failed run")
        print(f"ok {cmd[1:]} -> {p.returncode}: {lines[0]}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["same-outputs", "errors"])
    ap.add_argument("--platform", required=True)
    ap.add_argument("--satlm", required=True)
    ap.add_argument("--shared", required=True)
    a = ap.parse_args()
    {"same-outputs": same_outputs, "errors": errors}[a.what](a)


if __name__ == "__main__":
    main()
