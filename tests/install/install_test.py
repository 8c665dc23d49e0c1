#!/usr/bin/env python3
"""satlm installed and used from outside its tree (tests/install/CMakeLists.txt, slow_memory.cpp).

Each test runs `cmake --install` of the build tree into a fresh temporary prefix, configures and
builds the out-of-tree project against it with find_package(satlm), then runs a vector set:
  package      the stepped top through the installed libraries: signs off with the cycles and SRAM
               counters of the in-tree `satlm run`; the prefix holds the headers, libraries,
               programs and package files.
  user_memory  the structural top with xmem.model=slow_memory, the user's model: signs off, the
               user's model served every xmem access of the run, and the run took exactly one
               stall cycle (xmem_wait) per read more than with the built-in "sram".
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile


def fail(msg):
    print(f"FAIL: {msg}")
    sys.exit(1)


def run(cmd, what, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        fail(f"{what} (exit {r.returncode}): {' '.join(cmd)}\n{r.stdout[-4000:]}\n{r.stderr[-4000:]}")
    return r


def install_and_build(a, tmp):
    prefix = os.path.join(tmp, "prefix")
    run([a.cmake, "--install", a.build, "--prefix", prefix], "cmake --install")
    build = os.path.join(tmp, "user")
    configure = [a.cmake, "-S", a.project, "-B", build, f"-DCMAKE_PREFIX_PATH={prefix}",
                 f"-DCMAKE_BUILD_TYPE={a.build_type}", f"-DCMAKE_CXX_COMPILER={a.cxx}",
                 f"-DCMAKE_CXX_FLAGS={a.cxx_flags}"]
    if a.generator:
        configure += ["-G", a.generator]
    if a.launcher:
        configure.append(f"-DCMAKE_CXX_COMPILER_LAUNCHER={a.launcher}")
    run(configure, "configuring the out-of-tree project with find_package(satlm)")
    run([a.cmake, "--build", build], "building the out-of-tree project")
    program = os.path.join(build, "slow_memory_run")
    if not os.access(program, os.X_OK):
        fail(f"no program {program}")
    return prefix, program


def run_set(program, report, sets, cwd):
    """Runs the user's program on the set; returns (report of the one set, reads, writes served)."""
    cmd = [program, report["set"], "--report", report["file"]]
    for s in sets:
        cmd += ["--set", s]
    r = run(cmd, f"the run with {' '.join(sets) or 'the defaults'} did not sign off", cwd=cwd)
    if "SIGNED OFF" not in r.stdout:
        fail(f"no sign-off in the output of {' '.join(cmd)}:\n{r.stdout[-2000:]}")
    m = re.search(r"slow_memory served (\d+) reads and (\d+) writes", r.stdout)
    if not m:
        fail(f"the program did not print what slow_memory served:\n{r.stdout[-2000:]}")
    with open(report["file"]) as f:
        j = json.load(f)
    j = j["sets"][0] if "sets" in j else j
    if j.get("match") is not True or j.get("mismatches") != 0:
        fail(f"{report['file']}: the outputs do not match out.txt")
    return j, int(m.group(1)), int(m.group(2))


