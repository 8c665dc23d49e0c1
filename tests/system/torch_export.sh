#!/usr/bin/env bash
# PyTorch -> satlm: vectors/export_torch.py exports a conv layer of a small random model
# (--self-test, with torch's own integer conv as reference), `satlm gen --from-npy` builds a set
# from it (integers, then the float tensors with the alphas), `satlm run` must pass and
# `--dump-out` must equal torch's ReLU(int conv). Usage: torch_export.sh SATLM
set -u
satlm=$(readlink -f "$1")
here=$(cd "$(dirname "$0")" && pwd)
py=/usr/bin/python3   # Debian's python3-torch / python3-numpy
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; echo "0 passed, 1 failed"; exit 1; }

"$py" "$here/../../vectors/export_torch.py" --self-test "$tmp/npy" || fail "export_torch.py --self-test"
read -r pad aa wa < <("$py" -c 'import json,sys; j=json.load(open(sys.argv[1])); print(j["pad"], repr(j["act_alpha"]), repr(j["weight_alpha"]))' "$tmp/npy/export.json")

"$satlm" gen --out "$tmp/int" --from-npy "$tmp/npy/act.npy" "$tmp/npy/weight.npy" --pad "$pad" || fail "gen (integers)"
"$satlm" gen --out "$tmp/flt" --from-npy "$tmp/npy/act_float.npy" "$tmp/npy/weight_float.npy" --pad "$pad" \
    --act-alpha "$aa" --weight-alpha "$wa" || fail "gen (floats + alphas)"
for f in "$tmp"/int/*; do
    cmp -s "$f" "$tmp/flt/$(basename "$f")" || fail "float export differs from the integer one in $(basename "$f")"
done
"$satlm" run "$tmp/int" --quiet --dump-out "$tmp/dump.txt" || fail "satlm run on the exported layer"
"$py" - "$tmp/dump.txt" "$tmp/npy/ref_out.npy" <<'PY' || fail "--dump-out differs from torch's integer conv"
import sys, numpy as np
lines = [l.strip() for l in open(sys.argv[1]) if l.strip() and not l.startswith('#')]
ref = np.load(sys.argv[2])                      # [K, Ho, Wo]
k = ref.shape[0]
got = np.array([[int(l[16 * (k - 1 - c):16 * (k - c)], 2) for c in range(k)] for l in lines])
want = ref.reshape(k, -1).T
assert got.shape == want.shape, (got.shape, want.shape)
assert (got == want).all(), np.argwhere(got != want)[:5]
PY
echo "1 passed, 0 failed"
