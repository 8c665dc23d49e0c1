#!/usr/bin/env python3
"""Hostile-input tier (docs/safety.md): one case per safety rule and per class of bad input.

Every case runs satlm on a private copy of a vector set and checks the exit code, that stderr
is one line naming the culprit, that the run ends within the time bound, and that every input
file's bytes are unchanged afterwards (and that no temporary file is left behind).

Usage: hostile_input.py --satlm SATLM --shared SHARED --case NAME   (or --list)
Each `@case("name")` line is one ctest entry (tests/system/system.cmake).
"""
import argparse
import hashlib
import json
import os
import re
import shutil
import stat
import struct
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_SET = os.path.join(ROOT, "vectors", "default")
TIME_BOUND = float(os.environ.get("SATLM_HOSTILE_SECONDS", "3"))  # "within a second", with slack for CI

CASES = {}


def case(name):
    def register(fn):
        CASES[name] = fn
        return fn
    return register


class Failure(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Failure(msg)


class Env:
    """A private folder with a copy of the default set at env.set, and the satlm executable."""

    def __init__(self, satlm, shared):
        self.satlm = satlm
        self.shared = shared
        self.tmp = tempfile.mkdtemp(prefix="satlm_hostile_")
        os.chmod(self.tmp, 0o755)
        self.set = os.path.join(self.tmp, "set")
        shutil.copytree(DEFAULT_SET, self.set)
        self.mounts = []

    def path(self, *parts):
        return os.path.join(self.tmp, *parts)

    def write(self, name, data, mode="w"):
        p = self.path(name)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, mode) as f:
            f.write(data)
        return p

    def tmpfs(self, name, size="64k"):
        """A small file system (a full disk); None when mounting is not allowed here."""
        p = self.path(name)
        os.makedirs(p, exist_ok=True)
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", p], capture_output=True)
        if r.returncode != 0:
            return None
        self.mounts.append(p)
        return p

    def close(self):
        for m in self.mounts:
            subprocess.run(["umount", m], capture_output=True)
        for root, dirs, files in os.walk(self.tmp):
            for d in dirs:
                try:
                    os.chmod(os.path.join(root, d), 0o755)
                except OSError:
                    pass
        shutil.rmtree(self.tmp, ignore_errors=True)


def snapshot(paths):
    """sha256 of every regular file under the given files/folders (symlinks as their target text)."""
    out = {}
    for top in paths:
        if os.path.islink(top):
            out[top] = "link:" + os.readlink(top)
            continue
        if os.path.isfile(top):
            with open(top, "rb") as f:
                out[top] = hashlib.sha256(f.read()).hexdigest()
            continue
        for root, dirs, files in os.walk(top):
            for n in files + [d for d in dirs if os.path.islink(os.path.join(root, d))]:
                p = os.path.join(root, n)
                if os.path.islink(p):
                    out[p] = "link:" + os.readlink(p)
                elif stat.S_ISREG(os.lstat(p).st_mode):
                    try:
                        with open(p, "rb") as f:
                            out[p] = hashlib.sha256(f.read()).hexdigest()
                    except PermissionError:
                        out[p] = "unreadable"
                else:
                    out[p] = "special"
    return out


def leftovers(folder):
    found = []
    for root, dirs, files in os.walk(folder):
        for n in files + dirs:
            if ".satlm-" in n or n.startswith("satlm-vcd-"):
                found.append(os.path.join(root, n))
    return found


def run(env, args, code, regex=None, inputs=None, timeout=30, prefix=None, stdout_regex=None):
    """Runs satlm; checks exit code, the one stderr line, the time bound and unchanged inputs."""
    inputs = [env.set] if inputs is None else inputs
    before = snapshot(inputs)
    t0 = time.monotonic()
    try:
        p = subprocess.run((prefix or []) + [env.satlm] + args, capture_output=True, text=True,
                           timeout=timeout, errors="replace")
    except subprocess.TimeoutExpired:
        raise Failure(f"satlm {' '.join(args)}: no answer within {timeout} s (hangs)")
    elapsed = time.monotonic() - t0
    after = snapshot(inputs)
    where = f"satlm {' '.join(args)}"
    check(p.returncode >= 0, f"{where}: killed by signal {-p.returncode}")
    check(p.returncode == code, f"{where}: exit {p.returncode}, expected {code}\nstderr: {p.stderr[-1500:]}\n"
                                f"stdout tail: {p.stdout[-800:]}")
    if code == 2:
        lines = [l for l in p.stderr.splitlines() if l.strip()]
        check(len(lines) == 1, f"{where}: expected one stderr line, got {len(lines)}: {p.stderr}")
        check(lines[0].startswith("satlm: error: "), f"{where}: unexpected stderr: {lines[0]}")
        check(elapsed < TIME_BOUND, f"{where}: exit 2 after {elapsed:.2f} s, expected within {TIME_BOUND} s")
    if regex:
        check(re.search(regex, p.stderr if code == 2 else p.stdout + p.stderr),
              f"{where}: output does not match /{regex}/:\n{p.stderr}{p.stdout[-1000:]}")
    if stdout_regex:
        check(re.search(stdout_regex, p.stdout), f"{where}: stdout does not match /{stdout_regex}/:\n{p.stdout[-2000:]}")
    changed = [k for k in before if after.get(k) != before[k]] + [k for k in after if k not in before]
    check(not changed, f"{where}: input files changed: {changed}")
    left = leftovers(env.tmp)
    check(not left, f"{where}: temporary files left behind: {left}")
    return p


