#!/usr/bin/env python3
"""`satlm sweep --slurm` on a real Slurm cluster (docs/SLURM.md).

Usage: cluster.sh -- slurm_system.py CASE --satlm PATH
Cases:
  wait-equals-local   18 points over two networks as a 4-task job array (--wait): the merged
                      results equal a local `satlm sweep` of the same file, row for row.
  fail-resume         one task killed, one task failing: both reported by array task id with
                      their logs, nothing merged; the rerun resubmits only those two shards.
  dry-run-sbatch      the --dry-run script, submitted unchanged with sbatch, completes and
                      --status merges it; bad options and a missing sbatch are exit 2, one line.

Runs under tests/slurm/cluster.sh, which exports SLURM_CONF; without a working cluster every
case fails (it never skips).
"""
import argparse
import csv
import glob
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

# The sweep system tests' small topology and file helpers (one copy for both tiers).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "system"))
from sweep_system import SMALL_TOPOLOGY, fail, read, write  # noqa: E402


def run(cmd, env=None, expect=None, timeout=300):
    e = dict(os.environ)
    e.update(env or {})
    p = subprocess.run(cmd, capture_output=True, text=True, env=e, timeout=timeout)
    if expect is not None and p.returncode != expect:
        fail("{} exited {} (expected {})\nstdout:\n{}\nstderr:\n{}".format(
            " ".join(cmd), p.returncode, expect, p.stdout[-3000:], p.stderr[-3000:]))
    return p


def sweep_file(tmp, grid, name="sweep.toml"):
    """Two networks (a topology CSV and a built-in) crossed with `grid`."""
    write(os.path.join(tmp, "small.csv"), SMALL_TOPOLOGY)
    text = 'networks = ["small.csv", "vgg16-cifar10-8ch"]\nseed = 3\n[set]\n"model.fidelity" = "lt"\n[grid]\n'
    for key, values in grid:
        text += '"{}" = [{}]\n'.format(key, ", ".join(str(v) for v in values))
    path = os.path.join(tmp, name)
    write(path, text)
    return path


def csv_rows(folder):
    """results.csv rows without timing columns, sorted."""
    text = read(os.path.join(folder, "results.csv"))
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], rows[1:]
    keep = [i for i, h in enumerate(header) if not re.search(r"wall|seconds|time", h)]
    return [header[i] for i in keep], sorted([r[i] for i in keep] for r in body)


def points_rows(folder):
    db = sqlite3.connect(os.path.join(folder, "results.sqlite"))
    rows = db.execute("SELECT id, network, keys, status, error, cycles_total FROM points ORDER BY id").fetchall()
    db.close()
    return rows


def store_meta(folder):
    db = sqlite3.connect(os.path.join(folder, "results.sqlite"))
    meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
    count = db.execute("SELECT count(*) FROM points").fetchone()[0]
    db.close()
    return meta, count


def wall_times(folder):
    db = sqlite3.connect(os.path.join(folder, "results.sqlite"))
    rows = db.execute("SELECT id, wall_seconds FROM points ORDER BY id").fetchall()
    db.close()
    return rows


def same_as_local(satlm, sweep, merged, tmp, points):
    local = os.path.join(tmp, "local")
    if not os.path.isdir(local):
        run([satlm, "sweep", sweep, "--out", local, "--jobs", "2", "--quiet"], expect=0)
    h1, a = csv_rows(local)
    h2, b = csv_rows(merged)
    if h1 != h2:
        fail("merged results.csv columns differ from the local run's:\n{}\n{}".format(h1, h2))
    if len(a) < points:
        fail("the local run has only {} rows (expected at least {})".format(len(a), points))
    if a != b:
        diff = [r for r in a if r not in b][:3] + [r for r in b if r not in a][:3]
        fail("merged results.csv differs from the local run ({} vs {} rows); e.g. {}".format(len(a), len(b), diff))
    if points_rows(local) != points_rows(merged):
        fail("the merged points table differs from the local run's")
    if len(points_rows(merged)) != points:
        fail("the merged store holds {} points, expected {}".format(len(points_rows(merged)), points))


