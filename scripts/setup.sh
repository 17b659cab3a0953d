#!/usr/bin/env bash
# Installs what RLFit needs on Debian 12 when it is missing: OpenBLAS (CBLAS), LAPACKE and
# pkg-config. Sourced by scripts/example.sh and scripts/test.sh; safe to run twice.
set -euo pipefail
missing=()
for pkg in libopenblas-dev liblapacke-dev pkg-config; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
command -v swift >/dev/null || { echo "setup: swift is not on PATH (RLFit needs Swift 6.1 or newer)" >&2; exit 1; }
