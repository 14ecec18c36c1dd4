#!/usr/bin/env bash
# Node benchmarks: the VM-side cost of checkpoint snapshots. Prints figures; never part of the tests.
#   bench/node/run.sh     (env: JAVA_HOME; -Diterations=2000 via BENCH_OPTS)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
cd "$ROOT"
mvn -q -B -pl trustdial-node install -DskipTests
mvn -q -B -pl trustdial-node dependency:build-classpath -Dmdep.outputFile=target/bench-cp.txt >/dev/null
CP="trustdial-node/target/classes:$(cat trustdial-node/target/bench-cp.txt)"
exec "$JAVA_HOME/bin/java" -Xmx2g ${BENCH_OPTS:-} -cp "$CP" "$ROOT/bench/node/CheckpointCostBench.java"
