#!/usr/bin/env bash
# The main job: installs what is missing, builds RLFit in release mode, and runs it on the
# bundled example study (data/bandit2arm_example.tsv, made by `rlfit simulate`).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release --product rlfit
rlfit=.build/release/rlfit
"$rlfit" check data/bandit2arm_example.tsv --model bandit2arm_delta
"$rlfit" bench gradient --subjects 100 --trials 200
