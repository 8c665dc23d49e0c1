#!/usr/bin/env python3
"""The built-in memory models ("sram", "banked", docs/blocks/sram.md) as the structural top's
xmem and pmem, on the bundled set and a real 6x6 set: every run signs off (a memory changes the
cycles, never the data); the cycles are the "sram" run's plus the memory's wait stalls; banks
that cover a bank's busy time cost nothing on xmem's sequential streams; a longer busy time costs
more, more banks never more; an unknown model name is exit 2 naming the key."""
import argparse
import json
import os
import subprocess
import sys
import tempfile


def fail(msg):
    print(f"FAIL: {msg}")
    sys.exit(1)


def run(a, tmp, vector_set, sets):
    report = os.path.join(tmp, "r.json")
    cmd = [a.satlm, "run", vector_set, "-q", "--report", report, "--set", "model.top=structural"]
    for s in sets:
        cmd += ["--set", s]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0 or "SIGNED OFF" not in r.stdout:
        fail(f"{' '.join(cmd)}: exit {r.returncode}, no sign-off\n{r.stdout[-2000:]}{r.stderr[-2000:]}")
    with open(report) as f:
        j = json.load(f)
    return j["sets"][0] if "sets" in j else j


def check_set(a, tmp, vector_set):
    base = run(a, tmp, vector_set, [])
    total0 = base["cycles"]["total"]
    causes0 = base["cycles"]["stall_causes"]
    if causes0["xmem_wait"] or causes0["pmem_wait"]:
        fail(f"{vector_set}: the \"sram\" models stalled: {causes0}")
    waits = {}
    for mem in ["xmem", "pmem"]:
        for banks, busy in [(1, 1), (4, 4), (8, 4), (2, 2), (1, 2), (1, 3)]:
            sets = [f"{mem}.model=banked", f"{mem}.banks={banks}", f"{mem}.bank_cycles={busy}"]
            got = run(a, tmp, vector_set, sets)
            wait = got["cycles"]["stall_causes"][f"{mem}_wait"]
            other = got["cycles"]["stall_causes"]["pmem_wait" if mem == "xmem" else "xmem_wait"]
            if other or got["cycles"]["total"] != total0 + wait:
                fail(f"{vector_set} {sets}: {got['cycles']['total']} cycles with {mem}_wait {wait} and {other} "
                     f"other waits; expected the \"sram\" run's {total0} plus the {mem} waits")
            if got["sram"][mem]["reads"] != base["sram"][mem]["reads"] or \
               got["sram"][mem]["writes"] != base["sram"][mem]["writes"]:
                fail(f"{vector_set} {sets}: the {mem} traffic changed with the model")
            waits[(mem, banks, busy)] = wait
    for mem in ["xmem", "pmem"]:
        if waits[(mem, 1, 1)]:
            fail(f"{vector_set}: a bank busy one cycle stalled {mem} {waits[(mem, 1, 1)]} cycles")
        if not waits[(mem, 1, 2)] < waits[(mem, 1, 3)]:
            fail(f"{vector_set}: {mem} with one bank waits {waits[(mem, 1, 2)]} cycles busy 2, "
                 f"{waits[(mem, 1, 3)]} busy 3: expected more for the longer busy time")
        if not waits[(mem, 8, 4)] <= waits[(mem, 4, 4)]:
            fail(f"{vector_set}: {mem} waits more with 8 banks than with 4: {waits}")
    # xmem streams consecutive words, one per cycle: banks >= the busy time never conflict.
    if waits[("xmem", 4, 4)] or waits[("xmem", 8, 4)]:
        fail(f"{vector_set}: xmem's sequential streams conflicted with banks >= bank_cycles: {waits}")
    if not waits[("xmem", 1, 2)]:
        fail(f"{vector_set}: one xmem bank busy 2 cycles never stalled")
    print(f"ok: {vector_set}: {total0} cycles with \"sram\"; banked waits {waits}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--satlm", required=True)
    ap.add_argument("--sets", nargs="+", required=True)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        r = subprocess.run([a.satlm, "run", a.sets[0], "--set", "model.top=structural", "--set",
                            "pmem.model=no_such_memory"], capture_output=True, text=True)
        if r.returncode != 2 or "pmem.model" not in r.stderr or '"banked"' not in r.stderr:
            fail(f"an unknown pmem.model: exit {r.returncode}, stderr {r.stderr.strip()!r}; expected exit 2 "
                 f"naming the key and the models")
        for s in a.sets:
            check_set(a, tmp, s)


if __name__ == "__main__":
    main()