def flip_bit(path, data_line_index, column):
    """Flips one digit of the data_line_index-th data line (after the 3 # header lines)."""
    with open(path) as f:
        lines = f.read().split("\n")
    n = 3 + data_line_index
    line = lines[n]
    lines[n] = line[:column] + ("1" if line[column] == "0" else "0") + line[column + 1:]
    with open(path, "w") as f:
        f.write("\n".join(lines))
    return n + 1  # 1-based file line


def write_npy(path, array_shape, values, dtype="<i4"):
    header = "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }" % (
        dtype, "".join(f"{d}, " for d in array_shape))
    header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode())
        f.write(struct.pack("<%di" % len(values), *values))


# ---------------------------------------------------------------- inputs are never written
@case("dump_out_is_expected_output")
def _(env):
    run(env, ["run", env.set, "--dump-out", os.path.join(env.set, "out.txt")], 2, r"--dump-out .*out\.txt: is an input of this run.*out\.txt")


@case("dump_out_is_expected_output_no_check")
def _(env):
    run(env, ["run", env.set, "--no-check", "--dump-out", os.path.join(env.set, "out.txt")], 2, r"is an input of this run")


@case("report_is_weight_file")
def _(env):
    w = os.path.join(env.set, "weight_itile0_otile0_kij4.txt")
    run(env, ["run", env.set, "--report", w], 2, r"--report .*weight_itile0_otile0_kij4\.txt: is an input.*weight_itile0_otile0_kij4")


@case("report_is_config_file")
def _(env):
    cfg = env.write("arch.toml", "[array]\nrows = 8\n")
    run(env, ["run", env.set, "--config", cfg, "--report", cfg], 2, r"--report .*arch\.toml: is an input of this run \(--config .*arch\.toml\)",
        inputs=[env.set, cfg])


@case("report_is_manifest")
def _(env):
    run(env, ["run", env.set, "--report", os.path.join(env.set, "vectorset.toml")], 2, r"vectorset\.toml: is an input")


@case("output_symlink_to_input")
def _(env):
    link = env.path("innocent.json")
    os.symlink(os.path.join(env.set, "out.txt"), link)
    run(env, ["run", env.set, "--report", link], 2, r"innocent\.json: is an input of this run .*out\.txt", inputs=[env.set, link])


@case("output_hard_link_to_input")
def _(env):
    link = env.path("hard.txt")
    os.link(os.path.join(env.set, "activation_tile0.txt"), link)
    run(env, ["run", env.set, "--dump-out", link], 2, r"hard\.txt: is an input of this run", inputs=[env.set, link])


@case("vcd_is_input")
def _(env):
    shutil.copy(os.path.join(env.set, "out.txt"), os.path.join(env.set, "w.vcd"))
    # w.vcd is no input of the set: only files the set reads are protected, so aim at one that is.
    os.remove(os.path.join(env.set, "w.vcd"))
    os.symlink("out.txt", os.path.join(env.set, "w.vcd"))
    run(env, ["run", env.set, "--vcd", os.path.join(env.set, "w.vcd")], 2, r"--vcd .*: is an input of this run")


@case("two_outputs_same_path")
def _(env):
    r = env.path("r.json")
    run(env, ["run", env.set, "--report", r, "--junit", r], 2, r"--junit .*r\.json: is the same file as --report .*r\.json")
    check(not os.path.exists(r), "a refused run wrote the report")


@case("two_outputs_same_file_through_symlink")
def _(env):
    r = env.write("r.json", "keep")
    link = env.path("alias.txt")
    os.symlink(r, link)
    run(env, ["run", env.set, "--report", r, "--dump-out", link], 2, r"--report .*r\.json: is the same file as --dump-out .*alias\.txt",
        inputs=[env.set, r])


