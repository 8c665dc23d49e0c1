#!/usr/bin/env bash
# Regenerates the SCALE-Sim v2 reports in this folder (see README.md).
# Usage: run_scalesim.sh SCALESIM_SOURCE_DIR   (the folder that holds the scalesim/ package)
set -euo pipefail
src=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
run() {  # run TOPOLOGY_NAME INPUT_TYPE CFG
    local out="$here/results/$1"
    mkdir -p "$out"
    (cd "$src" && PYTHONPATH="$src" /usr/bin/python3 -m scalesim.scale \
        -t "$here/$1.csv" -c "$here/$3" -p "$out" -i "$2" > /dev/null)
}
for cfg in ws4x4_calc ws8x8_calc ws16x16_calc ws32x8_calc ws8x32_calc ws8x32_calc_1k; do
    run shapes conv $cfg.cfg
    run gemm gemm $cfg.cfg
done
# Long folds and small SRAMs: the OFMAP write buffer drains many times per fold.
for cfg in ws8x8_calc_1k ws4x4_calc_2k ws8x32_calc_1k ws16x16_calc; do
    run long conv $cfg.cfg
done
