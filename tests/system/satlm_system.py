#!/usr/bin/env python3
"""System tests of the satlm executable on real and generated vector sets.

Each subcommand is one ctest entry (tests/system/system.cmake). The expected values are decoded
here, independently of satlm's own readers, and compared with what satlm computed (--dump-out).
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

try:
    import tomllib  # Python 3.11
except ImportError:  # pragma: no cover
    tomllib = None

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MANIFESTS = os.path.join(ROOT, "vectors", "external")
SINGLE_TILE_6X6 = ["inq-ws4-p1", "wcl-ws4-p1", "yas-ws4", "shin-ws4-fa23", "mew-ws4-p1",
                   "ach-ws4-p1", "dsanei-ws4", "stan-ws4-p1", "jlk-ws4-p1"]


def fail(msg):
    print(f"FAIL: {msg}")
    sys.exit(1)


def run(satlm, args, expect=None):
    p = subprocess.run([satlm] + args, capture_output=True, text=True, timeout=600)
    if expect is not None and p.returncode != expect:
        fail(f"satlm {' '.join(args)}: exit {p.returncode}, expected {expect}\n"
             f"stdout tail:\n{p.stdout[-2000:]}\nstderr:\n{p.stderr[-2000:]}")
    return p


def external_sets(shared):
    base = os.path.join(shared, "vectors", "external")
    if not os.path.isdir(base):
        fail(f"{base} is missing: the shared vector sets must sit beside the clone")
    names = sorted(d for d in os.listdir(base) if os.path.isdir(os.path.join(base, d)))
    if len(names) < 16:
        fail(f"expected 16 external sets in {base}, found {len(names)}")
    return base, names


def load_manifest(name):
    path = os.path.join(MANIFESTS, name + ".toml")
    with open(path, "rb") as f:
        return tomllib.load(f)


def data_lines(path):
    """Binary data lines of a vector file (header = non-binary lines before the first data line)."""
    out = []
    with open(path, "rb") as f:
        for raw in f.read().decode("latin-1").split("\n"):
            line = raw.rstrip(" \t\r")
            if not line:
                continue
            if re.fullmatch(r"[01]+", line):
                out.append(line)
            elif out:
                raise ValueError(f"{path}: non-binary line after data: {line!r}")
    return out


def fields(line, width, signed):
    vals = [int(line[i:i + width], 2) for i in range(0, len(line), width)]
    if signed:
        vals = [v - (1 << width) if v >> (width - 1) else v for v in vals]
    return vals


def expected_outputs(set_dir, manifest):
    """Expected output values [pixel][channel 0..], after ReLU, decoded from the set's files."""
    files = manifest.get("files", {})
    fmt = manifest.get("format", {})
    layer = manifest.get("layer", {})
    bits = layer.get("psum_bits", 16)
    pattern = files.get("output", "out.txt")
    relu = fmt.get("output_relu", True)
    low_first = fmt.get("output_lane_order", "high_first") == "low_first"
    paths = []
    if "{o}" in pattern:
        o = 0
        while os.path.exists(os.path.join(set_dir, pattern.replace("{o}", str(o)))):
            paths.append(os.path.join(set_dir, pattern.replace("{o}", str(o))))
            o += 1
    else:
        paths.append(os.path.join(set_dir, pattern))
    pixels = None
    for p in paths:
        rows = []
        for line in data_lines(p):
            v = fields(line, bits, True)
            if not low_first:
                v = v[::-1]  # channel 0 first
            rows.append([max(0, x) if not relu else x for x in v])
        if pixels is None:
            pixels = rows
        else:
            pixels = [a + b for a, b in zip(pixels, rows)]
    return pixels


def dumped_outputs(path, bits=16):
    rows = []
    with open(path) as f:
        lines = f.read().split("\n")
    if sum(1 for l in lines[:3] if l.startswith("#")) != 3:
        fail(f"{path}: expected 3 header lines starting with #")
    for line in lines[3:]:
        if line:
            rows.append(fields(line, bits, True)[::-1])
    return rows