# ------------------------------------------------------------------- outputs: special files
@case("output_is_folder")
def _(env):
    os.mkdir(env.path("out"))
    run(env, ["run", env.set, "--report", env.path("out")], 2, r"--report .*out: is a folder")


@case("output_is_fifo")
def _(env):
    os.mkfifo(env.path("pipe"))
    run(env, ["run", env.set, "--dump-out", env.path("pipe")], 2, r"--dump-out .*pipe: is a named pipe", timeout=10)


@case("output_is_device")
def _(env):
    run(env, ["run", env.set, "--dump-out", "/dev/full"], 2, r"--dump-out /dev/full: is a device")
    run(env, ["run", env.set, "--report", "/dev/null"], 2, r"--report /dev/null: is a device")


@case("output_folder_missing")
def _(env):
    run(env, ["run", env.set, "--report", env.path("nowhere", "r.json")], 2, r"--report .*r\.json: folder .*nowhere does not exist")


@case("output_symlink_loop")
def _(env):
    os.symlink(env.path("b"), env.path("a"))
    os.symlink(env.path("a"), env.path("b"))
    run(env, ["run", env.set, "--report", env.path("a")], 2, r"--report .*a: symbolic link loop", inputs=[env.set])


@case("output_dangling_symlink_is_followed")
def _(env):
    link = env.path("latest.json")
    os.symlink("reports/r1.json", link)
    os.mkdir(env.path("reports"))
    run(env, ["run", env.set, "-q", "--report", link], 0)
    check(os.path.islink(link), "the symlink at the output path was replaced")
    with open(env.path("reports", "r1.json")) as f:
        check(json.load(f)["match"] is True, "the report behind the link is not complete")


@case("empty_output_path")
def _(env):
    for opt in ("--report", "--dump-out", "--vcd", "--junit", "--config"):
        run(env, ["run", env.set, opt, ""], 2, rf"{opt}: expected a file name, got an empty path")
    run(env, ["run", ""], 2, r"expected a file name, got an empty path")


@case("failed_run_leaves_existing_output_untouched")
def _(env):
    r = env.write("r.json", "previous report\n")
    with open(os.path.join(env.set, "activation_tile0.txt"), "a") as f:
        f.write("0101\n")
    run(env, ["run", env.set, "--report", r, "--dump-out", env.path("d.txt")], 2, r"activation_tile0\.txt", inputs=[env.set, r])
    check(not os.path.exists(env.path("d.txt")), "a failed run left an output file")


@case("output_written_whole_or_not_at_all")
def _(env):
    r = env.path("r.json")
    d = env.path("d.txt")
    run(env, ["run", env.set, "-q", "--report", r, "--dump-out", d], 0)
    with open(r) as f:
        j = json.load(f)
    check(j["schema_version"] >= 2 and j["match"] is True, "report incomplete")
    with open(d) as f:
        check(len([l for l in f.read().split("\n") if l and not l.startswith("#")]) == 16, "dump incomplete")


# ------------------------------------------------------------------------- full disk, VCD
@case("vcd_folder_in_the_way")
def _(env):
    os.mkdir(env.path("wave.vcd"))
    run(env, ["run", env.set, "--vcd", env.path("wave")], 2, r"--vcd .*wave\.vcd: is a folder")


@case("vcd_full_disk")
def _(env):
    small = env.tmpfs("small", "32k")
    if small is None:  # no mount permission: the file-size limit is the same fault
        run(env, ["run", env.set, "-q", "--vcd", env.path("w.vcd")], 2, r"--vcd .*: cannot write: File too large",
            prefix=["prlimit", "--fsize=20000"])
        return
    run(env, ["run", env.set, "-q", "--vcd", os.path.join(small, "w.vcd")], 2, r"--vcd .*w\.vcd: cannot write: No space left")
    check(os.listdir(small) == [], f"full disk: files left behind: {os.listdir(small)}")


@case("vcd_file_size_limit")
def _(env):
    run(env, ["run", env.set, "-q", "--vcd", env.path("w.vcd")], 2, r"--vcd .*w\.vcd: cannot write: File too large",
        prefix=["prlimit", "--fsize=20000"])
    check(not os.path.exists(env.path("w.vcd")), "a cut waveform was left behind")


