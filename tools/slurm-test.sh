#!/usr/bin/env bash
# Brings up a real single-node Slurm on localhost (Debian's slurm-wlm and munge, started here,
# stopped on exit), submits a small sweep as a job array with a dependent merge job through
# sweeps/slurm/submit.sh, waits, and checks the merged result equals a single-process run.
# Needs root (it starts munged and the Slurm daemons). Usage: bash tools/slurm-test.sh [BUILD_DIR]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$(realpath "${1:-$root/build}")"
leosem="$build/leosem"
[ -x "$leosem" ] || { echo "slurm-test: no $leosem (build first)" >&2; exit 1; }
for tool in slurmctld slurmd munged sbatch h5diff; do
  command -v "$tool" > /dev/null || { echo "slurm-test: $tool missing (bash tools/setup.sh installs it)" >&2; exit 1; }
done

work="$(mktemp -d /tmp/leosem-slurm.XXXXXX)"
chmod 755 "$work"
node="$(hostname -s)"
pids=()
cleanup() {
  scontrol shutdown > /dev/null 2>&1 || true
  sleep 1
  for pid in "${pids[@]}"; do kill "$pid" 2> /dev/null || true; done
  [ -f "$work/munged.pid" ] && kill "$(cat "$work/munged.pid")" 2> /dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# munge: a private key and socket for this test only.
mkdir -p "$work/munge"
dd if=/dev/urandom bs=1 count=1024 of="$work/munge/munge.key" status=none
chmod 700 "$work/munge"
chmod 400 "$work/munge/munge.key"
munged --force --key-file="$work/munge/munge.key" --socket="$work/munge/munge.socket" \
  --pid-file="$work/munged.pid" --log-file="$work/munge/munged.log" --seed-file="$work/munge/seed"
for _ in $(seq 50); do [ -S "$work/munge/munge.socket" ] && break; sleep 0.1; done

cpus="$(nproc)"
memory_mb=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 / 2 ))
mkdir -p "$work/state" "$work/spool"
export SLURM_CONF="$work/slurm.conf"
cat > "$SLURM_CONF" <<CONF
ClusterName=leosemtest
SlurmctldHost=$node
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$work/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
SlurmctldPort=16817
SlurmdPort=16818
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
SchedulerType=sched/backfill
NodeName=$node CPUs=$cpus RealMemory=$memory_mb State=UNKNOWN
PartitionName=test Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF
slurmctld -D -c -f "$SLURM_CONF" > "$work/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -c -f "$SLURM_CONF" > "$work/slurmd.out" 2>&1 &
pids+=($!)
for _ in $(seq 60); do
  sinfo -h -o '%t' 2> /dev/null | grep -q -E '^(idle|mix|alloc)' && break
  sleep 1
done
sinfo -h -o '%t' | grep -q -E '^(idle|mix|alloc)' || {
  echo "slurm-test: the node did not come up" >&2
  tail -20 "$work/slurmctld.log" "$work/slurmd.log" >&2 || true
  exit 1
}

# A small sweep: 2 points x 12 instances of a reduced scenario, 3 shards.
# shellcheck source=../tests/cli/lib/small_scenario.sh
source "$root/tests/cli/lib/small_scenario.sh"  # the CLI tests' small scenario
write_small_scenario "$work/base.toml"
cat > "$work/sweep.toml" <<'TOML'
name = "slurm-test"
scenario = "base.toml"
instances = 12
algorithms = ["greedy-jscc", "jcrra"]
seed = 9
[[axis]]
field = "users.images_mean"
values = [20000, 40000]
TOML
"$leosem" run "$work/sweep.toml" --out "$work/single.h5" --threads 1 > /dev/null 2>&1

LEOSEM="$leosem" bash "$root/sweeps/slurm/submit.sh" "$work/sweep.toml" "$work/out" 3 --cpus-per-task=1
for _ in $(seq 180); do
  [ -z "$(squeue -h -o '%i' 2> /dev/null)" ] && break
  if squeue -h -o '%r' | grep -q DependencyNeverSatisfied; then
    echo "slurm-test: an array task failed, so the merge job can never run" >&2
    tail -n 20 "$work"/out/*.log >&2 || true
    exit 1
  fi
  sleep 1
done
[ -z "$(squeue -h -o '%i')" ] || { echo "slurm-test: jobs still queued after 180 s" >&2; squeue >&2; exit 1; }
[ -f "$work/out/result.h5" ] || {
  echo "slurm-test: no merged result" >&2
  tail -n 20 "$work"/out/*.log >&2 || true
  exit 1
}
for i in 0 1 2; do [ -f "$work/out/shard-$i.h5" ] || { echo "slurm-test: shard $i missing" >&2; exit 1; }; done
for data in power_w status iterations done evaluated feasible mean_power_w mean_power_dbm ci95_low_dbm ci95_high_dbm \
  instance; do
  h5diff "$work/single.h5" "$work/out/result.h5" "/$data" "/$data"
done
echo "slurm-test: 3 array tasks + merge job equal the single-process run"
