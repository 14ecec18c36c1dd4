#!/usr/bin/env bash
# ZK mode benchmark: compiles the example circuits of zk/circuits, checks their witnesses against the
# independent reference (bench/zk/reference.js), and for Groth16, PLONK and FFLONK (where the circuit
# fits the ceremony) measures setup, witness and proving time, peak memory, proof size and
# verification gas on a throwaway anvil, and the overhead against the same computation run directly.
# Prints a markdown table; asserts nothing but the vectors. Never part of the test run.
#
#   bench/zk/run.sh [--with-sha256]
#     --with-sha256 (or TRUSTDIAL_ZK_BENCH_SHA256=1): also the SHA-256 chain, which needs a power-15
#       ceremony: generated once (~10-15 min on a 2-core VM) and cached. A cached power-15 file is also
#       used without the flag, for the systems the recommender does not fit at power 12.
#   REPS=5            proofs per system (the first is cold: curve set-up, worker threads)
#   DIRECT_SECONDS=2  how long to time the direct computation
#   Ceremonies: ${TRUSTDIAL_CACHE:-$HOME/.cache/trustdial}/zk/dev-bn128-{12,15}.ptau (bench/zk/ceremony.sh);
#   everything else under target/bench-zk/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
with_sha="${TRUSTDIAL_ZK_BENCH_SHA256:-0}"
for arg in "$@"; do
  case "$arg" in
    --with-sha256) with_sha=1 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "unknown argument: $arg (usage: bench/zk/run.sh [--with-sha256])" >&2; exit 2 ;;
  esac
done
reps="${REPS:-5}"
direct_s="${DIRECT_SECONDS:-2}"
for f in node_modules/snarkjs/build/cli.cjs node_modules/circom2/cli.js node_modules/circomlib/circuits/sha256/sha256.circom \
         node_modules/solc/soljson.js node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil; do
  [[ -e "$f" ]] || { echo "missing $f: run npm ci in $root (the pinned toolchain of package.json)" >&2; exit 2; }
done
command -v node >/dev/null || { echo "node is not installed" >&2; exit 2; }
snarkjs=(node "$root/node_modules/snarkjs/build/cli.cjs")
circom=(node "$root/node_modules/circom2/cli.js")
cache="${TRUSTDIAL_CACHE:-$HOME/.cache/trustdial}/zk"
mkdir -p target/bench-zk
work="$(mktemp -d "$root/target/bench-zk/run.XXXXXX")"
results="$work/results.jsonl"
: > "$results"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs; work dir $work"

# ------------------------------------------------------------------ ceremonies
declare -A ptau
ptau[12]="$(bench/zk/ceremony.sh 12)"
if [[ "$with_sha" == 1 ]]; then
  ptau[15]="$(bench/zk/ceremony.sh 15)"
elif [[ -s "$cache/dev-bn128-15.ptau" ]]; then
  ptau[15]="$cache/dev-bn128-15.ptau"
fi
powers=$(printf '%s\n' "${!ptau[@]}" | sort -n | tr '\n' ' ')
max_power=$(printf '%s\n' "${!ptau[@]}" | sort -n | tail -1)
echo "ceremonies: power ${powers}(${ptau[*]})"

log2ceil() { local n=$1 p=0; while (( (1 << p) < n )); do p=$((p + 1)); done; echo "$p"; }
now_ms() { date +%s%3N; }
json_get() { node -e 'const o=JSON.parse(process.argv[1]); console.log(o[process.argv[2]] ?? "")' "$1" "$2"; }

