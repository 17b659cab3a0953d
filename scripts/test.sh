#!/usr/bin/env bash
# The test command: installs what is missing, then runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build --build-tests
swift test
# rlfit grid against a real SLURM (slurmctld + slurmd started here; installs Debian's SLURM once).
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  scripts/slurm-grid-test.sh
else
  echo "test.sh: scripts/slurm-grid-test.sh not run: it installs and starts SLURM, which needs root and apt" >&2
fi
