#!/usr/bin/env bash
# Builds bench/ai's copy of the native kernels: trustdial-ai's sources plus the relaxed
# determinism baseline (native/td_relaxed.c, -DTD_WITH_RELAXED), which the product library leaves
# out. Prints the library's path; pass it as -Dtrustdial.ai.nativeLib=PATH to the benchmarks that
# measure the relaxed baseline (InferenceBench with -Dtrustdial.ai.benchmark.relaxedDeterminism=true,
# MatmulBench, ExpCostBench). Usage: bench/ai/build-native.sh [OUT_DIR=/tmp/trustdial-bench-native]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
src="$here/../../trustdial-ai/src/main/c"
out="${1:-/tmp/trustdial-bench-native}"
mkdir -p "$out"
lib="$out/libtdkernels-relaxed.so"
# Same flags as trustdial-ai/src/main/c/build.sh: the canonical kernels keep their bits.
gcc -O3 -fPIC -shared -std=gnu11 -ffp-contract=off -fno-fast-math -Wall -Wextra -DTD_WITH_RELAXED -I"$src" \
  -o "$lib.tmp" "$src"/*.c "$here/native/td_relaxed.c" -lm
mv "$lib.tmp" "$lib"
echo "$lib"