def scontrol_tasks(job):
    """{array task id: (JobState, ExitCode)} of a job Slurm still knows."""
    p = run(["scontrol", "-o", "show", "job", job], expect=0)
    tasks = {}
    for line in p.stdout.splitlines():
        kv = dict(w.split("=", 1) for w in line.split() if "=" in w)
        if kv.get("ArrayJobId") == job and kv.get("ArrayTaskId", "").isdigit():
            tasks[int(kv["ArrayTaskId"])] = (kv.get("JobState"), kv.get("ExitCode"))
    return tasks


def submitted_job(stdout):
    m = re.search(r"submitted job (\d+): array tasks ([0-9,-]+)", stdout)
    if not m:
        fail("no `submitted job ID: array tasks ...` line:\n" + stdout)
    return m.group(1), m.group(2)


def check_cluster():
    if not os.environ.get("SLURM_CONF"):
        fail("SLURM_CONF is not set: run this under tests/slurm/cluster.sh")
    p = run(["sinfo", "-h", "-N", "-o", "%t"], expect=0)
    if "idle" not in p.stdout and "mix" not in p.stdout and "alloc" not in p.stdout:
        fail("the Slurm node is not up: sinfo says " + p.stdout.strip())


def case_wait_equals_local(satlm, tmp):
    sweep = sweep_file(tmp, [("array.rows", [4, 8, 16]), ("offchip.bytes_per_cycle", [1, 2, 4])])
    out = os.path.join(tmp, "results")
    p = run([satlm, "sweep", sweep, "--slurm", "--tasks", "4", "--out", out, "--wait"], expect=0)
    job, tasks = submitted_job(p.stdout)
    if tasks != "0-3":
        fail("the first submission ran array tasks {} (expected 0-3)".format(tasks))
    if "merged 4 parts: 18 points, 0 failed" not in p.stdout:
        fail("--wait did not merge the 4 shards:\n" + p.stdout)
    # It really ran on Slurm: four array tasks of that job, each completed.
    states = scontrol_tasks(job)
    if sorted(states) != [0, 1, 2, 3] or any(s != ("COMPLETED", "0:0") for s in states.values()):
        fail("scontrol does not show tasks 0-3 of job {} COMPLETED: {}".format(job, states))
    script = read(os.path.join(out, "slurm-sweep.sbatch"))
    exe = os.path.realpath(satlm)
    for needle in ["#!", "#SBATCH --array=0-3", "'{}' sweep '{}'".format(exe, os.path.realpath(sweep))]:
        if needle not in script:
            fail("the batch script lacks `{}`:\n{}".format(needle, script))
    for i in range(4):
        meta, count = store_meta(os.path.join(out, "shard-{}-of-4".format(i)))
        if meta.get("complete") != "1" or meta.get("shard_index", str(i)) != str(i):
            fail("shard {} store is not complete: {}".format(i, meta))
        logs = glob.glob(os.path.join(out, "logs", "shard-{}-of-4.job-{}.log".format(i, job)))
        if len(logs) != 1 or "(shard {}/4)".format(i) not in read(logs[0]):
            fail("no log of array task {} in {}/logs".format(i, out))
    same_as_local(satlm, sweep, out, tmp, 18)
    p = run([satlm, "sweep", sweep, "--slurm", "--out", out, "--status"], expect=0)
    if "complete: 4 of 4 shards" not in p.stdout:
        fail("--status after the run does not report 4 complete shards:\n" + p.stdout)
    print("ok: 18 points over two networks ran as job {} (array tasks 0-3, COMPLETED); merged results equal the "
          "local run row for row".format(job))


