#!/usr/bin/env bash
# Set-up for the linux-arm64 prebuild and its test (run by .ci/run, never by
# npm scripts): Debian's cross-compiler for `npm run prebuild` / `npm pack`,
# and qemu-user plus the arm64 C and C++ runtime (the *-arm64-cross packages,
# under /usr/aarch64-linux-gnu) for `npm run test:arm64`. Idempotent: installs
# only what is missing. Needs root and apt-get; changes no kernel setting
# (no binfmt_misc registration: the arm64 test runs node under qemu itself).
set -euo pipefail

need=()
command -v aarch64-linux-gnu-g++ >/dev/null 2>&1 || need+=(g++-aarch64-linux-gnu)
command -v qemu-aarch64 >/dev/null 2>&1 || need+=(qemu-user)
[ -e /usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1 ] || need+=(libc6-arm64-cross)
[ -e /usr/aarch64-linux-gnu/lib/libstdc++.so.6 ] || need+=(libstdc++6-arm64-cross)

if [ ${#need[@]} -eq 0 ]; then
  echo "setup-arm64: cross-compiler, qemu-user and the arm64 runtime are present"
  exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-arm64: missing ${need[*]}; install them with apt-get as root" >&2
  exit 1
fi
echo "setup-arm64: installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
