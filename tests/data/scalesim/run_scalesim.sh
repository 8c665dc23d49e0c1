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
for cfg in "$here"/ws*_calc*.cfg; do
    run shapes conv "$(basename "$cfg")"
    run gemm gemm "$(basename "$cfg")"
done
