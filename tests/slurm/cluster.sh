#!/usr/bin/env bash
# A real one-node Slurm cluster (slurmctld + slurmd + munge, Debian's Slurm 22.05) in a scratch
# folder, for the Slurm tests (docs/SLURM.md). Runs as root; installs the packages when missing.
#
#   tests/slurm/cluster.sh -- COMMAND [ARG]...   # COMMAND runs with the cluster up and
#                                                # SLURM_CONF exported; its exit code is ours
#   tests/slurm/cluster.sh                       # bring-up check: up, one job, down
#
# The daemons are stopped by PID in an EXIT trap whatever happens (failure, signal, success), so
# no slurm or munge process outlives the script.
set -euo pipefail

die() { echo "cluster.sh: $*" >&2; exit 1; }

if [ "${1:-}" = "--" ]; then shift; fi
[ "$(id -u)" -eq 0 ] || die "needs root (the daemons run as root here, SlurmUser=root)"

# 1. Packages.
packages=(slurmctld slurmd slurm-client munge)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "cluster.sh: installing ${missing[*]}" >&2
    # The packages' install scripts would start system-wide slurm and munge services; a
    # policy-rc.d that denies every start keeps this machine's daemons ours alone.
    own_policy=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
        chmod 755 /usr/sbin/policy-rc.d
        own_policy=/usr/sbin/policy-rc.d
    fi
    install_rc=0
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${missing[@]}"; } >&2 || install_rc=$?
    [ -z "$own_policy" ] || rm -f "$own_policy"
    [ "$install_rc" -eq 0 ] || die "installing ${missing[*]} failed (apt-get exit $install_rc)"
fi
host=$(hostname)
if ! getent hosts "$host" >/dev/null; then
    echo "127.0.0.1 $host" >>/etc/hosts
fi

# 2. Scratch tree (the run folder must be 755 for munged, the key folder 700).
root=$(mktemp -d /tmp/satlm-slurm.XXXXXX)
chmod 755 "$root"
pids=()
teardown() {
    local rc=$?
    # Jobs still queued or running are cancelled and waited for, so no slurmstepd or job
    # process outlives the cluster; then the daemons.
    if [ ${#pids[@]} -ge 3 ] && [ -n "${SLURM_CONF:-}" ]; then
        scancel --full --quiet --user=root 2>/dev/null || true
        for _ in $(seq 150); do [ -z "$(squeue -h 2>/dev/null)" ] && break; sleep 0.1; done
        # slurmstepd ends on its own once its job is gone (here we only wait, never signal by name).
        for _ in $(seq 50); do pgrep -x slurmstepd >/dev/null || break; sleep 0.1; done
    fi
    # slurmd and slurmctld first, then munged, each by its own PID: TERM, wait, KILL if stuck.
    local i
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
        local pid=${pids[i]}
        kill -TERM "$pid" 2>/dev/null || continue
        for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
        wait "$pid" 2>/dev/null || true
    done
    if [ "$rc" -ne 0 ] && [ -d "$root/log" ]; then
        for f in "$root"/log/*.log; do
            [ -s "$f" ] || continue
            echo "--- last lines of $f" >&2
            tail -n 15 "$f" >&2
        done
    fi
    rm -rf "$root"
    exit "$rc"
}
trap teardown EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
mkdir -p "$root"/{etc,state,log,spool/slurmd-"$host",key,run}
chmod 700 "$root/key"
chmod 755 "$root/run"

# 3. munge.
mungekey -c -k "$root/key/munge.key" >/dev/null 2>&1 || mungekey -c -f -k "$root/key/munge.key"
chmod 400 "$root/key/munge.key"
socket=$root/run/munge.socket
munged -F --key-file="$root/key/munge.key" --socket="$socket" --pid-file="$root/run/munged.pid" \
    --seed-file="$root/state/munge.seed" --log-file="$root/log/munged.log" 2>>"$root/log/munged.out" &
pids+=($!)
for _ in $(seq 100); do [ -S "$socket" ] && break; sleep 0.05; done
[ -S "$socket" ] || die "munged did not create its socket $socket"

# 4. slurm.conf: the node line from `slurmd -C` (so it never claims more than the machine has),
# and two free ports, so a cluster already running on this machine is left alone.
read -r ctld_port slurmd_port < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(2)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])')
node_line=$(slurmd -C | head -n 1)
cat >"$root/etc/slurm.conf" <<CONF
ClusterName=satlm
SlurmctldHost=$host
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
StateSaveLocation=$root/state
SlurmdSpoolDir=$root/spool/slurmd-%n
SlurmctldPidFile=$root/run/slurmctld.pid
SlurmdPidFile=$root/run/slurmd.pid
SlurmctldLogFile=$root/log/slurmctld.log
SlurmdLogFile=$root/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
MailProg=/bin/true
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=1
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MinJobAge=600
$node_line State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$root/etc/slurm.conf

# 5. The daemons, then wait for an idle node.
slurmctld -D -i >>"$root/log/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D >>"$root/log/slurmd.out" 2>&1 &
pids+=($!)
state=""
for _ in $(seq 300); do
    state=$(sinfo -h -N -o %t 2>/dev/null | head -n 1 || true)
    [ "$state" = "idle" ] && break
    sleep 0.1
done
[ "$state" = "idle" ] || die "the node did not become idle within 30 s (state: '${state:-none}')"
echo "cluster.sh: one-node Slurm cluster up ($host, SLURM_CONF=$SLURM_CONF)" >&2

if [ $# -gt 0 ]; then
    set +e
    "$@"
    rc=$?
    set -e
    exit "$rc"
fi

# No command: a bring-up check, one 2-task array.
job=$(sbatch --parsable --array=0-1 --output="$root/out-%A_%a.txt" --wrap 'echo task $SLURM_ARRAY_TASK_ID')
for _ in $(seq 600); do [ -z "$(squeue -h -j "$job" 2>/dev/null)" ] && break; sleep 0.1; done
for i in 0 1; do
    grep -qx "task $i" "$root/out-${job}_$i.txt" || die "array task $i of job $job wrote no output"
done
echo "cluster.sh: a 2-task job array ran; tearing down" >&2