@case("report_full_disk")
def _(env):
    small = env.tmpfs("small", "8k")
    big = env.path("big.json")
    if small is None:
        run(env, ["run", env.set, "--report", big], 2, r"--report .*: cannot write", prefix=["prlimit", "--fsize=2000"])
        return
    with open(os.path.join(small, "filler"), "wb") as f:  # leave a few hundred bytes
        try:
            f.write(b"x" * 7000)
        except OSError:
            pass
    run(env, ["run", env.set, "--report", os.path.join(small, "r.json")], 2, r"--report .*r\.json: cannot write: No space left",
        inputs=[env.set, os.path.join(small, "filler")])
    check(sorted(os.listdir(small)) == ["filler"], f"full disk: files left behind: {os.listdir(small)}")


@case("dump_out_file_size_limit")
def _(env):
    run(env, ["run", env.set, "-q", "--dump-out", env.path("d.txt")], 2, r"--dump-out .*d\.txt: cannot write: File too large",
        prefix=["prlimit", "--fsize=300"])
    check(not os.path.exists(env.path("d.txt")), "a cut output file was left behind")


@case("vcd_needs_cycle_fidelity")
def _(env):
    run(env, ["run", env.set, "--set", "model.fidelity=lt", "--vcd", env.path("w.vcd")], 2, r"--vcd .*model\.fidelity")


# ----------------------------------------------------------------- inputs: special files
@case("config_is_folder")
def _(env):
    run(env, ["run", env.set, "--config", env.tmp], 2, r"--config .*: is a folder, expected a regular file")


@case("config_is_fifo")
def _(env):
    os.mkfifo(env.path("cfg.toml"))
    run(env, ["run", env.set, "--config", env.path("cfg.toml")], 2, r"--config .*cfg\.toml: is a named pipe", timeout=10)


@case("config_is_device")
def _(env):
    run(env, ["run", env.set, "--config", "/dev/zero"], 2, r"--config /dev/zero: is a device")


@case("config_symlink_loop")
def _(env):
    os.symlink(env.path("l2"), env.path("l1"))
    os.symlink(env.path("l1"), env.path("l2"))
    run(env, ["run", env.set, "--config", env.path("l1")], 2, r"--config .*l1: .*symbolic link loop")


@case("config_missing")
def _(env):
    run(env, ["run", env.set, "--config", env.path("nope.toml")], 2, r"--config .*nope\.toml: cannot open: no such file")


@case("config_unreadable")
def _(env):
    cfg = env.write("arch.toml", "[array]\nrows = 8\n")
    os.chmod(cfg, 0)
    prefix = None
    if os.geteuid() == 0:  # root reads anything: run as an unprivileged user
        if not shutil.which("setpriv"):
            raise Failure("setpriv is needed to test unreadable files as root")
        prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    run(env, ["run", env.set, "--config", cfg], 2, r"--config .*arch\.toml: .*permission denied", prefix=prefix,
        inputs=[env.set])


@case("vector_file_is_fifo")
def _(env):
    a = os.path.join(env.set, "weight_itile0_otile0_kij2.txt")
    os.remove(a)
    os.mkfifo(a)
    run(env, ["run", env.set], 2, r"weight_itile0_otile0_kij2\.txt: is a named pipe", timeout=10)


@case("vector_file_is_folder")
def _(env):
    a = os.path.join(env.set, "out.txt")
    os.remove(a)
    os.mkdir(a)
    run(env, ["run", env.set], 2, r"out\.txt: is a folder")


@case("vector_file_is_device")
def _(env):
    a = os.path.join(env.set, "activation_tile0.txt")
    os.remove(a)
    os.symlink("/dev/zero", a)
    run(env, ["run", env.set], 2, r"activation_tile0\.txt: is a device")


@case("vector_file_symlink_loop")
def _(env):
    a = os.path.join(env.set, "weight_itile0_otile0_kij0.txt")
    os.remove(a)
    os.symlink(a, a)
    run(env, ["run", env.set, "--set", "layer.kernel=3"], 2, r"weight_itile0_otile0_kij0\.txt: .*symbolic link loop")


@case("vector_file_unreadable")
def _(env):
    a = os.path.join(env.set, "out.txt")
    os.chmod(a, 0)
    prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] if os.geteuid() == 0 else None
    run(env, ["run", env.set], 2, r"out\.txt: .*permission denied", prefix=prefix)


@case("manifest_is_fifo")
def _(env):
    m = os.path.join(env.set, "vectorset.toml")
    os.remove(m)
    os.mkfifo(m)
    run(env, ["run", env.set], 2, r"vectorset\.toml: is a named pipe", timeout=10)


@case("set_path_is_fifo_or_device")
def _(env):
    os.mkfifo(env.path("s.toml"))
    run(env, ["run", env.path("s.toml")], 2, r"s\.toml: is a named pipe", timeout=10)
    run(env, ["run", "/dev/null"], 2, r"/dev/null")


