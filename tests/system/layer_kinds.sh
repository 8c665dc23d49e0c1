#!/usr/bin/env bash
# `satlm gen` + `satlm run` on every layer kind: strides 2..4, non-square and even filters, a
# 7x7 filter, 1x1 and fully connected layers. Each set is written by the golden model and must
# run with exit 0 (outputs, psums and acc addresses all match) in both fidelities and schedules,
# on the RTL's memories and on memories small enough for bands in rows and columns and kernel
# groups (the JSON report says how the layer was split).
# Usage: layer_kinds.sh SATLM
set -u
if [ $# -lt 1 ] || [ ! -x "$1" ]; then
    echo "usage: layer_kinds.sh SATLM" >&2
    exit 2
fi
SATLM=$(readlink -f "$1")
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
failed=0
fail() { echo "FAIL $*"; failed=1; }

# name: gen options
points=(
    "s2_3x3:--in-ch 5 --out-ch 9 --height 9 --width 8 --stride 2"
    "s3_3x1:--in-ch 12 --out-ch 6 --height 10 --width 7 --kernel-h 3 --kernel-w 1 --stride 3 --pad 0"
    "s1_1x3:--in-ch 4 --out-ch 10 --height 6 --width 9 --kernel-h 1 --kernel-w 3"
    "s2_2x2:--in-ch 8 --out-ch 8 --height 8 --width 8 --kernel 2 --stride 2 --pad 0"
    "s2_7x7:--in-ch 3 --out-ch 12 --height 12 --width 11 --kernel 7 --stride 2 --pad 3"
    "s4_5x3:--in-ch 6 --out-ch 5 --height 13 --width 12 --kernel-h 5 --kernel-w 3 --stride 4"
    "1x1:--in-ch 20 --out-ch 11 --height 5 --width 5 --kernel 1 --pad 0"
    "fc:--in-ch 40 --out-ch 13 --height 1 --width 1 --kernel 1 --pad 0"
)
for p in "${points[@]}"; do
    name=${p%%:*}
    opts=${p#*:}
    dir="$WORK/$name"
    # shellcheck disable=SC2086
    if ! "$SATLM" gen --out "$dir" $opts >"$WORK/gen.log" 2>&1; then
        fail "$name: gen: $(tail -1 "$WORK/gen.log")"
        continue
    fi
    for fid in cycle lt; do
        for sched in reference overlapped; do
            for mem in default small; do
                extra=(--set model.fidelity=$fid --set schedule.kind=$sched --set array.rows=4 --set array.cols=4)
                [ "$mem" = small ] && extra+=(--set xmem.words=128 --set pmem.words=60)
                if ! "$SATLM" run "$dir" --quiet --report "$WORK/r.json" "${extra[@]}" >"$WORK/run.log" 2>&1; then
                    fail "$name $fid $sched $mem: exit $?: $(grep -m1 -iE 'error|mismatch' "$WORK/run.log" || tail -1 "$WORK/run.log")"
                    continue
                fi
                tiling=$(python3 -c 'import json,sys; t=json.load(open(sys.argv[1]))["tiling"]; print(t["row_bands"], t["col_bands"], t["kernel_groups"])' "$WORK/r.json")
                echo "PASS $name $fid $sched $mem (row bands, column bands, kernel groups: $tiling)"
            done
        done
    done
done
# The small memories split the larger layers every way.
"$SATLM" run "$WORK/s2_7x7" --quiet --report "$WORK/r.json" --set array.rows=4 --set array.cols=4 \
    --set xmem.words=128 --set pmem.words=60 >/dev/null 2>&1 || fail "s2_7x7 small"
python3 -c 'import json,sys; t=json.load(open(sys.argv[1]))["tiling"]; sys.exit(0 if t["col_bands"] > 1 and t["kernel_groups"] > 1 else 1)' \
    "$WORK/r.json" || fail "s2_7x7 on small memories: expected column bands and kernel groups"
exit $failed
