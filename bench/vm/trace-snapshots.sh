#!/usr/bin/env bash
# Boundary snapshots of a stride trace (docs/spec/objective.md §7): build cost with and without them, and the step tree
# and proof state of a late stride from the nearest snapshot versus from step 0. sha256chain over SHA_ITERS iterations.
# Needs trustdial-vm built (mvn -pl trustdial-vm -am install -DskipTests) and trustdial-vm/setup.sh.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
: "${JAVA_HOME:=/usr/lib/jvm/temurin-25-jdk-amd64}"
guest="$root/trustdial-vm/target/guest"
[ -f "$guest/sha256chain.elf" ] || { echo "run trustdial-vm/setup.sh first" >&2; exit 1; }
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
mvn -q -B ${MVN_FLAGS:-} -pl trustdial-vm dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" >/dev/null
cp="$root/trustdial-vm/target/classes:$(cat "$work/cp.txt")"
"$JAVA_HOME/bin/javac" -d "$work/cls" -cp "$cp" bench/vm/TraceSnapshotBench.java
python3 -c "import struct,sys; sys.stdout.buffer.write(struct.pack('<I', ${SHA_ITERS:-600}) + b'x'*64)" > "$work/in"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load $(cut -d' ' -f1-3 /proc/loadavg)"
"$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector -cp "$work/cls:$cp" TraceSnapshotBench "$guest/sha256chain.elf" "$work/in" \
  "${MAX_STEPS:-4194304}" "${STRIDE_LOG2:-16}"
