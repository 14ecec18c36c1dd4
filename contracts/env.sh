# Sourced by build.sh and test.sh: locates the repo, installs the pinned npm toolchain when missing,
# and sets FORGE/ANVIL to the platform binaries (the npm `forge` wrapper drops exit codes).
CONTRACTS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$CONTRACTS_DIR/.." && pwd)"
FORGE="$REPO_ROOT/node_modules/@foundry-rs/forge-linux-amd64/bin/forge"
ANVIL="$REPO_ROOT/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "contracts: node and npm (Node.js >= 20) are needed to install the pinned toolchain" >&2
  exit 1
fi
if [[ ! -x "$FORGE" || ! -x "$ANVIL" || ! -f "$REPO_ROOT/node_modules/solc/soljson.js" \
      || ! -d "$REPO_ROOT/node_modules/@openzeppelin/contracts" ]]; then
  echo "contracts: installing the pinned toolchain (npm ci) in $REPO_ROOT" >&2
  (cd "$REPO_ROOT" && npm ci --no-audit --no-fund)
fi
if [[ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]]; then
  echo "contracts: the pinned forge/anvil binaries are linux-amd64; this is $(uname -s)-$(uname -m)" >&2
  exit 1
fi