def output_files(set_dir, manifest):
    pats = [manifest.get("files", {}).get("output", "out.txt")]
    for key in ("psum", "acc"):
        if manifest.get("files", {}).get(key):
            pats.append(manifest["files"][key])
    out = set()
    for root, _, names in os.walk(set_dir):
        for n in names:
            rel = os.path.relpath(os.path.join(root, n), set_dir)
            for pat in pats:
                rx = "^" + re.escape(pat).replace(r"\{o\}", r"\d+").replace(r"\{k\}", r"\d+").replace(r"\{i\}", r"\d+") + "$"
                if re.match(rx, rel):
                    out.add(rel)
    # Sets that ship both pre-ReLU and ReLU outputs: drop every out* file.
    for root, _, names in os.walk(set_dir):
        for n in names:
            if n.startswith("out"):
                out.add(os.path.relpath(os.path.join(root, n), set_dir))
    return out


def copy_without_outputs(src, dst, manifest):
    drop = output_files(src, manifest)
    for root, _, names in os.walk(src):
        for n in names:
            rel = os.path.relpath(os.path.join(root, n), src)
            if rel in drop or n == "SOURCE.md":
                continue
            os.makedirs(os.path.dirname(os.path.join(dst, rel)), exist_ok=True)
            shutil.copy(os.path.join(src, rel), os.path.join(dst, rel))
    # the describing vectorset.toml: the project's manifest minus `dir`
    with open(os.path.join(MANIFESTS, os.path.basename(src) + ".toml")) as f:
        text = f.read()
    text = re.sub(r'(?m)^dir\s*=.*$', '', text)
    with open(os.path.join(dst, "vectorset.toml"), "w") as f:
        f.write(text)


def cmd_external(a):
    """Acceptance: every external set signs off; --no-check --dump-out equals the set's outputs."""
    base, names = external_sets(a.shared)
    if a.only:
        if a.only not in names:
            fail(f"{a.only}: no such set in {base}")
        names = [a.only]
    failures = 0
    for name in names:
        manifest = load_manifest(name)
        src = os.path.join(base, name)
        with tempfile.TemporaryDirectory() as tmp:
            copy = os.path.join(tmp, name)
            copy_without_outputs(src, copy, manifest)
            dump = os.path.join(tmp, "dump.txt")
            extra = ["--set", f"model.fidelity={a.fidelity}", "--set", f"schedule.kind={a.schedule}"]
            if a.top:
                extra += ["--set", f"model.top={a.top}"]
            p = run(a.satlm, ["run", copy, "--no-check", "--dump-out", dump, "-q"] + extra)
            if p.returncode != 0:
                print(f"{name}: --no-check run exit {p.returncode}: {p.stderr.strip()}")
                failures += 1
                continue
            got = dumped_outputs(dump)
            want = expected_outputs(src, manifest)
            if got != want:
                bad = sum(1 for g, w in zip(got, want) for x, y in zip(g, w) if x != y)
                print(f"{name}: dumped output differs from the set's output ({bad} values; "
                      f"{len(got)} vs {len(want)} pixels)")
                failures += 1
                continue
            p = run(a.satlm, ["run", os.path.join(MANIFESTS, name + ".toml"), "-q"] + extra)
            if p.returncode != 0:
                print(f"{name}: checked run exit {p.returncode}: {p.stderr.strip()}")
                failures += 1
                continue
            print(f"{name}: signed off ({len(got)} pixels x {len(got[0])} channels)")
    print(f"{len(names) - failures} passed, {failures} failed")
    return 1 if failures else 0


def report_of(satlm, target, extra):
    with tempfile.TemporaryDirectory() as tmp:
        rep = os.path.join(tmp, "r.json")
        run(satlm, ["run", target, "-q", "--report", rep] + extra, expect=0)
        with open(rep) as f:
            return json.load(f)


# The report keys docs/cli.md promises to keep stable (dotted paths into the JSON).
STABLE_KEYS = ["match", "outputs", "mismatches", "cycles.total", "cycles.load_data",
               "cycles.load_weights", "cycles.execute", "cycles.drain", "cycles.accumulate",
               "cycles.stall", "cycles.refill", "cycles.stall_causes", "cycles.idle", "macs", "pe_utilization", "latency.first_psum_col0",
               "latency.first_psum_last_col", "fifo.l0.high_water", "fifo.ofifo.high_water"] + [
    f"sram.{m}.{k}" for m in ("xmem", "pmem")
    for k in ("reads", "writes", "bytes", "avg_bytes_per_cycle", "peak_bytes_per_cycle")] + [
    "config.array.rows", "config.layer.psum_bits", "config.schedule.kind", "config.files.weight"]


