#!/usr/bin/env bash
# Build step of trustdial-chain (run by Maven in generate-sources): compiles the contracts with
# forge (contracts/build.sh) and generates web3j wrappers for every contract under contracts/src.
# Also copies each contract's ABI into the module's resources so reverts can be decoded by name.
# Usage: generate-wrappers.sh CLASSPATH JAVA_OUT_DIR RESOURCE_OUT_DIR
set -euo pipefail
CP="$1"; OUT="$2"; RES="$3"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# Only src/: a test file being edited never breaks the Java build.
bash "$ROOT/contracts/build.sh" --skip test --skip 'test/**' >&2
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
node - "$ROOT/contracts/out" "$work" "$RES/abi" <<'JS'
const fs = require('fs'), path = require('path');
const [outDir, work, abiDir] = process.argv.slice(2);
fs.mkdirSync(abiDir, { recursive: true });
const names = [];
for (const dir of fs.readdirSync(outDir)) {
  const d = path.join(outDir, dir);
  if (!dir.endsWith('.sol') || !fs.statSync(d).isDirectory()) continue;
  for (const f of fs.readdirSync(d)) {
    if (!f.endsWith('.json')) continue;
    const a = JSON.parse(fs.readFileSync(path.join(d, f), 'utf8'));
    const target = (a.metadata && a.metadata.settings && a.metadata.settings.compilationTarget) || {};
    const src = Object.keys(target)[0] || '';
    if (!src.startsWith('src/')) continue;            // skip OpenZeppelin, tests, scripts
    const name = target[src];
    const bin = (a.bytecode && a.bytecode.object) || '0x';
    fs.writeFileSync(path.join(work, name + '.abi'), JSON.stringify(a.abi));
    if (bin.length > 2) fs.writeFileSync(path.join(work, name + '.bin'), bin.replace(/^0x/, ''));
    fs.writeFileSync(path.join(abiDir, name + '.json'), JSON.stringify(a.abi));
    names.push(name);
  }
}
fs.writeFileSync(path.join(abiDir, 'index.txt'), names.sort().join('\n') + '\n');
JS
for abi in "$work"/*.abi; do
  name="$(basename "$abi" .abi)"
  args=(-a "$abi" -o "$OUT" -p dev.trustdial.chain.contracts -c "$name")
  [ -f "$work/$name.bin" ] && args+=(-b "$work/$name.bin")
  "$JAVA" -cp "$CP" org.web3j.codegen.SolidityFunctionWrapperGenerator "${args[@]}" >"$work/gen.log" 2>&1 \
    || { cat "$work/gen.log" >&2; echo "web3j codegen failed for $name" >&2; exit 1; }
done
echo "generated web3j wrappers: $(tr '\n' ' ' < "$RES/abi/index.txt")" >&2
