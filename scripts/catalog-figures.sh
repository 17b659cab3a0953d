#!/usr/bin/env bash
# The README's per-model tables: gradient cost per subject-trial (`rlfit bench gradient`,
# 100 subjects x 200 trials, simulated on each model's task) and parameter recovery
# (`rlfit recover`: 50 subjects x 200 trials, 2 chains x (500 + 500), one study, seed 1),
# for every built-in model. Prints markdown rows; run after `swift build -c release`.
#   scripts/catalog-figures.sh [speed|recovery] [MODEL ...]
set -euo pipefail
cd "$(dirname "$0")/.."
rlfit=.build/release/rlfit
what=${1:-speed}; shift || true
models=("$@")
if [ ${#models[@]} -eq 0 ]; then
  mapfile -t models < <(ls models/*.rlm | xargs -n1 basename | sed 's/\.rlm$//')
fi
case "$what" in
  speed)
    echo "| model | ns per subject-trial |"
    echo "| --- | --- |"
    for m in "${models[@]}"; do
      ns=$("$rlfit" bench gradient --model "$m" --repeats 50 | sed -n 's/.*"gradient_ns_per_subject_trial": \([0-9.]*\).*/\1/p')
      echo "| $m | $ns |"
    done ;;
  recovery)
    echo "| model | r (posterior mean vs truth), 90% coverage |"
    echo "| --- | --- |"
    for m in "${models[@]}"; do
      row=$("$rlfit" recover --model "$m" --seed 1 2>/dev/null | awk '
        /^parameter  r\(mean/ { table = 1; next }
        table && NF == 0 { exit }
        table { printf "%s%s %.2f %.2f", sep, $1, $2, $NF; sep = "; " }')
      echo "| $m | ${row:-not simulated} |"
    done ;;
  *) echo "usage: $0 [speed|recovery] [MODEL ...]" >&2; exit 64 ;;
esac