def _lookup(report, dotted):
    node = report
    parts = dotted.split(".")
    if parts[0] == "config":  # config keys are themselves dotted names
        return report.get("config", {}).get(".".join(parts[1:]))
    for p in parts:
        if not isinstance(node, dict) or p not in node:
            return None
        node = node[p]
    return node


def cmd_cycles(a):
    """Reference schedule: 1936 cycles and first-psum latencies 8/15 on the 6x6 single-tile sets;
    overlapped: under the best measured fused RTL (1139 cycles), same total in both fidelities."""
    external_sets(a.shared)
    failures = 0
    for name in SINGLE_TILE_6X6:
        for fid in ("cycle", "lt"):
            r = report_of(a.satlm, os.path.join(MANIFESTS, name + ".toml"),
                          ["--set", f"model.fidelity={fid}", "--set", "schedule.kind=reference"])
            missing = [k for k in STABLE_KEYS if _lookup(r, k) is None]
            if missing:
                print(f"{name} [{fid}]: report lacks the stable keys {missing}")
                failures += 1
            c = r["cycles"]
            buckets = sum(c[k] for k in ("load_data", "load_weights", "execute", "drain",
                                         "accumulate", "stall", "refill", "idle"))
            if sum(c["stall_causes"].values()) != c["stall"]:
                print(f"{name} [{fid}]: stall causes {c['stall_causes']} do not add up to stall {c['stall']}")
                failures += 1
            lat = r["latency"]
            ok = (c["total"] == 1936 and buckets == 1936 and lat["first_psum_col0"] == 8
                  and lat["first_psum_last_col"] == 15 and r["match"] is True)
            print(f"{name} [{fid}]: total {c['total']} (buckets {buckets}), latency "
                  f"{lat['first_psum_col0']}/{lat['first_psum_last_col']}, match {r['match']}"
                  + ("" if ok else "  <-- expected 1936, 8/15, match"))
            failures += not ok
            # The wen testbench's SRAM accesses (RTL_REFERENCE.md section 2): 36 activation and
            # 9 x 8 weight writes; per kij 1 + 8 weight and 1 + 36 activation reads, 37 pmem
            # writes (the last stores the stale head); 17 accumulation iterations x 9 reads.
            sram = {f"{m}.{k}": r["sram"][m][k] for m in ("xmem", "pmem") for k in ("reads", "writes")}
            want = {"xmem.reads": 9 * (9 + 37), "xmem.writes": 36 + 9 * 8,
                    "pmem.reads": 17 * 9, "pmem.writes": 9 * 37}
            if sram != want:
                print(f"{name} [{fid}]: SRAM accesses {sram}  <-- the testbench's are {want}")
                failures += 1
        totals = set()
        for fid in ("cycle", "lt"):
            r = report_of(a.satlm, os.path.join(MANIFESTS, name + ".toml"),
                          ["--set", f"model.fidelity={fid}", "--set", "schedule.kind=overlapped"])
            totals.add(r["cycles"]["total"])
            ok = r["cycles"]["total"] < 1139 and r["match"] is True
            print(f"{name} [{fid}, overlapped]: total {r['cycles']['total']}, match {r['match']}"
                  + ("" if ok else "  <-- expected under 1139 and match"))
            failures += not ok
        if len(totals) != 1:
            print(f"{name}: overlapped totals differ between fidelities: {sorted(totals)}")
            failures += 1
    print(f"{4 * len(SINGLE_TILE_6X6) - failures} passed, {failures} failed")
    return 1 if failures else 0


def cmd_flipped_bit(a):
    """One flipped bit in out.txt gives exit 1."""
    src = os.path.join(a.shared, "vectors", "external", "inq-ws4-p1")
    with tempfile.TemporaryDirectory() as tmp:
        dst = os.path.join(tmp, "inq")
        shutil.copytree(src, dst)
        path = os.path.join(dst, "out.txt")
        lines = open(path).read().split("\n")
        line = lines[5]
        lines[5] = line[:-1] + ("0" if line[-1] == "1" else "1")
        open(path, "w").write("\n".join(lines))
        p = run(a.satlm, ["run", dst], expect=1)
        if "ERROR" not in p.stdout or "mismatches 1" not in p.stdout:
            fail("expected one ERROR pixel line and `mismatches 1` in the summary")
    print("1 passed, 0 failed")
    return 0


