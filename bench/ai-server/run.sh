#!/bin/bash
# Prints per-request overheads of the AI server outside the engine (tokenizers, receipts).
# Needs: mvn -q -B -pl trustdial-ai -am install -DskipTests
set -euo pipefail
cd "$(dirname "$0")/../.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
CP_FILE=$(mktemp)
trap 'rm -f "$CP_FILE"' EXIT
mvn -q -B -pl trustdial-ai dependency:build-classpath -Dmdep.outputFile="$CP_FILE" >/dev/null
"$JAVA_HOME/bin/java" -cp "trustdial-ai/target/classes:$(cat "$CP_FILE")" \
  bench/ai-server/ServerOverheadBench.java trustdial-ai/src/test/resources
