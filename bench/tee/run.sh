#!/usr/bin/env bash
# Attestation verifier throughput on the real test evidence (TDX v4 with collateral, SEV-SNP,
# Nitro) and on simulated evidence. Needs trustdial-tee built:
#   mvn -pl trustdial-tee -am install -DskipTests
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
: "${JAVA_HOME:=/usr/lib/jvm/temurin-25-jdk-amd64}"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
mvn -q -B -pl trustdial-tee dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" >/dev/null
cp="$root/trustdial-tee/target/classes:$(cat "$work/cp.txt")"
"$JAVA_HOME/bin/javac" -d "$work/cls" -cp "$cp" bench/tee/AttestBench.java
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load $(cut -d' ' -f1-3 /proc/loadavg)"
"$JAVA_HOME/bin/java" -cp "$work/cls:$cp" AttestBench "$root/trustdial-tee/src/test/resources/attestation" "${SECONDS_PER_CASE:-3}"