ARRAYS = [(16, 16), (4, 8), (8, 8), (32, 4), (5, 3)]


def cmd_retile(a):
    """The model's array is independent of the files' tiling: a set generated with an 8x8 tiling
    (and every external set) gives identical outputs on 16x16, 4x8 and other arrays."""
    base, names = external_sets(a.shared)
    failures = total = 0
    with tempfile.TemporaryDirectory() as tmp:
        targets = []
        for bits, ch_in, ch_out, size in ((4, 20, 12, 7), (2, 24, 10, 5)):
            d = os.path.join(tmp, f"gen_a{bits}")
            tile_in = 8 if bits == 4 else 16
            run(a.satlm, ["gen", "--out", d, "--in-ch", str(ch_in), "--out-ch", str(ch_out),
                          "--height", str(size), "--width", str(size), "--act-bits", str(bits),
                          "--tile-in", str(tile_in), "--tile-out", "8", "--seed", "7"], expect=0)
            targets.append((f"generated {bits}-bit {ch_in}->{ch_out} {size}x{size}", d))
        targets += [(n, os.path.join(MANIFESTS, n + ".toml")) for n in names]
        for label, target in targets:
            dumps = {}
            for rows, cols in ARRAYS:
                for fid in ("cycle", "lt"):
                    total += 1
                    dump = os.path.join(tmp, f"dump_{rows}x{cols}_{fid}.txt")
                    p = run(a.satlm, ["run", target, "-q", "--dump-out", dump,
                                      "--set", f"array.rows={rows}", "--set", f"array.cols={cols}",
                                      "--set", f"model.fidelity={fid}"])
                    if p.returncode != 0:
                        failures += 1
                        print(f"{label} on {rows}x{cols} [{fid}]: exit {p.returncode} "
                              f"{(p.stderr.strip() or p.stdout[-300:])}")
                        continue
                    with open(dump) as f:
                        dumps[(rows, cols, fid)] = f.read()
            if len(set(dumps.values())) > 1:
                failures += 1
                print(f"{label}: outputs differ between arrays")
            else:
                print(f"{label}: identical outputs on {len(dumps)} array/fidelity combinations")
    print(f"{total - failures} passed, {failures} failed")
    return 1 if failures else 0


def cmd_vcd(a):
    """--vcd writes the key signals at exactly the given path, one value change per clock edge."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "wave.vcd")
        run(a.satlm, ["run", "-q", "--vcd", path], expect=0)
        if not os.path.exists(path):
            fail(f"{path} was not written ({os.listdir(tmp)})")
        text = open(path).read()
        names = set(re.findall(r"\$var\s+\S+\s+\d+\s+\S+\s+(\S+)", text))
        want = {"inst_load", "inst_execute", "inst_l0_rd", "inst_ofifo_rd", "o_valid",
                "head_0", "head_7", "psum_valid_0", "psum_7", "acc_0", "acc_7"}
        if not want <= names:
            fail(f"VCD lacks {sorted(want - names)}")
        stamps = [int(t) for t in re.findall(r"(?m)^#(\d+)$", text)]
        if not stamps or stamps != sorted(stamps):
            fail("VCD time stamps missing or not increasing")
        # With a VCD every cycle is stepped one by one; without, idle stretches are fast-forwarded
        # (accel_core::step_n). Both must give the same statistics and outputs.
        checked = 0
        for name in ("inq-ws4-p1", "yrn-ws4-10x10", "dingy-ws4-2itile", "wly-2b-16oc"):
            for sched in ("reference", "overlapped"):
                reports = []
                for vcd in (None, os.path.join(tmp, "w.vcd")):
                    rep = os.path.join(tmp, "r.json")
                    args = ["run", os.path.join(MANIFESTS, name + ".toml"), "-q", "--report", rep,
                            "--dump-out", os.path.join(tmp, "d.txt"), "--set", f"schedule.kind={sched}"]
                    run(a.satlm, args + (["--vcd", vcd] if vcd else []), expect=0)
                    r = json.load(open(rep))
                    r["dump"] = open(os.path.join(tmp, "d.txt")).read()
                    reports.append({k: r[k] for k in ("cycles", "sram", "fifo", "latency", "dump")})
                if reports[0] != reports[1]:
                    fail(f"{name} [{sched}]: stepping every cycle (--vcd) changes the run")
                checked += 1
    print(f"{1 + checked} passed, 0 failed")
    return 0


def cmd_memories(a):
    """Psum and acc files against the cycle model's own pmem and SFU reads: every real set that
    ships them matches, except wcl-ws4-p1's one known bad psum entry (a warning, exit 0)."""
    external_sets(a.shared)
    expect = {"shin-ws4-fa23": (0, 0), "yrn-ws4-10x10": (0, 0), "wcl-ws4-p1": (1, None),
              "ach-ws4-p1": (None, 0), "dsanei-ws4": (None, 0)}
    failures = 0
    for name, (psum_bad, acc_bad) in expect.items():
        r = report_of(a.satlm, os.path.join(MANIFESTS, name + ".toml"), [])
        problems = []
        if psum_bad is not None and (r["psum_check"]["mismatches"] != psum_bad
                                     or r["psum_check"]["against"] != "the model's pmem"):
            problems.append(f"psum {r['psum_check']}")
        if acc_bad is not None and (r["acc_check"]["mismatches"] != acc_bad
                                    or "SFU read" not in r["acc_check"]["against"]):
            problems.append(f"acc {r['acc_check']}")
        print(f"{name}: {'ok' if not problems else 'FAIL ' + '; '.join(problems)}")
        failures += bool(problems)
    print(f"{len(expect) - failures} passed, {failures} failed")
    return 1 if failures else 0