def case_fail_resume(satlm, tmp):
    # 16 points in 5 shards: shard 0 holds points 0, 5, 10, 15, every other shard three. The
    # kill hook (SIGKILL after a process's 4th stored point, exported to the tasks by sbatch)
    # therefore kills only shard 0's task, after its last point but before it marks its store
    # complete. Shard 3 fails on its own: its folder is taken by a plain file.
    sweep = sweep_file(tmp, [("array.rows", [4, 8]), ("offchip.bytes_per_cycle", [1, 2, 4, 8])])
    out = os.path.join(tmp, "results")
    os.makedirs(out)
    blocker = os.path.join(out, "shard-3-of-5")
    write(blocker, "not a folder\n")
    cmd = [satlm, "sweep", sweep, "--slurm", "--tasks", "5", "--out", out, "--wait"]
    p = run(cmd, env={"SATLM_SWEEP_KILL_AFTER": "4"}, expect=1)
    job, tasks = submitted_job(p.stdout)
    if tasks != "0-4":
        fail("the first submission ran array tasks {} (expected 0-4)".format(tasks))
    for i in (0, 3):
        if "shard {}/5 failed: array task {} of job {}".format(i, i, job) not in p.stderr:
            fail("the failure of array task {} is not reported:\n{}".format(i, p.stderr))
        log = os.path.join(out, "logs", "shard-{}-of-5.job-{}.log".format(i, job))
        if log not in p.stderr:
            fail("the report does not name the log {}:\n{}".format(log, p.stderr))
    if "exists and is not a folder" not in p.stderr:
        fail("the tail of shard 3's log (its error) is not in the report:\n" + p.stderr)
    if "0:9" not in p.stderr and "signal" not in p.stderr.lower():
        fail("shard 0's task is not reported as killed (exit code 0:9):\n" + p.stderr)
    if "2 of 5 shards failed (array tasks 0,3)" not in p.stderr:
        fail("the summary does not list array tasks 0,3:\n" + p.stderr)
    for name in ("results.sqlite", "results.csv"):
        if os.path.exists(os.path.join(out, name)):
            fail("{} was written although shards failed: nothing partial may be merged".format(name))
    # Shard 0 holds all four of its points, yet its store is not complete: merge refuses it.
    meta, count = store_meta(os.path.join(out, "shard-0-of-5"))
    if count != 4 or meta.get("complete") != "0":
        fail("the killed shard's store: {} points, complete={} (expected 4, 0)".format(count, meta.get("complete")))
    parts = [os.path.join(out, "shard-{}-of-5".format(i)) for i in (0, 1, 2, 4)]
    m = run([satlm, "merge"] + parts + ["--out", os.path.join(tmp, "m")], expect=2)
    if "shard-0-of-5" not in m.stderr:
        fail("merge did not refuse the killed shard by name:\n" + m.stderr)
    s = run([satlm, "sweep", sweep, "--slurm", "--out", out, "--status"], expect=1)
    if "array task 0 of job {}".format(job) not in s.stderr or "array task 3 of job {}".format(job) not in s.stderr:
        fail("--status does not report array tasks 0 and 3:\n" + s.stderr)

    untouched = {i: wall_times(os.path.join(out, "shard-{}-of-5".format(i))) for i in (1, 2, 4)}
    os.remove(blocker)
    p = run(cmd, expect=0)
    job2, tasks2 = submitted_job(p.stdout)
    if tasks2 != "0,3":
        fail("the rerun resubmitted array tasks {} (expected only 0,3)".format(tasks2))
    if sorted(scontrol_tasks(job2)) != [0, 3]:
        fail("job {} ran array tasks {} (expected 0 and 3)".format(job2, sorted(scontrol_tasks(job2))))
    for i, before in untouched.items():
        if wall_times(os.path.join(out, "shard-{}-of-5".format(i))) != before:
            fail("complete shard {} was run again".format(i))
        if glob.glob(os.path.join(out, "logs", "shard-{}-of-5.job-{}.log".format(i, job2))):
            fail("complete shard {} has a log of the rerun".format(i))
    if "merged 5 parts: 16 points, 0 failed" not in p.stdout:
        fail("the rerun did not merge:\n" + p.stdout)
    same_as_local(satlm, sweep, out, tmp, 16)
    record = json.loads(read(os.path.join(out, "slurm.json")))
    if [s["shards"] for s in record["submissions"]] != ["0-4", "0,3"]:
        fail("slurm.json does not record the two submissions: {}".format(record))
    print("ok: killed task 0 and failing task 3 of job {} reported with their logs, nothing merged; the rerun "
          "(job {}) ran only tasks 0,3 and the merge equals the local run".format(job, job2))


