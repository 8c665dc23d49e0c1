#!/usr/bin/env python3
"""System tests of `satlm run --vcd`: the waveform against the RTL's edges, the flow markers,
and --vcd-window (docs/timing.md, "VCD").

The VCD is read here by a small independent parser (value at cycle t = the last change at or
before t x clock period). Expected edges come from the measured RTL (the wen testbench flow on
6x6 -> 4x4, 8x8 array: valid[7] at edge 157, o_valid at 158 in the first kernel position),
expected psums from the sets' own psum files, expected pmem read addresses from the RTL's psum
layout (psum(kij, nij) at kij x 36 + nij).
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from satlm_system import (MANIFESTS, SINGLE_TILE_6X6, data_lines, external_sets,  # noqa: E402
                          fail, fields, run)

# The wen testbench flow (docs/rtl-reference.md, docs/timing.md): a 50-cycle prologue, then 182 cycles per
# kernel position; in each, the L0 read + execute instruction is driven from offset 91 for 36
# cycles, column c's valid rises at offset 100 + c and the OFIFO's o_valid at offset 108.
PROLOGUE, PER_KIJ, EXEC_AT, VALID0_AT, OVALID_AT, POSITIONS = 50, 182, 91, 100, 108, 36
ROWS = COLS = 8

# flow.phase codes as docs/timing.md lists them.
PHASES = {0: "idle", 1: "reset", 2: "load_data", 3: "load_weights", 4: "execute", 5: "stream",
          6: "drain", 7: "accumulate"}


class Wave:
    """A VCD as per-cycle values: wave[name][t] for cycles first..last."""

    def __init__(self, path, period_ps=1000):
        text = open(path).read()
        self.text = text
        head, body = text.split("$enddefinitions", 1)
        body = re.sub(r"\$comment.*?\$end", "", body, flags=re.S)
        self.width, ids, scope = {}, {}, []
        for tok in re.finditer(r"\$scope\s+\S+\s+(\S+)\s+\$end|\$upscope\s+\$end|"
                               r"\$var\s+\S+\s+(\d+)\s+(\S+)\s+(\S+)", head):
            if tok.group(0).startswith("$scope"):
                scope.append(tok.group(1))
            elif tok.group(0).startswith("$upscope"):
                scope.pop()
            else:
                name = ".".join(scope[1:] + [tok.group(4)])  # without the kernel's "SystemC" scope
                ids.setdefault(tok.group(3), []).append(name)
                self.width[name] = int(tok.group(2))
        self.comments = re.findall(r"\$comment\s*\n(.*?)\n\s*\$end", text, re.S)
        self.stamps = []
        changes = []  # (time, id, value)
        t = 0
        for line in body.splitlines():
            line = line.strip()
            if not line or line.startswith("$"):
                continue
            if line[0] == "#":
                t = int(line[1:])
                self.stamps.append(t)
            elif line[0] in "01xz":
                changes.append((t, line[1:], line[0]))
            elif line[0] == "b":
                v, i = line[1:].split()
                changes.append((t, i, v))
        if any(ts % period_ps for ts in self.stamps):
            fail(f"{path}: a time stamp is not a whole cycle of {period_ps} ps")
        self.first = min([c[0] for c in changes] + self.stamps) // period_ps
        self.last = max(self.stamps) // period_ps - 1 if self.stamps else self.first
        n = self.last - self.first + 1
        self.values = {}
        for name in self.width:
            self.values[name] = [None] * n
        cur = {}
        by_time = {}
        for ts, i, v in changes:
            by_time.setdefault(ts // period_ps, []).append((i, v))
        for cyc in range(self.first, self.last + 1):
            for i, v in by_time.get(cyc, []):
                for name in ids.get(i, []):
                    cur[name] = self.decode(name, v)
            for name, v in cur.items():
                self.values[name][cyc - self.first] = v

    def decode(self, name, v):
        if v in ("x", "z") or "x" in v or "z" in v:
            return None
        x = int(v, 2)
        w = self.width[name]
        leaf = name.split(".")[-1]
        if (leaf.startswith("psum_") and not leaf.startswith("psum_valid")) or leaf.startswith("acc_"):
            if w > 1 and x >> (w - 1):
                x -= 1 << w
        return x

    def at(self, name, cycle):
        if name not in self.values:
            fail(f"the VCD has no signal {name} (has {sorted(self.values)[:12]} ...)")
        return self.values[name][cycle - self.first]

    def rises(self, name):
        """Cycles at which the signal goes from 0 to 1 (a rise at the first cycle counts)."""
        out, prev = [], 0
        for cyc in range(self.first, self.last + 1):
            v = self.at(name, cyc)
            if v and not prev:
                out.append(cyc)
            prev = v
        return out

    def cycles_where(self, name, pred):
        return [c for c in range(self.first, self.last + 1) if pred(self.at(name, c))]


def vcd_run(satlm, target, path, extra=()):
    report = path + ".json"
    # The stepped top's waveform (docs/timing.md); the structural top's is checked in
    # tests/module/structural_test.cpp.
    run(satlm, ["run", target, "-q", "--vcd", path, "--report", report, "--set", "model.top=stepped"] + list(extra),
        expect=0)
    return json.load(open(report))


def psums_of_set(shared, name):
    """The set's psum files as psum[kij][nij][col], or None (wcl-ws4-p1: per-kij files; shin-ws4-fa23:
    one file of 9 x 36 lines). Lines hold col 7 first, 16 bits each."""
    base = os.path.join(shared, "vectors", "external", name)
    if name == "wcl-ws4-p1":
        blocks = [data_lines(os.path.join(base, f"psum_kij{k}.txt")) for k in range(9)]
    elif name == "shin-ws4-fa23":
        lines = data_lines(os.path.join(base, "psum.txt"))
        blocks = [lines[k * POSITIONS:(k + 1) * POSITIONS] for k in range(9)]
    else:
        return None
    return [[fields(l, 16, True)[::-1] for l in b] for b in blocks]


def cmd_rtl_edges(a):
    """On every 6x6 single-tile set (reference schedule): inst_execute, every column's psum_valid,
    o_valid at the RTL's edges in all nine kernel positions; psum_<c> while valid = the set's psum
    files (where it ships them); the accumulation's pmem read addresses = the RTL's acc addresses."""
    external_sets(a.shared)
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in SINGLE_TILE_6X6:
            path = os.path.join(tmp, name + ".vcd")
            vcd_run(a.satlm, os.path.join(MANIFESTS, name + ".toml"), path, ["--set", "schedule.kind=reference"])
            w = Wave(path)
            want_exec = [PROLOGUE + k * PER_KIJ + EXEC_AT for k in range(9)]
            got = w.rises("inst_execute")
            if got != want_exec:
                problems.append(f"{name}: inst_execute rises at {got}, RTL {want_exec}")
            for c in range(COLS):
                want = [PROLOGUE + k * PER_KIJ + VALID0_AT + c for k in range(9)]
                got = w.rises(f"top.array.psum_valid_{c}")
                if got != want:
                    problems.append(f"{name}: psum_valid_{c} rises at {got}, RTL {want}")
                high = len(w.cycles_where(f"top.array.psum_valid_{c}", bool))
                if high != 9 * POSITIONS:
                    problems.append(f"{name}: psum_valid_{c} high {high} cycles, expected {9 * POSITIONS}")
            want = [PROLOGUE + k * PER_KIJ + OVALID_AT for k in range(9)]
            got = w.rises("top.ofifo.o_valid")
            if got != want:
                problems.append(f"{name}: o_valid rises at {got}, RTL {want}")
            # The accumulation reads pmem at the RTL's acc addresses, pixel by pixel.
            reads = [w.at("inst_pmem_addr", t) for t in range(w.first, w.last + 1)
                     if w.at("inst_pmem_en", t) and not w.at("inst_pmem_wr", t)]
            want = [k * POSITIONS + (o // 4 + k // 3) * 6 + (o % 4 + k % 3) for o in range(16) for k in range(9)]
            if reads[:len(want)] != want:
                problems.append(f"{name}: pmem reads {reads[:12]}..., RTL acc addresses {want[:12]}...")
            psums = psums_of_set(a.shared, name)
            if psums is not None:
                for c in range(COLS):
                    stream = [w.at(f"top.array.psum_{c}", t) for t in w.cycles_where(f"top.array.psum_valid_{c}", bool)]
                    for k in range(9):
                        for n in range(POSITIONS):
                            if name == "wcl-ws4-p1" and (k, n, c) == (2, 16, 0):
                                continue  # the file's one known bad entry (0x8000)
                            if stream[k * POSITIONS + n] != psums[k][n][c]:
                                problems.append(f"{name}: psum_{c} kij {k} position {n}: VCD "
                                                f"{stream[k * POSITIONS + n]}, psum file {psums[k][n][c]}")
            print(f"{name}: checked edges, acc addresses" + (", psum streams" if psums else ""))
    for p in problems[:40]:
        print(p)
    print(f"{len(SINGLE_TILE_6X6) - len({p.split(':')[0] for p in problems})} passed, "
          f"{len({p.split(':')[0] for p in problems})} failed")
    return 1 if problems else 0


def legend(w):
    """flow.phase and flow.step codes from the VCD's own comment."""
    for c in w.comments:
        if c.startswith("flow.phase:"):
            phase, step = c.split(";")
            parse = lambda s: {int(k): v for k, v in re.findall(r"(\d+)=(\w+)", s)}  # noqa: E731
            return parse(phase), parse(step.split(":", 1)[1])
    fail("the VCD has no flow legend comment")


