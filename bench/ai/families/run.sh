#!/usr/bin/env bash
# Model families against llama.cpp (issue #20): generates each family's random-weight GGUF, runs
# llama.cpp's greedy decoding and tokenizer on it, and compares with trustdial-ai (FamilyComparison.java).
# llama.cpp comes as the prebuilt CPU libraries of the npm package @node-llama-cpp/linux-x64 (no build).
#   [TYPE=F32|Q8_0|Q4_0] bench/ai/families/run.sh [OUT_DIR]   (from the repository root after `./trustdial build`)
# Prints the table for bench/ai/README.md and writes OUT_DIR/family-vectors.json and the tokenizer
# vectors OUT_DIR/*.out for trustdial-ai's test resources.
set -euo pipefail
out=${1:-/tmp/trustdial-families}
families=(llama llama3 mistral qwen2 qwen3 phi3 gemma2 gemma3)
steps=${STEPS:-256}
type=${TYPE:-F32}
pkg=3.22.1
mkdir -p "$out/npm"
if [ ! -d "$out/npm/node_modules/@node-llama-cpp/linux-x64" ]; then
  (cd "$out/npm" && npm init -y >/dev/null && npm install --ignore-scripts --no-audit --no-fund "@node-llama-cpp/linux-x64@$pkg" >/dev/null)
fi
lib="$out/npm/node_modules/@node-llama-cpp/linux-x64/bins/linux-x64"
export LLREF_BACKEND_DIR="$lib"
gcc -O2 -Wall bench/ai/families/llref.c -o "$out/llref" -L"$lib" -l:libllama.v0.5.0.so -l:libggml.v0.5.0.so -Wl,-rpath,"$lib"
gcc -O2 -Wall bench/ai/families/llama_commit.c -o "$out/llama_commit" -L"$lib" -l:libllama-common.so -Wl,-rpath,"$lib"
commit=$("$out/llama_commit")
cp=trustdial-ai/target/classes:trustdial-core/target/classes:$(cat trustdial-ai/target/classpath.txt 2>/dev/null || true)
if [ ! -s trustdial-ai/target/classpath.txt ]; then
  mvn -B -q -o dependency:build-classpath -pl trustdial-ai -Dmdep.outputFile=target/classpath.txt >/dev/null
  cp=trustdial-ai/target/classes:trustdial-core/target/classes:$(cat trustdial-ai/target/classpath.txt)
fi
jvm=(java --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Dorg.slf4j.simpleLogger.defaultLogLevel=error
  -Dfamilies.type="$type" -cp "$cp")
for f in "${families[@]}"; do
  "${jvm[@]}" dev.trustdial.ai.model.BenchmarkModelGenerator "$f" "$type" "$out/$f-$type.gguf" tiny 7 >/dev/null
done
"${jvm[@]}" bench/ai/families/FamilyComparison.java prompts "$out" "${families[@]}"
for f in "${families[@]}"; do
  for p in 0 1; do
    "$out/llref" gen "$out/$f-$type.gguf" "$out/$f-p$p.txt" "$steps" "$out/$f-p$p" 2>"$out/$f-p$p.log"
  done
done
inp=trustdial-ai/src/test/resources/tokenizers/ggml-vocab-gpt-2.gguf.inp
for f in llama3 phi3 gemma2; do
  "${jvm[@]}" dev.trustdial.ai.model.BenchmarkModelGenerator "$f" Q8_0 "$out/vocab-$f.gguf" vocab 11 >/dev/null
  "$out/llref" tok "$out/vocab-$f.gguf" "$inp" >"$out/vocab-$f.gguf.out" 2>"$out/vocab-$f.log"
done
echo "llama.cpp $commit (@node-llama-cpp/linux-x64 $pkg), $type weights, $steps greedy steps, F32 KV cache, 1 thread"
"${jvm[@]}" bench/ai/families/FamilyComparison.java "$out" "$out/family-vectors.json" "$commit" "${families[@]}"