@case("byte_order_mark")
def _(env):
    a = os.path.join(env.set, "activation_tile0.txt")
    with open(a, "rb") as f:
        data = f.read()
    with open(a, "wb") as f:
        f.write(b"\xef\xbb\xbf" + data)
    run(env, ["run", env.set], 2, r"activation_tile0\.txt:1: starts with a UTF-8 byte-order mark")


@case("cr_only_line_ends")
def _(env):
    a = os.path.join(env.set, "weight_itile0_otile0_kij5.txt")
    with open(a, "rb") as f:
        data = f.read()
    with open(a, "wb") as f:
        f.write(data.replace(b"\n", b"\r"))
    run(env, ["run", env.set], 2, r"weight_itile0_otile0_kij5\.txt:1: carriage return without a line feed \(CR-only")


# ------------------------------------------------------------------------------- budgets
@case("budget_pmem")
def _(env):
    run(env, ["run", env.set, "--set", "pmem.width_bits=65536", "--set", "pmem.words=16777216"], 2,
        r"limits\.memory_mb.*pmem\.words x pmem\.width_bits")
    run(env, ["run", env.set, "--set", "pmem.width_bits=1024", "--set", "pmem.words=16777216"], 2,
        r"limits\.memory_mb.*needs 2\.0 GiB.*pmem\.words x pmem\.width_bits")


@case("budget_xmem")
def _(env):
    run(env, ["run", env.set, "--set", "xmem.words=16777216", "--set", "xmem.width_bits=8192"], 2,
        r"limits\.memory_mb.*xmem\.words x xmem\.width_bits")


@case("budget_l0")
def _(env):
    run(env, ["run", env.set, "--set", "l0.depth=16777216", "--set", "array.rows=1024"], 2,
        r"limits\.memory_mb.*l0\.depth x array\.rows")


@case("budget_ofifo")
def _(env):
    run(env, ["run", env.set, "--set", "ofifo.depth=16777216", "--set", "array.cols=64"], 2,
        r"limits\.memory_mb.*ofifo\.depth x array\.cols")


@case("budget_array")
def _(env):
    run(env, ["run", env.set, "--set", "array.rows=1024", "--set", "array.cols=1024", "--set", "limits.memory_mb=16"], 2,
        r"limits\.memory_mb` = 16.*array\.rows x array\.cols")


@case("budget_layer_and_files")
def _(env):
    big = env.path("big")
    run(env, ["gen", "--out", big, "--in-ch", "64", "--out-ch", "64", "--height", "40", "--width", "40", "--no-psums"], 0,
        inputs=[env.set])
    run(env, ["run", big, "--set", "limits.memory_mb=2"], 2, r"limits\.memory_mb", inputs=[big])


@case("budget_raised_by_key")
def _(env):
    # The same configuration passes once the user raises the budget (without allocating here:
    # --set limits.memory_mb=1 refuses the run, 4096 lets a small one through).
    run(env, ["run", env.set, "-q", "--set", "pmem.words=1048576", "--set", "limits.memory_mb=1"], 2, r"limits\.memory_mb")
    run(env, ["run", env.set, "-q", "--set", "pmem.words=1048576", "--set", "limits.memory_mb=4096"], 0)


@case("budget_above_address_space_limit")
def _(env):
    # The user raised limits.memory_mb past what the process may allocate: still exit 2, before
    # allocating (AddressSanitizer needs unlimited address space: run without the limit there).
    with open(env.satlm, "rb") as f:
        asan = b"__asan_init" in f.read()
    if asan:
        run(env, ["run", env.set, "--set", "pmem.words=16777216", "--set", "pmem.width_bits=1024"], 2, r"limits\.memory_mb")
        return
    run(env, ["run", env.set, "--set", "pmem.words=16777216", "--set", "pmem.width_bits=1024", "--set", "limits.memory_mb=1000000"],
        2, r"needs 2\.0 GiB of model memory .*ulimit -v", prefix=["prlimit", "--as=1073741824"])


@case("budget_gen_files")
def _(env):
    out = env.path("g")
    run(env, ["gen", "--out", out, "--in-ch", "4096", "--out-ch", "4096"], 2, r"limits\.gen_files.*needs \d+ files")
    check(not os.path.exists(out), "a refused gen created its folder")


@case("budget_gen_mb")
def _(env):
    out = env.path("g")
    run(env, ["gen", "--out", out, "--in-ch", "64", "--out-ch", "64", "--height", "64", "--width", "64",
              "--set", "limits.gen_mb=10"], 2, r"limits\.gen_mb` = 10: this set needs .* on disk")
    check(not os.path.exists(out), "a refused gen created its folder")