def check_flow(w, report, reference, label):
    """The markers against the instruction bits and the report's tiling."""
    problems = []
    phases, steps = legend(w)
    if phases != PHASES:
        problems.append(f"{label}: flow.phase legend {phases}, docs/timing.md lists {PHASES}")
    code = {v: k for k, v in phases.items()}
    span = range(w.first, w.last + 1)
    phase = [w.at("flow.phase", t) for t in span]
    step_names = [steps.get(w.at("flow.step", t)) for t in span]

    def same(bit, ph):
        bits = [bool(w.at(bit, t)) for t in span]
        marks = [p == code[ph] for p in phase]
        if bits != marks:
            t = w.first + next(i for i in range(len(bits)) if bits[i] != marks[i])
            problems.append(f"{label}: cycle {t}: {bit} {w.at(bit, t)} but flow.phase "
                            f"{phases.get(w.at('flow.phase', t))}")

    def within(bit, allowed):
        for t in span:
            if w.at(bit, t) and phases.get(w.at("flow.phase", t)) not in allowed:
                problems.append(f"{label}: cycle {t}: {bit} set in phase {phases.get(w.at('flow.phase', t))}")
                return

    if reference:
        same("inst_execute", "execute")      # L0 read + execute: the execute step exactly
        within("inst_reset", {"reset", "accumulate"})  # the tb also resets the SFU per pixel
        for t in span:
            if w.at("flow.phase", t) == code["reset"] and not w.at("inst_reset", t):
                problems.append(f"{label}: cycle {t}: phase reset without inst_reset")
                break
        within("inst_load", {"load_weights"})
        within("inst_acc", {"accumulate"})
        within("inst_ofifo_rd", {"drain"})
    else:
        within("inst_execute", {"stream"})
        within("inst_load", {"stream"})
        if code["stream"] not in phase:
            problems.append(f"{label}: no stream phase in an overlapped run")
    for name in step_names:
        if name is None:
            problems.append(f"{label}: flow.step outside the legend")
            break
    # Tiles and bands: every one of the plan's, in loop order (otile outermost, band next).
    tiling = report["tiling"]
    expect = {"flow.otile": tiling["out_tiles"], "flow.itile": tiling["in_tiles"],
              "flow.band": tiling["row_bands"] * tiling["col_bands"]}
    for sig, n in expect.items():
        seen = sorted({w.at(sig, t) for t in span})
        if seen != list(range(n)):
            problems.append(f"{label}: {sig} takes {seen}, the plan has {n}")
    # (The tail after the last pass belongs to no pass: it shows tile 0, band 0.)
    otb = [(w.at("flow.otile", t), w.at("flow.band", t)) for t in span if steps.get(w.at("flow.step", t)) != "tail"]
    if otb != sorted(otb):
        problems.append(f"{label}: (otile, band) goes backwards")
    kij = [w.at("flow.kij", t) for t in span]
    if sorted(set(kij)) != list(range(9)):
        problems.append(f"{label}: flow.kij takes {sorted(set(kij))}, expected the 9 kernel positions")
    # Every execute cycle belongs to one kernel position: the psums computed then are that kij's.
    if reference:
        passes = tiling["passes"]
        starts = [t for t in w.rises("inst_execute")]
        kij_at = [w.at("flow.kij", t) for t in starts]
        chunk_at = [w.at("flow.chunk", t) for t in starts]
        per_pass = tiling["chunks"] // passes
        if len(starts) != tiling["chunks"] or sorted(set(chunk_at)) != list(range(per_pass)):
            problems.append(f"{label}: {len(starts)} execute runs with chunks {sorted(set(chunk_at))}, "
                            f"the plan has {tiling['chunks']} chunks, {per_pass} per pass")
        if len(kij_at) >= 9 and [k for i, k in enumerate(kij_at) if i == 0 or k != kij_at[i - 1]][:9] != list(range(9)):
            problems.append(f"{label}: execute runs by kij {kij_at[:12]}..., expected 0..8 in order")
    return problems


