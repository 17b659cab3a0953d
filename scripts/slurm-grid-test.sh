#!/usr/bin/env bash
# End-to-end test of `rlfit grid` on a real SLURM (slurmctld + slurmd on this machine, started
# by scripts/local-slurm.sh): a grid of 2 models × 2 data sets × 2 chains is submitted with the
# plan's submit.sh (an sbatch array, then the merge with afterok); one task is requeued with
# `scontrol requeue` while its chain runs (after its first checkpoint); the merge job runs; every
# merged chain's draws must be byte-identical to `rlfit fit ... --chain-ids c` run here, and
# `rlfit grid status` must show the requeue. Fails (exit 1) on any difference.
#
# Usage: scripts/slurm-grid-test.sh [RLFIT]   (default .build/debug/rlfit; needs root and apt
# for the first install of SLURM). Takes about two minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
RLFIT=$(realpath "${1:-.build/debug/rlfit}")
work=$(mktemp -d /tmp/rlfit-slurm-grid.XXXXXX)
export RLFIT_SLURM_DIR=$work/slurm
export SLURM_CONF=$RLFIT_SLURM_DIR/slurm.conf
fail() { echo "slurm-grid-test: FAILED: $*" >&2; exit 1; }
cleanup() { scripts/local-slurm.sh stop >/dev/null 2>&1 || true; }
trap cleanup EXIT
scripts/local-slurm.sh start >/dev/null

echo "== data, grid, plan"
"$RLFIT" simulate --model bandit2arm_delta --subjects 60 --trials 200 --seed 5 --out "$work/study_a.tsv" >/dev/null
"$RLFIT" simulate --model bandit2arm_delta --subjects 60 --trials 200 --seed 6 --out "$work/study_b.tsv" >/dev/null
cat >"$work/grid.json" <<EOF
{"data": ["study_a.tsv", "study_b.tsv"], "models": ["bandit2arm_delta", "delta_stick"], "seeds": [21],
 "options": {"chains": 2, "warmup": 1500, "draws": 1500}}
EOF
job=$work/job
"$RLFIT" grid plan "$work/grid.json" --out "$job"

echo "== submit"
submitted=$("$job/submit.sh")
echo "$submitted"
array=$(sed -n 's/.* as array job \([0-9]*\),.*/\1/p' <<<"$submitted")
merge=$(sed -n 's/.*the merge as job \([0-9]*\).*/\1/p' <<<"$submitted")
[ -n "$array" ] && [ -n "$merge" ] || fail "submit.sh did not say the array and merge job ids"

# Task 3 (study_a.delta_stick, chain 1): requeue it once its chain has written a checkpoint.
checkpoint=$job/tasks/study_a.delta_stick/chain-1/chain-1.checkpoint
for _ in $(seq 600); do [ -f "$checkpoint" ] && break; sleep 0.2; done
[ -f "$checkpoint" ] || fail "task 3 wrote no checkpoint within 2 minutes"
state=$(squeue -h -j "${array}_3" -o %T)
[ "$state" = RUNNING ] || fail "task 3 is $state, not RUNNING, at its first checkpoint"
echo "== scontrol requeue ${array}_3 (mid-chain)"
scontrol requeue "${array}_3"

echo "== waiting for the merge (job $merge)"
for _ in $(seq 300); do
  state=$(squeue -h -t all -j "$merge" -o %T 2>/dev/null || true)
  case "$state" in COMPLETED) break ;; FAILED|CANCELLED|TIMEOUT|OUT_OF_MEMORY|NODE_FAIL) cat "$job/logs/merge.log" >&2 || true; fail "the merge job ended $state" ;; esac
  sleep 1
done
[ "$state" = COMPLETED ] || { squeue -t all >&2; fail "the merge did not finish within 5 minutes (state '$state')"; }
tail -6 "$job/logs/merge.log"

echo "== status shows the requeue"
status=$("$RLFIT" grid status "$job")
echo "$status"
grep -q "^8 tasks: 8 done" <<<"$status" || fail "not every task is done"
grep -q "task 3 (study_a.delta_stick, chain 1): done (attempt 2, requeued or rerun 1×, SLURM restart count 1" <<<"$status" \
  || fail "grid status does not show task 3's requeue"
grep -q "resumed from the checkpoints" "$job/logs/task-3.log" || fail "task 3's second run did not resume from its checkpoint"

echo "== merged chains equal rlfit fit --chain-ids c run here"
for data in study_a study_b; do
  for model in bandit2arm_delta delta_stick; do
    for c in 1 2; do
      local_fit=$work/local/$data.$model.$c
      "$RLFIT" fit "$work/$data.tsv" --model "$model" --warmup 1500 --draws 1500 --seed 21 --chain-ids "$c" --out "$local_fit" --quiet >/dev/null &
    done
    wait
    for c in 1 2; do
      cmp <(grep -v '^#' "$job/fits/$data.$model/chain-$c.csv") <(grep -v '^#' "$work/local/$data.$model.$c/chain-$c.csv") \
        || fail "$data.$model chain $c: the merged draws differ from the local fit's"
    done
  done
done
[ "$(grep -c ',merged,' "$job/grid.csv")" = 4 ] || fail "grid.csv does not list 4 merged fits"
echo "slurm-grid-test: passed (8 chains byte-identical; requeued task resumed)"
cleanup   # stop the daemons (their pid file is in $work) before removing $work
trap - EXIT
rm -rf "$work"
