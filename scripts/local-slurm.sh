#!/usr/bin/env bash
# Starts and stops a one-node SLURM cluster on this machine (Debian 12, run as root, no systemd),
# so that sbatch/squeue/scontrol can be tried locally.
#
# Usage:  scripts/local-slurm.sh start|stop|status
#   start   installs slurmctld slurmd slurm-client munge if missing, writes slurm.conf and a munge
#           key into the state directory, starts munged, slurmctld and slurmd (no systemd), waits
#           until the node is up and records the daemons' PIDs in $DIR/pids. A second start while
#           running says so and exits 0. Job state survives stop/start (job IDs keep counting).
#   stop    cancels queued/running jobs (else their slurmstepd would outlive slurmd), then stops
#           only the recorded PIDs (SIGTERM, SIGKILL after 10 s) and waits for them to exit.
#   status  says whether it is running (exit 0) or not (exit 1).
# State directory: $RLFIT_SLURM_DIR (default /tmp/rlfit-slurm): slurm.conf, munge key and socket,
#   state/, spool/, log/ (daemon logs), run/ (pid files), jobcomp.log (one line per finished job).
# Then, in each shell that uses sbatch/squeue/scontrol/srun:
#   export SLURM_CONF=/tmp/rlfit-slurm/slurm.conf    (it names its own munge socket; nothing else)
#
# Measured on a 2-core Debian 12 VM as root (slurm-wlm 22.05.8, munge 0.5.15):
#   - apt install ~10 s once; start ~0.3 s after that, stop ~0.5 s.
#   - a job starts 0-2 s after sbatch; array --array=1-4%2 runs 2 tasks at once, the next wave
#     ~1 s after the previous ends; --dependency=afterok:ARRAY starts ~1 s after the last task.
#   - afterok on a failed job: with --kill-on-invalid-dep=yes the dependent is CANCELLED
#     (DependencyNeverSatisfied); without it it stays PENDING forever.
#   - `scontrol requeue JOB_TASK` (job submitted with --requeue): the batch shell gets SIGTERM
#     within ~30 ms (SIGKILL KillWait=10 s later); the task runs again 12 s after the requeue
#     (cred_expire=10 + 1, then the next 2 s scheduler pass), with SLURM_RESTART_COUNT=1
#     (unset in the first run). The default cred_expire=120 would make this ~2 min.
#   - no accounting database: `sacct` fails ("Slurm accounting storage is disabled"); use
#     `squeue -t all` (finished jobs stay MinJobAge=300 s), `scontrol show job`, jobcomp.log.
#   - `#SBATCH --signal=B:TERM@60` is accepted (B:USR1@55 with --time=1 arrived ~10 s in).
#   - jobs without --mem get DefMemPerCPU = RealMemory/CPUs, so two 1-CPU jobs fit.
set -euo pipefail
DIR=${RLFIT_SLURM_DIR:-/tmp/rlfit-slurm}
CONF=$DIR/slurm.conf
NODE=$(hostname -s)
export SLURM_CONF=$CONF