def cmd_flow(a):
    """flow.* markers on one-tile, two-output-tile, two-input-tile, chunked and banded runs, both
    schedules: tiles and bands as the report's plan, kernel positions 0..8, phases matching the
    instruction bits, the legend as documented."""
    external_sets(a.shared)
    cases = [("wcl-ws4-p1", "reference", []), ("mit-ws4-2otile", "reference", []),
             ("dingy-ws4-2itile", "reference", []), ("yrn-ws4-10x10", "reference", []),
             ("yrn-ws4-10x10", "reference", ["--set", "pmem.words=512"]),
             ("wcl-ws4-p1", "overlapped", []), ("mit-ws4-2otile", "overlapped", []),
             ("yrn-ws4-10x10", "overlapped", ["--set", "pmem.words=512"])]
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, sched, extra in cases:
            path = os.path.join(tmp, "w.vcd")
            label = f"{name} [{sched}{' ' + ' '.join(extra[1::2]) if extra else ''}]"
            r = vcd_run(a.satlm, os.path.join(MANIFESTS, name + ".toml"), path,
                        ["--set", f"schedule.kind={sched}"] + extra)
            w = Wave(path)
            if w.last + 1 != r["cycles"]["total"]:
                problems.append(f"{label}: VCD ends at cycle {w.last}, the run has {r['cycles']['total']}")
            got = check_flow(w, r, sched == "reference", label)
            problems += got
            print(f"{label}: {'ok' if not got else f'{len(got)} problems'} "
                  f"({r['tiling']['description']})")
    for p in problems[:40]:
        print(p)
    print(f"{len(cases) - len({p.split(':')[0] for p in problems})} passed, "
          f"{len({p.split(':')[0] for p in problems})} failed")
    return 1 if problems else 0


