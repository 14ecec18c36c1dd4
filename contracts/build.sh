#!/usr/bin/env bash
# Compiles the contracts with the pinned forge through the solcjs shim; artifacts land in contracts/out/.
set -euo pipefail
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/env.sh"
cd "$CONTRACTS_DIR"
"$FORGE" build "$@"