@case("budget_gen_memory")
def _(env):
    run(env, ["gen", "--out", env.path("g"), "--in-ch", "1024", "--out-ch", "1024", "--tile-in", "1024", "--tile-out", "1024",
              "--set", "limits.memory_mb=1"], 2, r"limits\.memory_mb` = 1: generating this layer needs")
    check(not os.path.exists(env.path("g")), "a refused gen created its folder")


# ------------------------------------------------------------------------------ satlm gen
@case("gen_refuses_non_empty_folder")
def _(env):
    out = env.path("g")
    os.mkdir(out)
    env.write("g/thesis.txt", "my only copy\n")
    run(env, ["gen", "--out", out], 2, r"--out .*g: folder is not empty.*--force", inputs=[env.set, out])


@case("gen_force_replaces_only_listed_files")
def _(env):
    out = env.path("g")
    run(env, ["gen", "--out", out, "--kernel", "3"], 0, inputs=[env.set])
    keep = env.write("g/notes.txt", "mine\n")
    run(env, ["gen", "--out", out, "--kernel", "1", "--force"], 0, inputs=[env.set, keep],
        stdout_regex=r"wrote 6 files.*replaced 22 files")
    names = sorted(os.listdir(out))
    check("weight_itile0_otile0_kij1.txt" not in names, f"stale files of the previous set remain: {names}")
    check("notes.txt" in names, "a file the manifest does not list was removed")
    run(env, ["run", out, "-q"], 0, inputs=[out], stdout_regex=r"SIGNED OFF")


@case("gen_force_refuses_unlisted_file")
def _(env):
    out = env.path("g")
    os.mkdir(out)
    env.write("g/out.txt", "an RTL dump\n")
    run(env, ["gen", "--out", out, "--force"], 2, r"out\.txt exists and is not listed", inputs=[env.set, out])


@case("gen_out_is_symlink")
def _(env):
    os.mkdir(env.path("real"))
    os.symlink(env.path("real"), env.path("link"))
    run(env, ["gen", "--out", env.path("link")], 2, r"--out .*link: is a symbolic link", inputs=[env.set])
    check(os.listdir(env.path("real")) == [], "gen wrote through the symlinked folder")


@case("gen_never_writes_through_file_symlink")
def _(env):
    out = env.path("g")
    run(env, ["gen", "--out", out], 0, inputs=[env.set])
    victim = env.write("victim.txt", "do not touch\n")
    os.remove(os.path.join(out, "out.txt"))
    os.symlink(victim, os.path.join(out, "out.txt"))
    run(env, ["gen", "--out", out, "--force", "--seed", "7"], 0, inputs=[env.set, victim])
    check(not os.path.islink(os.path.join(out, "out.txt")), "out.txt is still a symlink")


@case("gen_no_psums_and_summary")
def _(env):
    out = env.path("g")
    p = run(env, ["gen", "--out", out, "--no-psums"], 0, inputs=[env.set],
            stdout_regex=r"wrote 13 files, \d+ bytes into .*: 1 activation, 9 weight, 0 psum")
    check("satlm run " + out in p.stdout, "gen does not print the command to run the set")
    check(not [n for n in os.listdir(out) if n.startswith("psum")], "--no-psums wrote psum files")
    run(env, ["run", out, "-q"], 0, inputs=[out], stdout_regex=r"SIGNED OFF")


# -------------------------------------------------------------------- keys and the CLI
@case("key_contradicts_files_psum_bits")
def _(env):
    run(env, ["run", env.set, "--set", "layer.psum_bits=32"], 2, r"out\.txt:\d+: .*layer\.psum_bits")


@case("key_contradicts_files_out_channels")
def _(env):
    run(env, ["run", env.set, "--set", "layer.out_channels=16"], 2, r"layer\.out_channels")


@case("toml_string_for_number")
def _(env):
    cfg = env.write("arch.toml", "[array]\nrows = \"16\"\n")
    run(env, ["run", env.set, "--config", cfg], 2, r"arch\.toml:2: key `array\.rows`: expected a whole number.*got a string \"16\"",
        inputs=[env.set, cfg])