alive() { # name pid: true if pid is a live (not zombie) process named name
  local st
  st=$(ps -o stat=,comm= -p "${2:-0}" 2>/dev/null) && [[ $st != Z* && ${st##* } == "$1" ]]
}
running() { # true if all recorded processes are alive
  [ -s "$DIR/pids" ] || return 1
  local name pid
  while read -r name pid; do alive "$name" "$pid" || return 1; done <"$DIR/pids"
}

stop_one() { # name pid: SIGTERM, wait up to 10 s, then SIGKILL
  alive "$1" "$2" || return 0
  kill -TERM "$2" 2>/dev/null || true
  for _ in $(seq 100); do alive "$1" "$2" || return 0; sleep 0.1; done
  kill -KILL "$2" 2>/dev/null || true
  while alive "$1" "$2"; do sleep 0.1; done
}

stop() {
  [ -s "$DIR/pids" ] || { echo "local-slurm: not running"; return 0; }
  local name pid
  if running; then # cancel jobs, else their slurmstepd and job processes outlive slurmd
    squeue -h -o %A 2>/dev/null | xargs -r scancel 2>/dev/null || true
    for _ in $(seq 300); do # up to 30 s (KillWait=10 s between SIGTERM and SIGKILL)
      [ -z "$(squeue -h -t pending,running,suspended,completing,configuring -o %i 2>/dev/null)" ] && break
      sleep 0.1
    done
  fi
  while read -r name pid; do stop_one "$name" "$pid"; done < <(tac "$DIR/pids") # slurmd, slurmctld, munged
  rm -f "$DIR/pids"
  echo "local-slurm: stopped"
}

install_if_missing() {
  local missing=() pkg
  for pkg in slurmctld slurmd slurm-client munge; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "local-slurm: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  local apt=(apt-get install -y -qq --no-install-recommends "${missing[@]}")
  "${apt[@]}" >"$DIR/apt.log" 2>&1 || { apt-get update -qq >>"$DIR/apt.log" 2>&1; "${apt[@]}" >>"$DIR/apt.log" 2>&1; } ||
    { cat "$DIR/apt.log" >&2; echo "local-slurm: apt-get install failed" >&2; exit 1; }
}

write_conf() {
  local hw cpus mem # real CPUs, sockets, cores, threads and RealMemory, as slurmd sees them
  hw=$(slurmd -C | head -1 | sed 's/^NodeName=[^ ]* //')
  cpus=$(sed -n 's/.*CPUs=\([0-9]*\).*/\1/p' <<<"$hw")
  mem=$(sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p' <<<"$hw")
  cat >"$CONF" <<EOF
# Written by scripts/local-slurm.sh; rewritten on every start.
ClusterName=rlfit
SlurmctldHost=$NODE(localhost)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$DIR/munge/munge.socket.2,cred_expire=10
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/run/slurmctld.pid
SlurmdPidFile=$DIR/run/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
MailProg=/bin/true
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=$((mem / cpus))
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0,sched_interval=2,bf_interval=2
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/filetxt
JobCompLoc=$DIR/jobcomp.log
MinJobAge=300
ReturnToService=2
SlurmdTimeout=60
SlurmctldTimeout=60
KillWait=10
JobRequeue=1
NodeName=$NODE NodeAddr=localhost $hw State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
}

launch() { # name command...: runs a self-daemonizing command, records the PID from run/name.pid
  local name=$1; shift
  "$@" || { echo "local-slurm: $name failed to start; see $DIR/log/$name.log" >&2; exit 1; }
  for _ in $(seq 50); do [ -s "$DIR/run/$name.pid" ] && break; sleep 0.1; done
  echo "$name $(cat "$DIR/run/$name.pid")" >>"$DIR/pids"
}

start() {
  if running; then echo "local-slurm: already running (export SLURM_CONF=$CONF)"; return 0; fi
  [ -s "$DIR/pids" ] && stop >/dev/null # a partial leftover: clean it up first
  mkdir -p "$DIR"/{munge,state,spool,run,log}
  chmod 755 "$DIR/munge"
  install_if_missing
  [ -s "$DIR/munge/munge.key" ] || { dd if=/dev/urandom of="$DIR/munge/munge.key" bs=1024 count=1 status=none; chmod 600 "$DIR/munge/munge.key"; }
  write_conf
  : >"$DIR/pids"
  rm -f "$DIR"/run/*.pid
  launch munged munged --force --key-file="$DIR/munge/munge.key" --socket="$DIR/munge/munge.socket.2" \
    --pid-file="$DIR/run/munged.pid" --seed-file="$DIR/munge/munged.seed" --log-file="$DIR/log/munged.log"
  launch slurmctld slurmctld -f "$CONF"
  launch slurmd slurmd -f "$CONF"
  for _ in $(seq 150); do # up to 15 s
    [[ "$(sinfo -h -n "$NODE" -o %t 2>/dev/null)" =~ ^(idle|mix|alloc)$ ]] && {
      echo "local-slurm: node $NODE up. Now run:"; echo "export SLURM_CONF=$CONF"; return 0; }
    sleep 0.1
  done
  echo "local-slurm: node did not become idle; see $DIR/log/" >&2
  sinfo -N -l >&2 || true
  exit 1
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if running; then echo "local-slurm: running (export SLURM_CONF=$CONF)"; sinfo -N; else echo "local-slurm: not running"; exit 1; fi ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