def test_package(a):
    with tempfile.TemporaryDirectory() as tmp:
        prefix, program = install_and_build(a, tmp)
        for rel in ["include/satlm/sram/memory_model.h", "include/satlm/tlm/config.h",
                    "include/satlm/cli/run_command.h", "lib/libsatlm_sram.a", "lib/libsatlm_cli.a",
                    "lib/cmake/satlm/satlmConfig.cmake", "lib/cmake/satlm/satlmConfigVersion.cmake",
                    "lib/cmake/satlm/satlmTargets.cmake", "bin/satlm"]:
            if not os.path.exists(os.path.join(prefix, rel)):
                fail(f"cmake --install put no {rel} into the prefix")
        r = run([os.path.join(prefix, "bin", "satlm"), "--version"], "the installed satlm --version")
        if not r.stdout.startswith("satlm "):
            fail(f"the installed satlm --version printed {r.stdout!r}")
        got, reads, writes = run_set(program, {"set": a.set, "file": os.path.join(tmp, "user.json")}, [], tmp)
        if reads or writes:
            fail(f"the stepped top binds no memory model, yet slow_memory served {reads} reads, {writes} writes")
        ref = os.path.join(tmp, "ref.json")
        run([a.satlm, "run", a.set, "--report", ref], "the in-tree satlm run")
        with open(ref) as f:
            want = json.load(f)
        want = want["sets"][0] if "sets" in want else want
        for key in ["cycles", "sram", "macs"]:
            if got[key] != want[key]:
                fail(f"{key}: the installed libraries give {got[key]}, the in-tree satlm {want[key]}")
        print(f"ok: installed satlm builds an out-of-tree program that signs off {a.set} "
              f"in {got['cycles']['total']} cycles, as the in-tree satlm")


def test_user_memory(a):
    with tempfile.TemporaryDirectory() as tmp:
        _, program = install_and_build(a, tmp)
        base, reads0, writes0 = run_set(program, {"set": a.set, "file": os.path.join(tmp, "sram.json")},
                                        ["model.top=structural", "xmem.model=sram"], tmp)
        if reads0 or writes0:
            fail(f"xmem.model=sram, yet slow_memory served {reads0} reads and {writes0} writes")
        got, reads, writes = run_set(program, {"set": a.set, "file": os.path.join(tmp, "slow.json")},
                                     ["model.top=structural", "xmem.model=slow_memory"], tmp)
        if got["config"].get("xmem.model") != "slow_memory":
            fail(f"the report names xmem.model {got['config'].get('xmem.model')!r}, not slow_memory")
        xmem = got["sram"]["xmem"]
        if reads == 0 or (reads, writes) != (xmem["reads"], xmem["writes"]):
            fail(f"slow_memory served {reads} reads and {writes} writes, the run made {xmem['reads']} xmem reads "
                 f"and {xmem['writes']} writes")
        traffic = lambda j: {m: {k: j["sram"][m][k] for k in ("reads", "writes", "bytes")} for m in ("xmem", "pmem")}
        if traffic(base) != traffic(got):
            fail(f"the SRAM traffic changed with the memory model: {traffic(base)} vs {traffic(got)}")
        wait0 = base["cycles"]["stall_causes"].get("xmem_wait")
        wait = got["cycles"]["stall_causes"].get("xmem_wait")
        if wait0 != 0 or wait != reads:
            fail(f"xmem_wait stalls: {wait0} with sram, {wait} with slow_memory; expected 0 and one per read ({reads})")
        if got["cycles"]["total"] != base["cycles"]["total"] + wait:
            fail(f"cycles: {got['cycles']['total']} with slow_memory, {base['cycles']['total']} with sram, "
                 f"expected the difference to be the {wait} xmem_wait stalls")
        print(f"ok: slow_memory, built against the installed satlm, served all {reads} reads and {writes} writes "
              f"of xmem; {a.set} signs off in {got['cycles']['total']} cycles "
              f"({base['cycles']['total']} + {wait} stalls)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("test", choices=["package", "user_memory"])
    ap.add_argument("--cmake", required=True)
    ap.add_argument("--build", required=True, help="satlm's build tree (built)")
    ap.add_argument("--project", required=True, help="the out-of-tree project (tests/install)")
    ap.add_argument("--set", required=True, help="the vector set to run")
    ap.add_argument("--satlm", required=True, help="the in-tree satlm program")
    ap.add_argument("--cxx", required=True)
    ap.add_argument("--cxx-flags", default="", help="compile flags of satlm's build (the sanitizers)")
    ap.add_argument("--build-type", default="Release")
    ap.add_argument("--generator", default="")
    ap.add_argument("--launcher", default="")
    a = ap.parse_args()
    a.set = os.path.abspath(a.set)
    {"package": test_package, "user_memory": test_user_memory}[a.test](a)


if __name__ == "__main__":
    main()