@case("toml_float_for_whole_number")
def _(env):
    cfg = env.write("arch.toml", "[l0]\ndepth = 16.0\n")
    run(env, ["run", env.set, "--config", cfg], 2, r"arch\.toml:2: key `l0\.depth`: expected a whole number.*floating-point",
        inputs=[env.set, cfg])
    with open(os.path.join(env.set, "vectorset.toml"), "a") as f:
        pass
    m = os.path.join(env.set, "vectorset.toml")
    with open(m) as f:
        text = f.read()
    with open(m, "w") as f:
        f.write(text.replace("kernel = 3", "kernel = \"3\""))
    run(env, ["run", env.set], 2, r"vectorset\.toml:\d+: key `layer\.kernel`: expected a whole number")


@case("unknown_key_suggests_nearest")
def _(env):
    run(env, ["run", env.set, "--set", "array.row=16"], 2, r"unknown key `array\.row` \(did you mean `array\.rows`")
    cfg = env.write("arch.toml", "[pmem]\nwidth = 64\n")
    run(env, ["run", env.set, "--config", cfg], 2, r"arch\.toml:2: key `pmem\.width`: unknown key \(did you mean `pmem\.width_bits`",
        inputs=[env.set, cfg])


@case("set_takes_one_pair_any_order")
def _(env):
    run(env, ["run", "--set", "array.rows=16", env.set, "-q", "--set", "array.cols=4"], 0, stdout_regex=r"16x4 array")


@case("version_and_help")
def _(env):
    p = subprocess.run([env.satlm, "--version"], capture_output=True, text=True)
    check(p.returncode == 0 and re.match(r"satlm \d+\.\d+", p.stdout), f"--version: {p.returncode} {p.stdout}")
    p = subprocess.run([env.satlm, "run", "--help"], capture_output=True, text=True)
    check(p.returncode == 0, "run --help failed")
    check(re.search(r"limits\.memory_mb\s+1024\s+1\.\.1048576", p.stdout), "--help lacks limits.memory_mb's default and range")
    check(re.search(r"model\.fidelity\s+cycle\s+\"cycle\" \| \"lt\"", p.stdout), "--help lacks model.fidelity's default and choices")


# -------------------------------------------------------------------- mismatch reports
def flipped_set(env):
    """The default set with one output bit flipped: (file line, pixel, channel, expected)."""
    out = os.path.join(env.set, "out.txt")
    # Data line 13 (pixel 13), field of channel 5 (high channel first: field 2), its LSB.
    line = flip_bit(out, 13, 2 * 16 + 15)
    with open(out) as f:
        data = [l for l in f.read().split("\n")[3:] if l]
    bits = data[13][2 * 16:3 * 16]
    value = int(bits, 2) - (1 << 16 if bits[0] == "1" else 0)
    return line, bits, value


@case("mismatch_line_names_everything")
def _(env):
    line, bits, value = flipped_set(env)
    p = run(env, ["run", env.set], 1)
    rx = (rf"MISMATCH .*out\.txt:{line}: otile 0, pixel 13 \(row 3, col 1\), ch 5: expected {value} \({bits}\), "
          rf"got (-?\d+) \(([01]{{16}})\), model pre-ReLU sum (-?\d+)")
    m = re.search(rx, p.stdout)
    check(m, f"no detailed mismatch line /{rx}/ in:\n{p.stdout[:3000]}")
    got = int(m.group(1))
    check(abs(got - value) == 1 or got == 0, f"got {got} is not the unflipped value next to {value}")


@case("quiet_shows_first_20_mismatches")
def _(env):
    out = os.path.join(env.set, "out.txt")
    for i in range(16):
        for ch in range(3):
            flip_bit(out, i, ch * 16 + 15)
    p = run(env, ["run", env.set, "-q"], 1)
    lines = [l for l in p.stdout.splitlines() if l.startswith("MISMATCH ")]
    check(len(lines) == 20, f"-q printed {len(lines)} mismatch lines, expected 20")
    check(re.search(r"48 mismatches in all", p.stdout), "-q does not give the total count")


@case("report_lists_mismatches")
def _(env):
    line, bits, value = flipped_set(env)
    r = env.path("r.json")
    run(env, ["run", env.set, "-q", "--report", r], 1)
    with open(r) as f:
        j = json.load(f)
    check(j["mismatches"] == 1 and len(j["mismatch_list"]) == 1, f"mismatches {j['mismatches']}, list {j['mismatch_list']}")
    m = j["mismatch_list"][0]
    check(m["line"] == line and m["pixel"] == 13 and m["channel"] == 5 and m["expected"] == value
          and m["expected_bits"] == bits and os.path.isabs(m["file"]), f"mismatch entry {m}")
    check(isinstance(j["schema_version"], int), "no schema_version")
    check(os.path.isabs(j["vector_set"]["data_dir"]) and all(os.path.isabs(p) for p in j["vector_set"]["files_read"]),
          "report paths are not absolute")


