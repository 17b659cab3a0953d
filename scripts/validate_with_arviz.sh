#!/usr/bin/env bash
# Real clients read RLFit's output: fits a small study, then loads the chain files with
# arviz.from_cmdstan and cmdstanpy.from_csv (installed with pip in a private venv) and checks
# summary.csv against ArviZ's own summary. Run by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.build-venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q arviz cmdstanpy pandas
fi
swift build -c release --product rlfit
out=$(mktemp -d)
.build/release/rlfit simulate --model bandit2arm_delta --subjects 12 --trials 100 --seed 5 --out "$out/study.tsv" >/dev/null
.build/release/rlfit fit "$out/study.tsv" --model bandit2arm_delta --warmup 500 --draws 500 --seed 9 --quiet --out "$out/fit" >/dev/null
RLFIT=.build/release/rlfit "$venv/bin/python" scripts/validate_fit_outputs.py "$out/fit"
rm -rf "$out"