def cmd_overlapped_pmem(a):
    """The overlapped schedule runs with the pmem it really uses: the bundled set (16 output
    pixels) at pmem.words=64 and at 16 gives the outputs of the default 2048 words, both
    fidelities; 15 words split it into bands (named in the report), still the same outputs."""
    failures = checks = 0
    with tempfile.TemporaryDirectory() as tmp:
        dumps = {}
        for words in (2048, 64, 16, 15):
            for fid in ("cycle", "lt"):
                checks += 1
                dump = os.path.join(tmp, f"d_{words}_{fid}.txt")
                rep = os.path.join(tmp, "r.json")
                p = run(a.satlm, ["run", "-q", "--dump-out", dump, "--report", rep,
                                  "--set", "schedule.kind=overlapped", "--set", f"pmem.words={words}",
                                  "--set", f"model.fidelity={fid}"])
                if p.returncode != 0:
                    print(f"pmem.words={words} [{fid}]: exit {p.returncode}: {p.stderr.strip() or p.stdout[-300:]}")
                    failures += 1
                    continue
                r = json.load(open(rep))
                want_limit = "pmem.words" if words < 16 else ""
                if r["match"] is not True or r["tiling"]["band_limit"] != want_limit:
                    print(f"pmem.words={words} [{fid}]: match {r['match']}, band_limit "
                          f"{r['tiling']['band_limit']!r} (expected {want_limit!r})")
                    failures += 1
                dumps[(words, fid)] = open(dump).read().split("\n", 3)[3]  # without the header
        if len(set(dumps.values())) != 1:
            print(f"outputs differ between pmem sizes: {sorted(k for k in dumps)}")
            failures += 1
    print(f"{checks - failures} passed, {failures} failed")
    return 1 if failures else 0


# Each key's values in order of fewer resources: cycles.total must never drop along a list.
TAKE_AWAY = {
    "xmem.read_latency": [1, 2, 4],
    "pmem.read_latency": [1, 2, 4, 8],
    "sfu.latency": [1, 3],
    "offchip.bytes_per_cycle": [8, 4, 2, 1],
    "l0.depth": [64, 32, 16, 8],
    "ofifo.depth": [64, 32, 8, 2],
    "pmem.words": [2048, 1024, 512, 256, 64],
    "xmem.words": [2048, 1024, 512],
    "offchip.latency": [0, 4, 16],
    "offchip.burst_bytes": [0, 64, 16, 4],
    "pmem.banks": [4, 2, 1],
    "pmem.ports": [2, 1],
}


