#!/usr/bin/env bash
# MPI_Allreduce through FFM (and through Panamax's Collective) versus from C, alternately in one session (the
# machine is noisy), at 0.4 MB (the MNIST CNN's gradients) and 40 MB, on 2 ranks of this machine (shared memory).
# Needs openmpi-bin and libopenmpi-dev (mpicc); run from the repository root: [ROUNDS=3] native/mpi-bench/run.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
out="$(mktemp -d)"
mpicc -O2 -o "$out/allreduce_bench" native/mpi-bench/allreduce_bench.c
mpicc -O2 -shared -fPIC -o "$out/liballreduce_loop.so" native/mpi-bench/allreduce_loop.c
./panamax bench --help > /dev/null 2>&1 || true   # builds the bench jar if needed
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# shellcheck disable=SC2046
java=("${JAVA_HOME:-/usr}/bin/java" $(cat cli/target/jvm.options) -cp bench/target/panamax-bench.jar dev.panamax.bench.mpi.AllreduceBench)
for round in $(seq "${ROUNDS:-3}"); do
  mpirun -np 2 --bind-to core "$out/allreduce_bench" 0.4 40
  mpirun -np 2 --bind-to core "${java[@]}" ffm 0.4 40
  mpirun -np 2 --bind-to core "${java[@]}" collective 0.4 40
done | tee "$out/lines"
# The median bus bandwidth of each path at each size, and each path's over C's.
for bytes in $(sed 's/.*"bytes": \([0-9]*\).*/\1/' "$out/lines" | sort -un); do
  for impl in C FFM Collective; do
    grep "\"impl\": \"$impl\"" "$out/lines" | grep "\"bytes\": $bytes," | sed 's/.*"busbw_GBps": \([0-9.]*\).*/\1/' | sort -g \
      | awk -v i="$impl" -v b="$bytes" '{r[NR] = $1} END {m = NR % 2 ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2; printf "%s %s %.3f\n", b, i, m}'
  done
done | awk '{bw[$1, $2] = $3; sizes[$1]} END {for (b in sizes) printf "%.1f MB: bus bandwidth C %.2f GB/s, FFM %.2f GB/s (%.3f of C), Collective %.2f GB/s (%.3f of C)\n",
  b / 1e6, bw[b, "C"], bw[b, "FFM"], bw[b, "FFM"] / bw[b, "C"], bw[b, "Collective"], bw[b, "Collective"] / bw[b, "C"]}'
# The same comparison inside one process, C and FFM rounds alternating (the fair one on a host whose speed drifts).
mpirun -np 2 --bind-to core "${java[@]/AllreduceBench/InterleavedAllreduceBench}" "$out/liballreduce_loop.so" 0.4 40 \
  | grep '^{' | sed 's/^/interleaved in one process: /'
rm -rf "$out"
