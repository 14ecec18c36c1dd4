#!/usr/bin/env bash
# Builds trustdial-ai and runs the inference benchmark on generated ~100M-parameter llama GGUFs,
# once with the determinism rules and once with the relaxed (non-deterministic) baseline.
# Usage: bench/ai/run.sh [MODEL_DIR] [TYPES=Q8_0,Q4_0,F32] [THREADS=1,2] [KERNELS=native,java]
# "/cpu" columns divide by process CPU time instead of wall time: use them on a busy machine.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
cd "$root"
bash trustdial-ai/setup.sh
mvn -q -B -pl trustdial-ai -am install -DskipTests
mvn -q -B -pl trustdial-ai dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=runtime
cp="trustdial-ai/target/classes:$(cat trustdial-ai/target/cp.txt)"
jvm=("$JAVA_HOME/bin/java" -Xmx6g --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED
  -Dorg.slf4j.simpleLogger.defaultLogLevel=error -cp "$cp")
"${jvm[@]}" bench/ai/MatmulBench.java
"${jvm[@]}" bench/ai/InferenceBench.java "$@"
"${jvm[@]}" -Dtrustdial.ai.benchmark.relaxedDeterminism=true bench/ai/InferenceBench.java "${1:-/tmp/trustdial-bench-models}" "${2:-Q8_0,Q4_0,F32}" "${3:-1,2}" native
