#!/usr/bin/env bash
# Explorer benchmark: builds trustdial-explorer, then runs IndexBench.java on its classpath and prints figures.
#   bench/explorer/run.sh      (env: JAVA_HOME; -Djobs=2000 via BENCH_OPTS)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
cd "$ROOT"
mvn -q -B -pl trustdial-explorer -am install -DskipTests ${MVN_OPTS:-}
mvn -q -B -pl trustdial-explorer dependency:build-classpath -Dmdep.outputFile=target/bench-cp.txt ${MVN_OPTS:-} >/dev/null
CP="trustdial-explorer/target/classes:$(cat trustdial-explorer/target/bench-cp.txt)"
exec "$JAVA_HOME/bin/java" -Xmx2g --enable-native-access=ALL-UNNAMED -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  ${BENCH_OPTS:-} -cp "$CP" "$ROOT/bench/explorer/IndexBench.java"