def cmd_window(a):
    """--vcd-window: each cut shows exactly the whole trace's values in its cycles, starts at FROM
    with every signal's state and ends where cycle TO ends, at any clock period; bad values and a
    FROM past the run are one line, exit 2, no file."""
    external_sets(a.shared)
    target = os.path.join(MANIFESTS, "wcl-ws4-p1.toml")
    problems = []
    checked = 0
    with tempfile.TemporaryDirectory() as tmp:
        for period_ns in (1.0, 2.5):
            ps = int(round(period_ns * 1000))
            extra = ["--set", f"clock.period_ns={period_ns}"]
            whole_path = os.path.join(tmp, "whole.vcd")
            r = vcd_run(a.satlm, target, whole_path, extra)
            total = r["cycles"]["total"]
            whole = Wave(whole_path, ps)
            for spec in ("150:160", "157:157", ":100", "1900:", "0:", f"{total - 1}:", "1000:99999"):
                path = os.path.join(tmp, "cut.vcd")
                rc = vcd_run(a.satlm, target, path, extra + ["--vcd-window", spec])
                cut = Wave(path, ps)
                lo, hi = spec.split(":")
                lo = int(lo) if lo else 0
                hi = min(int(hi), total - 1) if hi else total - 1
                label = f"--vcd-window {spec} at {period_ns} ns"
                for key in ("cycles", "sram", "fifo", "latency", "mismatches"):
                    if rc[key] != r[key]:
                        problems.append(f"{label}: the window changes the run's {key}")
                if lo and cut.stamps[0] != lo * ps:
                    problems.append(f"{label}: first time stamp {cut.stamps[0]}, expected {lo * ps}")
                if cut.stamps[-1] != (hi + 1) * ps or any(t < lo * ps or t > (hi + 1) * ps for t in cut.stamps):
                    problems.append(f"{label}: time stamps {cut.stamps[0]}..{cut.stamps[-1]}, expected "
                                    f"{lo * ps}..{(hi + 1) * ps}")
                if (cut.first, cut.last) != (lo, hi):
                    problems.append(f"{label}: cycles {cut.first}..{cut.last}, expected {lo}..{hi}")
                for name in whole.values:
                    for t in range(lo, hi + 1):
                        if cut.at(name, t) != whole.at(name, t):
                            problems.append(f"{label}: {name} at cycle {t}: {cut.at(name, t)}, whole trace "
                                            f"{whole.at(name, t)}")
                            break
                checked += 1
        # The RTL's first column-7 valid and o_valid edges, seen through a small window.
        path = os.path.join(tmp, "cut.vcd")
        vcd_run(a.satlm, target, path, ["--vcd-window", "150:160"])
        cut = Wave(path)
        if cut.rises("top.array.psum_valid_7") != [157] or cut.rises("top.ofifo.o_valid") != [158]:
            problems.append(f"window 150:160: psum_valid_7 rises {cut.rises('top.array.psum_valid_7')}, "
                            f"o_valid {cut.rises('top.ofifo.o_valid')}, RTL 157 and 158")
        # Bad values: one line naming the option, exit 2, no waveform left behind.
        for spec, why in (("5:3", "FROM <= TO"), ("abc", "FROM:TO"), ("1:2:3", "FROM:TO"), (":", "FROM and TO"),
                          ("-4:", "whole number"), ("1.5:2", "whole number"), ("5000:", "cycle of the run"),
                          ("", "FROM:TO")):
            path = os.path.join(tmp, "bad.vcd")
            p = subprocess.run([a.satlm, "run", target, "-q", "--vcd", path, f"--vcd-window={spec}"],
                               capture_output=True, text=True, timeout=600)
            lines = p.stderr.strip().splitlines()
            if p.returncode != 2 or len(lines) != 1 or "--vcd-window" not in lines[0] or why not in lines[0]:
                problems.append(f"--vcd-window {spec!r}: exit {p.returncode}, stderr {p.stderr.strip()!r}")
            if os.path.exists(path) or any(n.startswith(".") for n in os.listdir(tmp)):
                problems.append(f"--vcd-window {spec!r}: left {sorted(os.listdir(tmp))}")
            checked += 1
        p = subprocess.run([a.satlm, "run", target, "-q", "--vcd-window", "1:2"], capture_output=True, text=True,
                           timeout=600)
        if p.returncode != 2 or "--vcd" not in p.stderr:
            problems.append(f"--vcd-window without --vcd: exit {p.returncode}, {p.stderr.strip()!r}")
    for p in problems[:40]:
        print(p)
    print(f"{checked + 1 - len(problems)} passed, {len(problems)} failed")
    return 1 if problems else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("command")
    ap.add_argument("--satlm", required=True)
    ap.add_argument("--shared", required=True)
    a = ap.parse_args()
    return {"rtl-edges": cmd_rtl_edges, "flow": cmd_flow, "window": cmd_window}[a.command](a)


if __name__ == "__main__":
    sys.exit(main())