def cmd_monotone(a):
    """On every external set, both schedules: taking a resource away never lowers cycles.total
    (LT fidelity, a refused geometry ends a list); the buckets and stall causes partition the
    total; the cycle model reports the same counters as the LT model."""
    base_dir, names = external_sets(a.shared)
    failures = checks = 0
    for name in names:
        target = os.path.join(MANIFESTS, name + ".toml")
        for sched in ("reference", "overlapped"):
            reps = {fid: report_of(a.satlm, target, ["--set", f"schedule.kind={sched}",
                                                     "--set", f"model.fidelity={fid}"])
                    for fid in ("cycle", "lt")}
            counters = lambda r: {k: r[k] for k in ("cycles", "sram", "fifo", "latency")}
            checks += 1
            if counters(reps["cycle"]) != counters(reps["lt"]):
                print(f"{name} [{sched}]: cycle and lt counters differ")
                failures += 1
            c = reps["lt"]["cycles"]
            checks += 1
            if (sum(v for k, v in c.items() if k not in ("total", "stall_causes")) != c["total"]
                    or sum(c["stall_causes"].values()) != c["stall"]):
                print(f"{name} [{sched}]: buckets {c} do not partition the total")
                failures += 1
            for key, values in TAKE_AWAY.items():
                last = None
                seen = []
                for v in values:
                    with tempfile.TemporaryDirectory() as tmp:
                        rep = os.path.join(tmp, "r.json")
                        p = run(a.satlm, ["run", target, "-q", "--report", rep, "--set", f"schedule.kind={sched}",
                                          "--set", "model.fidelity=lt", "--set", f"{key}={v}"])
                        if p.returncode == 2:
                            break  # refused: no fewer cycles from here on
                        if p.returncode != 0:
                            print(f"{name} [{sched}] {key}={v}: exit {p.returncode}: {p.stderr.strip()}")
                            failures += 1
                            break
                        total = json.load(open(rep))["cycles"]["total"]
                    seen.append((v, total))
                    checks += 1
                    if last is not None and total < last:
                        print(f"{name} [{sched}]: {key} {seen}: fewer resources, fewer cycles")
                        failures += 1
                    last = total
    print(f"{checks - failures} passed, {failures} failed")
    return 1 if failures else 0


def header_and_data(path):
    """(header lines, data lines) of a vector file, read the way a testbench does."""
    head, data = [], []
    with open(path, "rb") as f:
        for raw in f.read().decode("latin-1").split("\n"):
            line = raw.rstrip(" \t\r")
            if not line:
                continue
            if data or re.fullmatch(r"[01]+", line):
                data.append(line)
            else:
                head.append(line)
    return head, data


def files_in(folder):
    out = set()
    for root, _, names in os.walk(folder):
        for n in names:
            out.add(os.path.relpath(os.path.join(root, n), folder))
    return out


def cmd_gen_like(a):
    """satlm gen --like on every external set: new tensors in the set's layout (its file names,
    header lines, field orders) and the round trip --from-set; both folders sign off in
    `satlm run` on the folder alone (the vectorset.toml gen wrote), psums and acc included, and
    the round trip gives every file of the set back line for line."""
    base, names = external_sets(a.shared)
    failures = 0
    for name in names:
        manifest = os.path.join(MANIFESTS, name + ".toml")
        src = os.path.join(base, name)
        problems = []
        with tempfile.TemporaryDirectory() as tmp:
            fresh, back = os.path.join(tmp, "fresh"), os.path.join(tmp, "back")
            run(a.satlm, ["gen", "--like", manifest, "--seed", "7", "--out", fresh], expect=0)
            run(a.satlm, ["gen", "--like", manifest, "--from-set", manifest, "--out", back], expect=0)
            wanted = {f for f in files_in(src) if f != "SOURCE.md" and not f.endswith("_relu.txt")}
            for folder, tag in ((fresh, "new tensors"), (back, "round trip")):
                written = files_in(folder) - {"vectorset.toml"}
                if written != wanted:
                    problems.append(f"{tag}: files {sorted(written ^ wanted)[:4]} differ from the set's")
                    continue
                r = report_of(a.satlm, folder, [])
                psum_bad = r.get("psum_check", {}).get("mismatches", 0)
                acc_bad = r.get("acc_check", {}).get("mismatches", 0)
                known = 1 if (name == "wcl-ws4-p1" and folder == back) else 0  # its 0x8000 entry
                if not r["match"] or psum_bad != known or acc_bad:
                    problems.append(f"{tag}: match {r['match']}, psum mismatches {psum_bad}, acc {acc_bad}")
                for f in sorted(wanted):
                    mine, theirs = header_and_data(os.path.join(folder, f)), header_and_data(os.path.join(src, f))
                    if mine[0] != theirs[0]:
                        problems.append(f"{tag}: {f}: header lines differ")
                    if len(mine[1]) != len(theirs[1]) or (folder == back and mine[1] != theirs[1]):
                        problems.append(f"{tag}: {f}: data lines differ")
        print(f"{name}: {'ok' if not problems else 'FAIL ' + '; '.join(problems[:3])}")
        failures += bool(problems)
    print(f"{len(names) - failures} passed, {failures} failed")
    return 1 if failures else 0


