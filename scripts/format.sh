#!/usr/bin/env bash
# Formats the Swift sources with the toolchain's swift-format and the repository's .swift-format
# (4-space indentation, lines up to 120 columns; no lint rules beyond layout).
#   scripts/format.sh           rewrite the files in place
#   scripts/format.sh --check   change nothing; exit 1 naming each file:line that is not formatted (CI)
set -euo pipefail
cd "$(dirname "$0")/.."
paths=(Sources Tests Plugins Package.swift Benchmarks/Benchmarks Benchmarks/Package.swift)
if [ "${1:-}" = "--check" ]; then
  swift format lint --strict --recursive "${paths[@]}"
else
  swift format format --in-place --recursive "${paths[@]}"
fi
