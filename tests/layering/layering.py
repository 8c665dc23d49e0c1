#!/usr/bin/env python3
"""The layering of the sources: every folder includes only the folders below it.

The table is the one in docs/architecture.md (and the libraries' links in CMake). A folder
including a folder it may not use, or a cycle between folders, fails the test with the file
and line.
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# Folder -> the folders it may include (besides itself). Lower layers first.
ALLOWED = {
    "tlm": set(),
    "sram": {"tlm"},
    "pe": {"sram", "tlm"},
    "dataflow": {"pe", "sram", "tlm"},
    "accel": {"dataflow", "pe", "sram", "tlm"},
    "engine": {"dataflow", "pe", "sram", "tlm"},
    "vectors": {"tlm"},
    "testbench": {"accel", "engine", "dataflow", "pe", "sram", "tlm", "vectors"},
    "net": {"accel", "testbench", "engine", "dataflow", "pe", "sram", "tlm", "vectors"},
    "gen": {"accel", "testbench", "engine", "dataflow", "pe", "sram", "tlm", "vectors"},
    "sweep": {"accel", "net", "testbench", "engine", "dataflow", "pe", "sram", "tlm", "vectors"},
    "python": {"accel", "sweep", "net", "gen", "testbench", "engine", "dataflow", "pe", "sram", "tlm", "vectors"},
    "cli": {"accel", "sweep", "net", "gen", "testbench", "engine", "dataflow", "pe", "sram", "tlm", "vectors"},
    "bench": {"accel", "sweep", "net", "gen", "testbench", "engine", "dataflow", "pe", "sram", "tlm", "vectors"},
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^/"]+)/')


def main():
    problems = []
    for folder, allowed in ALLOWED.items():
        base = os.path.join(ROOT, folder)
        if not os.path.isdir(base):
            continue
        for dirpath, _, files in os.walk(base):
            for name in files:
                if not name.endswith((".h", ".cpp")):
                    continue
                path = os.path.join(dirpath, name)
                with open(path, encoding="utf-8") as f:
                    for n, line in enumerate(f, 1):
                        m = INCLUDE.match(line)
                        if m and m.group(1) != folder and m.group(1) in ALLOWED and m.group(1) not in allowed:
                            problems.append(f"{os.path.relpath(path, ROOT)}:{n}: {folder}/ may not include "
                                            f"{m.group(1)}/ (allowed: {', '.join(sorted(allowed)) or 'none'})")
    # The table itself must be a DAG (no folder reachable from itself).
    for folder in ALLOWED:
        seen, todo = set(), list(ALLOWED[folder])
        while todo:
            f = todo.pop()
            if f == folder:
                problems.append(f"layering table: {folder} depends on itself")
                break
            if f not in seen:
                seen.add(f)
                todo.extend(ALLOWED.get(f, ()))
    unknown = sorted(d for d in os.listdir(ROOT) if os.path.isfile(os.path.join(ROOT, d, "CMakeLists.txt"))
                     and d not in ALLOWED and d not in ("tests", "build", "examples")
                     and not d.startswith("build"))
    for d in unknown:
        problems.append(f"{d}/ has a CMakeLists.txt but no place in the layering table")
    for p in problems:
        print(f"FAIL: {p}")
    if problems:
        sys.exit(1)
    print(f"ok: {len([f for f in ALLOWED if os.path.isdir(os.path.join(ROOT, f))])} folders, includes point down only")


if __name__ == "__main__":
    main()
