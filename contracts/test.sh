#!/usr/bin/env bash
# Runs every forge test (unit, fuzz, invariant) and prints the gas report.
# Extra arguments go to forge, e.g. ./test.sh --match-contract JobManagerTest
set -euo pipefail
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/env.sh"
cd "$CONTRACTS_DIR"
"$FORGE" test -vv --gas-report "$@"