# ------------------------------------------------------------------ one circuit
bench_circuit() {
  local name="$1" dir="$work/$1"
  mkdir -p "$dir"
  echo
  echo "== $name: compiling"
  "${circom[@]}" "zk/circuits/$name.circom" --r1cs --wasm --O2 -l node_modules -o "$dir" > "$dir/circom.log"
  local info constraints npub
  info="$("${snarkjs[@]}" r1cs info "$dir/$name.r1cs" 2>&1)"
  constraints=$(sed -n 's/.*# of Constraints: \([0-9]*\).*/\1/p' <<< "$info")
  npub=$(( $(sed -n 's/.*# of Public Inputs: \([0-9]*\).*/\1/p' <<< "$info") + $(sed -n 's/.*# of Outputs: \([0-9]*\).*/\1/p' <<< "$info") ))
  echo "$name: $constraints constraints, $npub public signals"

  # The vectors, through the circuit's witness generator (and, for the recommender, the claimed
  # rankings through RecommenderChecked).
  local hintdir=""
  if [[ "$name" == recommender ]]; then
    sed 's/^component main .*/component main {public [in]} = RecommenderChecked(8, 8, 3);/' zk/circuits/recommender.circom > "$dir/recommender_hint.circom"
    "${circom[@]}" "$dir/recommender_hint.circom" --wasm --O2 -l node_modules -o "$dir" > "$dir/circom-hint.log"
    hintdir="$dir/recommender_hint_js"
  fi
  node bench/zk/reference.js check "$name" "$dir/${name}_js" $hintdir | tee "$dir/vectors.log" | tail -1
  grep -q 'all vectors pass' "$dir/vectors.log" || { echo "$name: the circuit does not match the reference" >&2; exit 1; }

  node bench/zk/reference.js input "$name" > "$dir/input.json"
  local expected direct
  expected="$(node -e 'const v=require(process.argv[1]).vectors[0]; console.log(JSON.stringify([...v.out, ...v.in]))' "$root/zk/circuits/vectors/$name.json")"
  direct="$(node bench/zk/reference.js direct "$name" "$direct_s")"
  echo "direct: $direct"

  local system power setup_ok gates needs reason plonk_gates=""
  # FFLONK prints no gate count: it uses PLONK's arithmetisation, so PLONK's count (measured first).
  for system in groth16 plonk fflonk; do
    setup_ok=""; gates=""; needs=""
    [[ "$system" == fflonk ]] && gates="$plonk_gates"
    for power in $powers; do
      local zkey="$dir/$system-$power.zkey" log="$dir/$system-$power-setup.log" t0 t1
      t0=$(now_ms)
      case "$system" in
        groth16)
          if "${snarkjs[@]}" groth16 setup "$dir/$name.r1cs" "${ptau[$power]}" "$dir/g0.zkey" > "$log" 2>&1 \
             && "${snarkjs[@]}" zkey contribute "$dir/g0.zkey" "$zkey" --name=bench \
                  -e="$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" >> "$log" 2>&1; then setup_ok=$power; fi ;;
        plonk)  if "${snarkjs[@]}" plonk setup "$dir/$name.r1cs" "${ptau[$power]}" "$zkey" > "$log" 2>&1; then setup_ok=$power; fi ;;
        fflonk) if "${snarkjs[@]}" fflonk setup "$dir/$name.r1cs" "${ptau[$power]}" "$zkey" > "$log" 2>&1; then setup_ok=$power; fi ;;
      esac
      # snarkjs may print an error yet exit 0
      if [[ -n "$setup_ok" ]] && grep -q 'ERROR' "$log"; then setup_ok=""; fi
      t1=$(now_ms)
      g=$(sed -n 's/.*Plonk constraints: \([0-9]*\).*/\1/p' "$log" | head -1)
      [[ -n "$g" ]] && gates="$g" && plonk_gates="$g"
      [[ -n "$setup_ok" ]] && break
    done
    # What the system would need (snarkjs's own rules).
    case "$system" in
      groth16) needs=$(log2ceil $((constraints + npub + 1))) ;;
      plonk)   [[ -n "$gates" ]] && needs=$(log2ceil "$gates") ;;
      fflonk)  [[ -n "$gates" ]] && needs=$(( $(log2ceil $((gates + 2))) + 4 )) ;;  # 9 * 2^p + 18 points
    esac
    local ceremony_label="dev power $setup_ok"
    [[ -n "$setup_ok" && -n "$needs" && "$needs" != "$setup_ok" ]] && ceremony_label="$ceremony_label (needs $needs)"
    if [[ -z "$setup_ok" ]]; then
      reason="does not fit the power-$max_power ceremony"
      [[ -n "$needs" ]] && reason="$reason (needs power $needs)"
      echo "$name $system: $reason"
      node -e 'console.log(JSON.stringify({circuit: process.argv[1], system: process.argv[2], constraints: +process.argv[3],
        nPublic: +process.argv[4], gates: process.argv[5] ? +process.argv[5] : undefined, ceremony: "", skipped: process.argv[6]}))' \
        "$name" "$system" "$constraints" "$npub" "$gates" "$reason" >> "$results"
      continue
    fi
    local setup_ms=$((t1 - t0)) out="$dir/$system-out"
    mkdir -p "$out"
    echo "$name $system: setup on power $setup_ok in ${setup_ms} ms; proving $reps times"
    local prove_json gas_json
    prove_json="$(node bench/zk/bench.js prove "$system" "$dir/$system-$setup_ok.zkey" "$dir/${name}_js/$name.wasm" "$dir/input.json" "$reps" "$out")"
    # The proof's public signals are the first vector's output then its input (docs/spec/zk.md §2).
    if [[ "$(node -e 'console.log(JSON.stringify(require(process.argv[1])))' "$out/public.json")" != "$expected" ]]; then
      echo "$name $system: public signals $(cat "$out/public.json") differ from the vector $expected" >&2; exit 1
    fi
    "${snarkjs[@]}" zkey export verificationkey "$dir/$system-$setup_ok.zkey" "$out/vkey.json" > /dev/null
    "${snarkjs[@]}" "$system" verify "$out/vkey.json" "$out/public.json" "$out/proof.json" > "$out/verify.log" 2>&1 \
      || { echo "$name $system: snarkjs does not verify the proof" >&2; cat "$out/verify.log" >&2; exit 1; }
    "${snarkjs[@]}" zkey export solidityverifier "$dir/$system-$setup_ok.zkey" "$out/Verifier.sol" > /dev/null
    "${snarkjs[@]}" zkey export soliditycalldata "$out/public.json" "$out/proof.json" > "$out/calldata.txt"
    gas_json="$(node bench/zk/bench.js gas "$out/Verifier.sol" "$out/calldata.txt" "$npub")"
    echo "$name $system: $prove_json"
    echo "$name $system: $gas_json"
    node -e 'const [c, s, k, n, g, cer, sm, p, gas, d] = process.argv.slice(1);
      console.log(JSON.stringify({circuit: c, system: s, constraints: +k, nPublic: +n, gates: g ? +g : undefined,
        ceremony: cer, setupMs: +sm, ...JSON.parse(p), ...JSON.parse(gas), directNs: JSON.parse(d).nsPerRun}))' \
      "$name" "$system" "$constraints" "$npub" "$gates" "$ceremony_label" "$setup_ms" "$prove_json" "$gas_json" "$direct" >> "$results"
  done
  node -e 'console.log(JSON.stringify({circuit: process.argv[1], system: "Noir (nargo + Barretenberg UltraHonk)",
    skipped: "not installed here (no nargo/bb in the pinned toolchain)"}))' "$name" >> "$results"
}

bench_circuit recommender
if [[ "$with_sha" == 1 ]]; then
  bench_circuit sha256chain
else
  echo
  echo "sha256chain skipped (needs the power-15 ceremony): bench/zk/run.sh --with-sha256"
fi
echo
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
node bench/zk/bench.js table "$results"
