#!/usr/bin/env bash
# Issue 18: checkpoints on the VM thread vs CheckpointPipeline, game world guest, stride 2^20.
# Prints figures; never part of the tests. Needs trustdial-vm/setup.sh (the guest ELFs) and
#   mvn -pl trustdial-node -am install -DskipTests   (MVN_OPTS passes e.g. -o -Dmaven.repo.local=...)
#   bench/node/pipeline.sh   (BENCH_OPTS: -Dticks=200 -Dentities=4000 -Drepeats=2 -DK=16 -DN=4 -DNc=64
#                             -Dsettings=memory/none,memory/fsync,modeled/fsync
#                             -DdaMbps=1.04 -DdaMs=0 -DhbMs=20)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
cd "$ROOT"
mvn -q -B ${MVN_OPTS:-} -pl trustdial-node dependency:build-classpath -Dmdep.outputFile=target/bench-cp.txt >/dev/null
CP="trustdial-node/target/classes:$(cat trustdial-node/target/bench-cp.txt)"
exec "$JAVA_HOME/bin/java" -Xmx2g --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED ${BENCH_OPTS:-} -cp "$CP" \
  "$ROOT/bench/node/CheckpointPipelineBench.java"
