#!/usr/bin/env bash
# Builds trustdial-ai and measures prefill and generation on generated ~100M-parameter llama GGUFs:
# the engine with its determinism rules, the same engine with them off (relaxed baseline), and,
# when LLAMA_CPP_DIR names a llama.cpp build you made yourself, llama-bench on the same files and
# thread counts (`-p 128 -n 64`). Prints the tables and the ratios; never part of the test run.
# Usage: [LLAMA_CPP_DIR=DIR] [REPS=5] [ROUNDS=1] bench/ai/run.sh [MODEL_DIR] [TYPES=Q8_0,Q4_0,F32] [THREADS=1,2] [KERNELS=native]
#   LLAMA_CPP_DIR: a directory holding llama-bench, or build/bin/llama-bench; unset = no comparison.
#   ROUNDS: repeat the whole measurement (llama.cpp, deterministic, relaxed for every type) this many
#   times; the tables pool all rounds' samples, so a noisy minute weighs on every engine alike.
#   KERNELS=native,java adds the pure-Java kernels.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
models="${1:-/tmp/trustdial-bench-models}"
types="${2:-Q8_0,Q4_0,F32}"
threads="${3:-1,2}"
kernels="${4:-native}"
reps="${REPS:-5}"
rounds="${ROUNDS:-1}"
out="$(mktemp -d /tmp/trustdial-ai-bench.XXXXXX)"
cd "$root"
bash trustdial-ai/setup.sh
mvn -q -B -ntp -o -pl trustdial-ai -am install -DskipTests
mvn -q -B -ntp -o -pl trustdial-ai dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=runtime
# A copy of the build: a rebuild in the checkout during a long run cannot change what is measured.
cp -r trustdial-ai/target/classes "$out/classes"
cp="$out/classes:$(cat trustdial-ai/target/cp.txt)"
# The relaxed baseline's kernels exist only in bench/ai's build of the native library.
relaxed_lib="$(bash bench/ai/build-native.sh "$out/native")"
jvm=("$JAVA_HOME/bin/java" -Xmx6g --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED
  -Dorg.slf4j.simpleLogger.defaultLogLevel=error -Dbench.reps="$reps" -Dbench.prompt=128 -Dbench.gen=64 -cp "$cp")

llama_bench=""
if [[ -n "${LLAMA_CPP_DIR:-}" ]]; then
  for candidate in "$LLAMA_CPP_DIR/llama-bench" "$LLAMA_CPP_DIR/build/bin/llama-bench" "$LLAMA_CPP_DIR/bin/llama-bench"; do
    if [[ -x "$candidate" ]]; then llama_bench="$candidate"; break; fi
  done
  if [[ -z "$llama_bench" ]]; then
    echo "LLAMA_CPP_DIR=$LLAMA_CPP_DIR has no llama-bench (looked in ., build/bin, bin)" >&2
    exit 2
  fi
else
  echo "LLAMA_CPP_DIR is unset: skipping the llama.cpp comparison"
fi

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs; results in $out"
"${jvm[@]}" -Dtrustdial.ai.nativeLib="$relaxed_lib" bench/ai/MatmulBench.java
IFS=',' read -r -a type_list <<< "$types"
for type in "${type_list[@]}"; do
  # Same file for every engine: generated once (seeded), reused by llama-bench.
  "${jvm[@]}" -Dbench.reps=1 -Dbench.warmupSeconds=0 -Dbench.gen=1 -Dbench.prompt=8 bench/ai/InferenceBench.java "$models" "$type" 1 native >/dev/null
done
for ((round = 1; round <= rounds; round++)); do
  echo "round $round of $rounds, load $(cut -d' ' -f1-3 /proc/loadavg)"
  for type in "${type_list[@]}"; do
    if [[ -n "$llama_bench" ]]; then
      "$llama_bench" -m "$models/bench-llama-100m-$type.gguf" -p 128 -n 64 -t "$threads" -r "$reps" -o jsonl \
        >> "$out/llama-bench.jsonl" 2>> "$out/llama-bench.log"
    fi
    "${jvm[@]}" -Dbench.json="$out/trustdial.jsonl" bench/ai/InferenceBench.java "$models" "$type" "$threads" "$kernels"
    "${jvm[@]}" -Dbench.json="$out/trustdial.jsonl" -Dtrustdial.ai.benchmark.relaxedDeterminism=true \
      -Dtrustdial.ai.nativeLib="$relaxed_lib" bench/ai/InferenceBench.java "$models" "$type" "$threads" native
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
if [[ -n "$llama_bench" ]]; then
  "${jvm[@]}" bench/ai/LlamaCppComparison.java "$out/trustdial.jsonl" "$out/llama-bench.jsonl"
else
  "${jvm[@]}" bench/ai/LlamaCppComparison.java "$out/trustdial.jsonl"
fi
