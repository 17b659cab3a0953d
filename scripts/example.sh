#!/usr/bin/env bash
# The main job: installs what is missing, builds RLFit in release mode, and fits the bundled
# example study (data/bandit2arm_example.tsv, made by `rlfit simulate`): 4 chains, progress on
# screen, then the report. The fit directory is fits/example.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release --product rlfit
.build/release/rlfit fit data/bandit2arm_example.tsv --model bandit2arm_delta --chains 4 --seed 2024 --overwrite --out fits/example
