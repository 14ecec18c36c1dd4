#!/usr/bin/env bash
# Builds trustdial-ai and measures prefill and generation on generated llama GGUFs (~100M parameters,
# or SHAPE=1b / SHAPE=8b for TinyLlama-1.1B's and Llama-3-8B's shapes):
# the engine with its determinism rules, the same engine with them off (relaxed baseline), and,
# when LLAMA_CPP_DIR names a llama.cpp build you made yourself, llama-bench on the same files and
# thread counts (`-p 128 -n 64`). Prints the tables and the ratios; never part of the test run.
# Usage: [LLAMA_CPP_DIR=DIR] [REPS=5] [ROUNDS=1] bench/ai/run.sh [MODEL_DIR] [TYPES=Q8_0,Q4_0,F32] [THREADS=1,2] [KERNELS=native]
#   LLAMA_CPP_DIR: a directory holding llama-bench, or build/bin/llama-bench; unset = no comparison.
#   ROUNDS: repeat the whole measurement (llama.cpp, deterministic, relaxed for every type) this many
#   times; the tables pool all rounds' samples, so a noisy minute weighs on every engine alike.
#   KERNELS=native,java adds the pure-Java kernels.
#   SHAPE=100m|1b|8b: the generated shape (default 100m; 8B Q4_0 is a 4.7 GB file, Q8_0 8.5 GB; F32
#   is refused above 100m). DEPTHS=512,2048,8192 also measures generation after a prompt of that many
#   tokens (llama-bench -p 0 -n 64 -d DEPTHS). The engine bounds one request's KV cache to 1 GiB
#   (F32 keys and values), which at 8B is 4096 tokens: deeper runs are refused there.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
models="${1:-/tmp/trustdial-bench-models}"
types="${2:-Q8_0,Q4_0,F32}"
threads="${3:-1,2}"
kernels="${4:-native}"
reps="${REPS:-5}"
rounds="${ROUNDS:-1}"
shape="${SHAPE:-100m}"
depths="${DEPTHS:-}"
case "$shape" in
  100m|1b|8b) ;;
  *) echo "SHAPE must be 100m, 1b or 8b, got '$shape'" >&2; exit 2 ;;
esac
if [[ "$shape" != 100m && ",$types," == *",F32,"* ]]; then
  echo "F32 at SHAPE=$shape is too large for this bench (4 bytes per weight): pick Q8_0, Q4_0 or a K-quant file" >&2
  exit 2
fi
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
# The generator holds the whole quantized model in memory (8B Q8_0: 8.5 GB); the engine maps the file.
heap=6g
[[ "$shape" == 8b ]] && heap=14g
jvm=("$JAVA_HOME/bin/java" -Xmx$heap --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED
  -Dorg.slf4j.simpleLogger.defaultLogLevel=error -Dbench.reps="$reps" -Dbench.prompt=128 -Dbench.gen=64
  -Dbench.shape="$shape" -Dbench.depths="$depths" -cp "$cp")

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
  "${jvm[@]}" -Dbench.reps=1 -Dbench.warmupSeconds=0 -Dbench.gen=1 -Dbench.prompt=8 -Dbench.depths= bench/ai/InferenceBench.java "$models" "$type" 1 native >/dev/null
done
for ((round = 1; round <= rounds; round++)); do
  echo "round $round of $rounds, load $(cut -d' ' -f1-3 /proc/loadavg)"
  for type in "${type_list[@]}"; do
    if [[ -n "$llama_bench" ]]; then
      "$llama_bench" -m "$models/bench-llama-$shape-$type.gguf" -p 128 -n 64 -t "$threads" -r "$reps" -o jsonl \
        >> "$out/llama-bench.jsonl" 2>> "$out/llama-bench.log"
      if [[ -n "$depths" ]]; then
        "$llama_bench" -m "$models/bench-llama-$shape-$type.gguf" -p 0 -n 64 -d "$depths" -t "$threads" -r "$reps" -o jsonl \
          >> "$out/llama-bench.jsonl" 2>> "$out/llama-bench.log"
      fi
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