def case_dry_run_sbatch(satlm, tmp):
    sweep = sweep_file(tmp, [("array.rows", [4, 8, 16]), ("offchip.bytes_per_cycle", [1, 4])])
    out = os.path.join(tmp, "results")
    before = run(["squeue", "-h", "-o", "%i"], expect=0).stdout
    p = run([satlm, "sweep", sweep, "--slurm", "--tasks", "3", "--out", out, "--dry-run", "--partition", "debug",
             "--time", "10", "--mem", "100M", "--sbatch-arg=--comment=satlm-dry-run"], expect=0)
    script = p.stdout
    if not script.startswith("#!"):
        fail("--dry-run output does not start with #!:\n" + script)
    for needle in ["#SBATCH --array=0-2\n", "#SBATCH --partition=debug\n", "#SBATCH --time=10\n",
                   "#SBATCH --mem=100M\n", "#SBATCH --comment=satlm-dry-run\n",
                   "'{}' sweep '{}'".format(os.path.realpath(satlm), os.path.realpath(sweep))]:
        if needle not in script:
            fail("the dry-run script lacks `{}`:\n{}".format(needle.strip(), script))
    if run(["squeue", "-h", "-o", "%i"], expect=0).stdout != before:
        fail("--dry-run submitted a job")
    path = os.path.join(tmp, "copy.sbatch")
    write(path, script)
    job = run(["sbatch", "--parsable", path], expect=0).stdout.strip().split(";")[0]
    deadline = time.time() + 240
    while run(["squeue", "-h", "-j", job], expect=None).stdout.strip():
        if time.time() > deadline:
            fail("job {} did not finish within 240 s".format(job))
        time.sleep(0.5)
    states = scontrol_tasks(job)
    if sorted(states) != [0, 1, 2] or any(s[0] != "COMPLETED" for s in states.values()):
        fail("the dry-run script's tasks did not all complete: {}".format(states))
    s = run([satlm, "sweep", sweep, "--slurm", "--out", out, "--status"], expect=0)
    if "merged 3 parts: 12 points" not in s.stdout:
        fail("--status did not merge the three shards:\n" + s.stdout)
    same_as_local(satlm, sweep, out, tmp, 12)

    # Bad options: one line, exit 2, nothing submitted.
    bad = [
        (["--tasks", "0"], "--tasks"), (["--tasks", "13"], "--tasks 13"), (["--tasks", "x"], "--tasks"),
        (["--time", "soon"], "--time"), (["--mem", "2X"], "--mem"), (["--partition", "a b"], "--partition"),
        (["--sbatch-arg=--array=0-1"], "--sbatch-arg"), (["--sbatch-arg=account"], "--sbatch-arg"),
        (["--shard", "0/2"], "--shard"), (["--wait", "--status"], "--status"),
    ]
    other = os.path.join(tmp, "bad")
    for extra, word in bad:
        b = run([satlm, "sweep", sweep, "--slurm", "--out", other] + extra, expect=2)
        if word not in b.stderr or len(b.stderr.strip().splitlines()) != 1:
            fail("{}: expected one line naming {}:\n{}".format(" ".join(extra), word, b.stderr))
    for extra in (["--wait"], ["--tasks", "2"], ["--dry-run"]):
        b = run([satlm, "sweep", sweep, "--out", other] + extra, expect=2)
        if "only with --slurm" not in b.stderr:
            fail("{} without --slurm: {}".format(extra, b.stderr))
    bare = {"PATH": "/nonexistent", "SLURM_CONF": os.environ["SLURM_CONF"]}
    b = run([satlm, "sweep", sweep, "--slurm", "--out", other], env=bare, expect=2)
    if "sbatch" not in b.stderr or len(b.stderr.strip().splitlines()) != 1:
        fail("without sbatch on PATH: expected one line naming sbatch:\n" + b.stderr)
    if os.path.exists(os.path.join(other, "slurm-sweep.sbatch")):
        fail("a refused command wrote a batch script")
    if run(["squeue", "-h", "-o", "%i"], expect=0).stdout != before:
        fail("a refused command submitted a job")
    print("ok: the --dry-run script (partition, time, mem, extra option) ran unchanged under sbatch as job {}; "
          "--status merged it equal to the local run; bad options are exit 2 in one line".format(job))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("case")
    ap.add_argument("--satlm", required=True)
    a = ap.parse_args()
    cases = {"wait-equals-local": case_wait_equals_local, "fail-resume": case_fail_resume,
             "dry-run-sbatch": case_dry_run_sbatch}
    if a.case not in cases:
        fail("unknown case " + a.case)
    check_cluster()
    tmp = tempfile.mkdtemp(prefix="satlm-slurm-test.")
    try:
        cases[a.case](os.path.abspath(a.satlm), tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
