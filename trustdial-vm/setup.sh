#!/usr/bin/env bash
# Installs the RV32IM guest toolchain and qemu-user when missing, then builds the example guests
# into trustdial-vm/target/guest/ (tests read them there; `mvn clean` removes them). Idempotent.
set -euo pipefail
cd "$(dirname "$0")"

need=()
command -v riscv64-unknown-elf-gcc >/dev/null || need+=(gcc-riscv64-unknown-elf)
[ -f /usr/lib/picolibc/riscv64-unknown-elf/picolibc.specs ] || need+=(picolibc-riscv64-unknown-elf)
command -v qemu-riscv32 >/dev/null || need+=(qemu-user)
command -v gcc >/dev/null || need+=(gcc)
command -v make >/dev/null || need+=(make)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "trustdial-vm/setup.sh: missing ${need[*]}; run as root or: sudo apt-get install ${need[*]}" >&2
    exit 1
  fi
  echo "trustdial-vm/setup.sh: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends "${need[@]}" >/dev/null 2>&1 \
    || { apt-get update >/dev/null && apt-get install -y --no-install-recommends "${need[@]}" >/dev/null; }
fi

make -s -C guest OUT="$PWD/target/guest" all
echo "trustdial-vm/setup.sh: guests built in $PWD/target/guest"
