#!/usr/bin/env bash
# VM benchmark: MIPS of the Java interpreter and of the JIT on the example guests (with and without
# 2^20-step checkpoints), and the same programs natively (gcc -O2, x86) and under qemu-riscv32, as ratios.
# Needs trustdial-vm built (mvn -pl trustdial-vm -am install -DskipTests) and trustdial-vm/setup.sh.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
: "${JAVA_HOME:=/usr/lib/jvm/temurin-25-jdk-amd64}"
guest="$root/trustdial-vm/target/guest"
[ -f "$guest/sha256chain.elf" ] || { echo "run trustdial-vm/setup.sh first" >&2; exit 1; }
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
mvn -q -B -pl trustdial-vm dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" >/dev/null
cp="$root/trustdial-vm/target/classes:$(cat "$work/cp.txt")"
"$JAVA_HOME/bin/javac" -d "$work/cls" -cp "$cp" bench/vm/VmBench.java
# the memory tree hashes 4-8 nodes per call with the Vector API when the JVM has the module (as
# ./trustdial starts it); VM_SIMD=0 measures the scalar keccak fallback instead
vmflags=(); [ "${VM_SIMD:-1}" = 1 ] && vmflags=(--add-modules jdk.incubator.vector)

py() { python3 -c "import struct,sys; sys.stdout.buffer.write($1)"; }
py "struct.pack('<I', ${SHA_ITERS:-200000}) + b'x'*64" > "$work/sha256chain.in"
py "struct.pack('<III', ${GW_TICKS:-400}, ${GW_ENTITIES:-4000}, 7)" > "$work/gameworld.in"
py "struct.pack('<IIII', 1, ${RC_CANDIDATES:-20000}, 32, 10)" > "$work/recommend.in"
py "struct.pack('<III', ${ST_POSITIONS:-16}, 1, 1) + open('$root/trustdial-vm/src/test/resources/stories260K.bin','rb').read()" > "$work/stories260k.in"

secs() { local t0 t1; t0=$(date +%s.%N); "$@" > /dev/null; t1=$(date +%s.%N); echo "$t1 - $t0" | bc -l; }
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load $(cut -d' ' -f1-3 /proc/loadavg)"
for g in ${GUESTS:-sha256chain gameworld recommend stories260k}; do
  out=$("$JAVA_HOME/bin/java" "${vmflags[@]}" -cp "$work/cls:$cp" VmBench "$guest" "$g" "$work/$g.in" "${REPEATS:-2}")
  line=$(head -1 <<<"$out"); jitline=$(tail -1 <<<"$out")
  vm_s=$(sed -E 's/.* vm_s=([0-9.]+).*/\1/' <<<"$line")
  jit_s=$(sed -E 's/.* jit_s=([0-9.]+).*/\1/' <<<"$jitline")
  native_s=$(secs "$guest/native/$g" < "$work/$g.in")
  qemu_s=$(secs qemu-riscv32 "$guest/$g.elf" < "$work/$g.in")
  printf '%s native_s=%.3f qemu_s=%.3f vm/native=%.1fx vm/qemu=%.2fx\n' "$line" "$native_s" "$qemu_s" \
    "$(echo "$vm_s / $native_s" | bc -l)" "$(echo "$vm_s / $qemu_s" | bc -l)"
  printf '%s jit/native=%.1fx jit/qemu=%.2fx; load now %s\n' "$jitline" \
    "$(echo "$jit_s / $native_s" | bc -l)" "$(echo "$jit_s / $qemu_s" | bc -l)" "$(cut -d' ' -f1-3 /proc/loadavg)"
done

# stories260K on the VM versus the Java inference engine, when trustdial-ai is built
if [ -d "$root/trustdial-ai/target/classes" ] && [ "${STORIES_VS_ENGINE:-1}" = 1 ]; then
  mvn -q -B -pl trustdial-ai dependency:build-classpath -Dmdep.outputFile="$work/ai-cp.txt" -Dmdep.includeScope=runtime >/dev/null
  aicp="$root/trustdial-ai/target/classes:$(cat "$work/ai-cp.txt"):$cp"
  "$JAVA_HOME/bin/javac" -d "$work/cls2" -cp "$aicp" bench/vm/StoriesVsEngine.java
  "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector -Dorg.slf4j.simpleLogger.defaultLogLevel=error -cp "$work/cls2:$aicp" \
    StoriesVsEngine "$guest" "$root/trustdial-vm/src/test/resources/stories260K.bin" "${ST_POSITIONS:-16}" 2>&1 | grep -v "^WARNING"
fi
