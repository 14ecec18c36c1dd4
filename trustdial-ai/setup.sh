#!/usr/bin/env bash
# trustdial-ai setup: makes sure gcc is installed, then builds the native kernels
# (trustdial-ai/target/native/native/libtdkernels.so). Idempotent.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if ! command -v gcc >/dev/null 2>&1; then
  if [[ "$(id -u)" == "0" ]]; then
    apt-get update -q && apt-get install -y -q gcc libc6-dev
  else
    echo "trustdial-ai: gcc is missing; install it (apt-get install gcc) or run this as root" >&2
    exit 1
  fi
fi
exec bash "$here/src/main/c/build.sh"