@case("report_mismatch_list_capped")
def _(env):
    out = os.path.join(env.set, "out.txt")
    for i in range(16):
        for ch in range(8):
            flip_bit(out, i, ch * 16 + 15)
    r = env.path("r.json")
    run(env, ["run", env.set, "-q", "--report", r], 1)
    with open(r) as f:
        j = json.load(f)
    check(j["mismatches"] == 128 and len(j["mismatch_list"]) == 100 and j["mismatch_list_truncated"],
          f"mismatches {j['mismatches']}, listed {len(j['mismatch_list'])}")


@case("unknown_bits_are_mismatches")
def _(env):
    out = os.path.join(env.set, "out.txt")
    with open(out) as f:
        lines = f.read().split("\n")
    lines[3 + 4] = lines[3 + 4][:40] + "x" + lines[3 + 4][41:]
    lines[3 + 9] = "z" * len(lines[3 + 9])
    with open(out, "w") as f:
        f.write("\n".join(lines))
    p = run(env, ["run", env.set], 1)
    check(re.search(r"out\.txt:8: otile 0, pixel 4 .*ch 5: expected [01]{8}x[01]{7} \(1 unknown x/z bit\)", p.stdout),
          f"unknown bit not named:\n{p.stdout[:2500]}")
    check(re.search(r"mismatches 9 \(9 with unknown x/z bits\)", p.stdout), "unknown values not counted")


def wrapping_set(env):
    """A layer whose sums leave 16 bits: 64 input channels of 15 x 7 over a 3 x 3 kernel."""
    act = env.path("act.npy")
    wgt = env.path("w.npy")
    write_npy(act, (64, 4, 4), [15] * (64 * 16))
    write_npy(wgt, (8, 64, 3, 3), [7] * (8 * 64 * 9))
    out = env.path("wrap")
    run(env, ["gen", "--out", out, "--from-npy", act, wgt], 0, inputs=[env.set, act, wgt])
    return out


@case("psum_wrap_around_warns_and_strict_fails")
def _(env):
    s = wrapping_set(env)
    run(env, ["run", s, "-q"], 0, inputs=[s], stdout_regex=r"warning: \d+ of 128 output values wrap around layer\.psum_bits = 16")
    run(env, ["run", s, "-q", "--strict"], 1, inputs=[s], stdout_regex=r"--strict: \d+ warning")


@case("strict_fails_on_psum_file_mismatch")
def _(env):
    flip_bit(os.path.join(env.set, "psum_itile0_otile0_kij3.txt"), 5, 15)
    run(env, ["run", env.set, "-q"], 0, stdout_regex=r"psums checked .* mismatches 1")
    run(env, ["run", env.set, "-q", "--strict"], 1)


@case("several_sets_and_junit")
def _(env):
    bad = env.path("bad")
    shutil.copytree(env.set, bad)
    flip_bit(os.path.join(bad, "out.txt"), 2, 15)
    j = env.path("j.xml")
    r = env.path("r.json")
    p = run(env, ["run", env.set, bad, "-q", "--junit", j, "--report", r], 1, inputs=[env.set, bad],
            stdout_regex=r"2 sets: 1 signed off, 1 failed")
    root = ET.parse(j).getroot()
    cases = root.findall(".//testcase")
    check(len(cases) == 2, f"expected 2 test cases, got {len(cases)}")
    failures = [c for c in cases if c.find("failure") is not None]
    check(len(failures) == 1 and failures[0].get("name").endswith("bad"), "the failing set is not the failed test case")
    check("MISMATCH" in failures[0].find("failure").text, "the failure holds no mismatch line")
    with open(r) as f:
        rep = json.load(f)
    check(len(rep["sets"]) == 2 and rep["mismatches"] == 1 and rep["match"] is False, "multi-set report")
    run(env, ["run", env.set, bad, "--dump-out", env.path("d.txt")], 2, r"--dump-out writes one set's results", inputs=[env.set, bad])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--satlm", required=True)
    ap.add_argument("--shared", default="")
    ap.add_argument("--case")
    ap.add_argument("--list", action="store_true")
    a = ap.parse_args()
    if a.list:
        print("\n".join(CASES))
        return 0
    names = [a.case] if a.case else list(CASES)
    failed = 0
    for name in names:
        if name not in CASES:
            print(f"FAIL: no case {name}")
            return 1
        env = Env(os.path.abspath(a.satlm), a.shared)
        try:
            CASES[name](env)
            print(f"ok   {name}")
        except Failure as e:
            failed += 1
            print(f"FAIL {name}: {e}")
        finally:
            env.close()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
