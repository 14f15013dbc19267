#!/usr/bin/env bash
# The machine's peak single-precision FMA rate on 1 and on all cores at once (see fma_peak.c), three times each: the
# ceiling the README's GFLOP/s figures are put against. Needs gcc; run from anywhere: native/fma-peak/run.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$(mktemp -d)"
gcc -O3 -march=native -pthread -o "$out/fma_peak" "$here/fma_peak.c"
objdump -d "$out/fma_peak" | grep -q 'vfmadd' || { echo "fma-peak: the compiler emitted no FMA instruction" >&2; exit 1; }
cores="$(nproc)"
for round in 1 2 3; do
  "$out/fma_peak" 1 2
  "$out/fma_peak" "$cores" 2
done
rm -rf "$out"
