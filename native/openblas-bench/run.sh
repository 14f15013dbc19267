#!/usr/bin/env bash
# OpenBLAS through FFM versus OpenBLAS called from C, alternately in one session (the machine is noisy),
# at n = 1024. The JVM measures OpenBLAS only (--impl openblas), so no Java kernel is compiled beside it.
# OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are unset for this command only, so OpenBLAS picks its best kernel for
# the CPU; each line names the kernel that ran.
# Needs gcc and libopenblas-pthread-dev (cblas.h); run from the repository root: [ROUNDS=3] native/openblas-bench/run.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
out="$(mktemp -d)"
gcc -O2 -o "$out/sgemm_bench" native/openblas-bench/sgemm_bench.c -lopenblas
./panamax doctor > /dev/null 2>&1 || true   # builds the jar if needed
for round in $(seq "${ROUNDS:-3}"); do
  for t in 1 2; do
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$out/sgemm_bench" 1024 "$t" 2
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE ./panamax bench gemm --impl openblas --threads "$t" --sizes 1024 --seconds 2 --json 2>/dev/null \
      | sed "s/}$/, \"kernel\": \"via FFM\"}/"
  done
done | tee "$out/lines"
# Each FFM figure over the native one just before it; the median of those pair ratios per thread count.
for t in 1 2; do
  grep "\"threads\": $t," "$out/lines" | sed 's/.*"gflops": \([0-9.]*\).*/\1/' | paste - - \
    | awk '{print $2 / $1}' | sort -g | awk -v t="$t" '{r[NR] = $1} END {
        m = NR % 2 ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2
        s = ""; for (i = 1; i <= NR; i++) s = s sprintf(" %.3f", r[i])
        printf "FFM / native, %d thread(s): median %.3f of %d pairs (sorted:%s)\n", t, m, NR, s }'
done
rm -rf "$out"