def _without_top(report):
    """A report without what names the top or the host's time (the rest must be identical)."""
    r = dict(report)
    r["time"] = {k: v for k, v in r.get("time", {}).items() if k != "wall_seconds"}
    r["config"] = {k: v for k, v in r.get("config", {}).items() if k != "model.top"}
    r["config_sources"] = {k: v for k, v in r.get("config_sources", {}).items() if k != "model.top"}
    return r


def cmd_structural(a):
    """The structural top (model.top = structural) against the stepped top on every external set,
    both schedules: identical reports (outputs, checks, every cycle bucket and stall cause, SRAM
    traffic, FIFO high water, latencies), the structural stall causes zero; and the RTL's figures
    on the 6x6 single-tile sets (1936 cycles, first psums +8 / +15)."""
    _, names = external_sets(a.shared)
    failures = 0
    for name in names:
        for sched in ("reference", "overlapped"):
            target = os.path.join(MANIFESTS, name + ".toml")
            base = ["--set", "model.fidelity=cycle", "--set", f"schedule.kind={sched}"]
            stepped = report_of(a.satlm, target, base + ["--set", "model.top=stepped"])
            structural = report_of(a.satlm, target, base + ["--set", "model.top=structural"])
            problems = []
            if structural.get("config", {}).get("model.top") != "structural":
                problems.append(f"report names top {structural.get('config', {}).get('model.top')}")
            if _without_top(stepped) != _without_top(structural):
                keys = sorted(k for k in set(stepped) | set(structural)
                              if _without_top(stepped).get(k) != _without_top(structural).get(k))
                problems.append(f"reports differ in {keys}")
            causes = structural["cycles"]["stall_causes"]
            if causes.get("xmem_wait") != 0 or causes.get("pmem_wait") != 0:
                problems.append(f"memory waits {causes} with the sram model")
            if structural["match"] is not True:
                problems.append("outputs do not match the set")
            if name in SINGLE_TILE_6X6 and sched == "reference":
                lat = structural["latency"]
                if (structural["cycles"]["total"], lat["first_psum_col0"], lat["first_psum_last_col"]) != (1936, 8, 15):
                    problems.append(f"{structural['cycles']['total']} cycles, +{lat['first_psum_col0']}/"
                                    f"+{lat['first_psum_last_col']}: the RTL's are 1936, +8/+15")
            print(f"{name} [{sched}]: " + ("; ".join(problems) if problems else
                  f"structural = stepped ({structural['cycles']['total']} cycles)"))
            failures += bool(problems)
    print(f"{2 * len(names) - failures} passed, {failures} failed")
    return 1 if failures else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("command")
    ap.add_argument("--satlm", required=True)
    ap.add_argument("--shared", required=True)
    ap.add_argument("--fidelity", default="cycle")
    ap.add_argument("--schedule", default="reference")
    ap.add_argument("--only", help="one external set")
    ap.add_argument("--top", help="model.top of the cycle runs (default: the built-in)")
    a = ap.parse_args()
    return {"external": cmd_external, "cycles": cmd_cycles, "flipped-bit": cmd_flipped_bit,
            "retile": cmd_retile, "vcd": cmd_vcd, "memories": cmd_memories,
            "overlapped-pmem": cmd_overlapped_pmem, "monotone": cmd_monotone,
            "gen-like": cmd_gen_like, "structural": cmd_structural}[a.command](a)


if __name__ == "__main__":
    sys.exit(main())
