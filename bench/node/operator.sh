#!/usr/bin/env bash
# Issue 18, end to end: a real operator process (anvil, 4 DA node processes) runs the demo's job-1
# guest (game world, stride 2^24) once per checkpointsInFlight setting (0 = the synchronous path,
# N = the checkpoint pipeline), against the bare VM. Prints figures; never part of the tests.
# Needs trustdial-vm/setup.sh (the guest ELFs), npm ci (anvil) and
#   mvn -pl trustdial-node -am install -DskipTests   (MVN_OPTS passes e.g. -o -Dmaven.repo.local=...)
#   bench/node/operator.sh   (BENCH_OPTS: -Dticks=16000 -Dsettings=0,4 -DstrideLog2=24 -DfullEvery=16)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
cd "$ROOT"
mvn -q -B ${MVN_OPTS:-} -pl trustdial-node test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench-test-cp.txt >/dev/null
CP="$ROOT/trustdial-node/target/classes:$ROOT/trustdial-node/target/test-classes:$(cat trustdial-node/target/bench-test-cp.txt)"
OUT="$ROOT/trustdial-node/target/bench-e2e"
mkdir -p "$OUT"
"$JAVA_HOME/bin/javac" -d "$OUT" -cp "$CP" "$ROOT/bench/node/OperatorEndToEndBench.java"
cd "$ROOT/trustdial-node"  # the test harness's relative paths (guest ELFs, node_modules) start here
exec "$JAVA_HOME/bin/java" -Xmx2g --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
  ${BENCH_OPTS:-} -cp "$OUT:$CP" dev.trustdial.node.process.OperatorEndToEndBench
