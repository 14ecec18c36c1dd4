#!/usr/bin/env bash
# Builds the native kernels into trustdial-ai/target/native/ when gcc is present; without gcc it
# says so and exits 0 (the engine then runs its pure-Java kernels, which give the same bits).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
module="$(cd "$here/../../.." && pwd)"
out="$module/target/native/native"
lib="$out/libtdkernels.so"
sources=("$here"/*.c)
if ! command -v gcc >/dev/null 2>&1; then
  echo "trustdial-ai: gcc not found; native kernels not built (pure-Java kernels will be used)" >&2
  exit 0
fi
if [[ -f "$lib" && "$lib" -nt "$0" ]]; then
  stale=0
  for f in "$here"/*.c "$here"/*.h; do
    if [[ "$f" -nt "$lib" ]]; then stale=1; fi
  done
  if [[ "$stale" == 0 ]]; then exit 0; fi
fi
mkdir -p "$out"
# -ffp-contract=off: only the explicit fmaf/_fmadd calls may fuse; the canonical order depends on it.
gcc -O3 -fPIC -shared -std=gnu11 -ffp-contract=off -fno-fast-math -Wall -Wextra -o "$lib.tmp" "${sources[@]}" -lm
mv "$lib.tmp" "$lib"
echo "trustdial-ai: built $lib"
