#!/usr/bin/env bash
# DA benchmarks: builds trustdial-da, then runs DaBench.java on its classpath and prints figures.
#   bench/da/run.sh            (env: JAVA_HOME; -Dprecompute=8 -Drounds=3 -Dgets=15 via BENCH_OPTS)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
cd "$ROOT"
mvn -q -B -pl trustdial-da install -DskipTests
mvn -q -B -pl trustdial-da dependency:build-classpath -Dmdep.outputFile=target/bench-cp.txt >/dev/null
CP="trustdial-da/target/classes:$(cat trustdial-da/target/bench-cp.txt)"
exec "$JAVA_HOME/bin/java" -Xmx4g --enable-native-access=ALL-UNNAMED -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  ${BENCH_OPTS:-} -cp "$CP" "$ROOT/bench/da/DaBench.java"
