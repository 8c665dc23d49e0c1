#!/usr/bin/env bash
# Acceptance grid for `satlm gen` + `satlm run`: every point generates a set with the golden
# model and must run with exit 0 (outputs, psums and acc addresses all match).
#   act bits {2,4} x tilings {4x4, 8x8, 16x16, 8x16} (AxB = --tile-in A --tile-out B)
#   x channels {1,3,8,20,64} (in = out) x maps {1x1, 4x4, 7x7, 32x32}: 160 points, 3x3 kernel, pad 1.
# Usage: gen_grid.sh SATLM [WORKDIR]
# Env: JOBS (parallel points, default 2); LT_MIN_MACS (points with at least this many MACs run
# with --set model.fidelity=lt; default 0 = every point on the cycle model, which takes ~3 s
# for the largest point, 64 channels at 32x32; e.g. 2000000 moves the 20- and 64-channel
# 32x32 points to lt).
set -u
if [ $# -lt 1 ] || [ ! -x "$1" ]; then
    echo "usage: gen_grid.sh SATLM [WORKDIR]" >&2
    exit 2
fi
SATLM=$(readlink -f "$1")
WORK=${2:-}
if [ -z "$WORK" ]; then
    WORK=$(mktemp -d)
    trap 'rm -rf "$WORK"' EXIT
fi
mkdir -p "$WORK"
JOBS=${JOBS:-2}
LT_MIN_MACS=${LT_MIN_MACS:-0}
export SATLM WORK LT_MIN_MACS

run_point() {  # bits tin tout ch map
    local bits=$1 tin=$2 tout=$3 ch=$4 map=$5
    local name="a${bits}_t${tin}x${tout}_c${ch}_m${map}"
    local dir="$WORK/$name" log="$WORK/$name.log"
    local macs=$((ch * ch * 9 * map * map))
    local extra=()
    if [ "$LT_MIN_MACS" -gt 0 ] && [ "$macs" -ge "$LT_MIN_MACS" ]; then extra=(--set model.fidelity=lt); fi
    if ! "$SATLM" gen --out "$dir" --in-ch "$ch" --out-ch "$ch" --height "$map" --width "$map" \
            --act-bits "$bits" --tile-in "$tin" --tile-out "$tout" --seed "$((ch * 131 + map))" >"$log" 2>&1; then
        echo "FAIL $name: gen: $(tail -1 "$log")"
        return
    fi
    timeout 600 "$SATLM" run "$dir" --quiet "${extra[@]}" >>"$log" 2>&1
    local rc=$?
    if [ "$rc" -eq 0 ]; then
        echo "PASS $name${extra:+ (lt)}"
        rm -rf "$dir" "$log"
    else
        echo "FAIL $name: run exit $rc: $(grep -m1 -iE 'error|mismatch' "$log" || tail -1 "$log")"
    fi
}
export -f run_point

points() {
    for bits in 4 2; do
        for tiling in 4x4 8x8 16x16 8x16; do
            for ch in 1 3 8 20 64; do
                for map in 1 4 7 32; do
                    echo "$bits ${tiling%x*} ${tiling#*x} $ch $map"
                done
            done
        done
    done
}

# The biggest points first, so the two workers finish together.
results=$(points | awk '{ print $4 * $4 * $5 * $5, $0 }' | sort -rn | cut -d' ' -f2- |
          xargs -P "$JOBS" -L 1 bash -c 'run_point "$@"' _)
echo "$results" | grep -v '^PASS' || true
passed=$(echo "$results" | grep -c '^PASS')
failed=$(echo "$results" | grep -c '^FAIL')
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -eq 160 ]
