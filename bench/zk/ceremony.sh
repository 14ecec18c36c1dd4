#!/usr/bin/env bash
# Generates (once) a dev powers-of-tau file of the given power and prints its path on stdout:
#   bench/zk/ceremony.sh POWER      ->  ${TRUSTDIAL_CACHE:-$HOME/.cache/trustdial}/zk/dev-bn128-POWER.ptau
# One contributor with random entropy on this machine: whoever ran it can forge proofs (dev only,
# docs/spec/zk.md §6). Written in a temporary directory next to it and published atomically, so an
# interrupted run leaves no half file under the final name. Prints on stderr how long it took.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
power="${1:?usage: ceremony.sh POWER}"
[[ "$power" =~ ^[0-9]+$ ]] && (( power >= 8 && power <= 28 )) || { echo "power must be 8..28" >&2; exit 2; }
dir="${TRUSTDIAL_CACHE:-$HOME/.cache/trustdial}/zk"
final="$dir/dev-bn128-$power.ptau"
if [[ -s "$final" ]]; then echo "using the cached dev ceremony $final" >&2; echo "$final"; exit 0; fi
mkdir -p "$dir"
snarkjs=(node "$root/node_modules/snarkjs/build/cli.cjs")
tmp="$(mktemp -d "$dir/.ceremony-$power.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
start=$(date +%s.%N)
echo "generating the dev power-$power ceremony (one contributor, this machine) in $tmp ..." >&2
"${snarkjs[@]}" powersoftau new bn128 "$power" "$tmp/0.ptau" >/dev/null
"${snarkjs[@]}" powersoftau contribute "$tmp/0.ptau" "$tmp/1.ptau" --name=dev \
  -e="$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" >/dev/null
"${snarkjs[@]}" powersoftau prepare phase2 "$tmp/1.ptau" "$tmp/final.ptau" >/dev/null
# Publish with a hard link: atomic, and it never replaces a file that another process (another run,
# or `trustdial zk build`, which locks dev-bn128-12.ptau.lock with fcntl while it generates) has
# published meanwhile and may already have used: then that one is kept and ours is dropped.
if ! ln "$tmp/final.ptau" "$final" 2>/dev/null; then
  echo "another process published $final meanwhile: keeping it" >&2
fi
end=$(date +%s.%N)
awk -v p="$power" -v s="$start" -v e="$end" -v f="$final" 'BEGIN { printf "ceremony power %s generated in %.0f s (%s)\n", p, e - s, f }' >&2
echo "$final"
