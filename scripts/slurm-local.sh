#!/bin/sh
# A one-node Slurm cluster on this machine (root) for the campaign integration test and CI:
#   scripts/slurm-local.sh start   writes /etc/slurm/slurm.conf, starts munged, slurmctld, slurmd, waits for the node
#   scripts/slurm-local.sh stop    stops the daemons this script started
# Needs Debian's slurm-wlm and munge (apt-get install -y slurm-wlm munge).
set -eu
STATE=${STAINLESS_SLURM_STATE:-/var/tmp/stainless-slurm}
CONF=/etc/slurm/slurm.conf
NODE=$(hostname -s)

stop() {
  for d in slurmd slurmctld munged; do
    f="$STATE/$d.pid"
    if [ -f "$f" ]; then kill "$(cat "$f")" 2>/dev/null || true; rm -f "$f"; fi
  done
}

start() {
  command -v slurmctld >/dev/null || { echo "slurm-local: slurmctld not installed (apt-get install -y slurm-wlm munge)" >&2; exit 1; }
  stop
  mkdir -p "$STATE/ctld" "$STATE/d" "$STATE/munge" /run/munge /etc/slurm
  [ -s /etc/munge/munge.key ] || mungekey --create --keyfile=/etc/munge/munge.key
  chown munge:munge /etc/munge/munge.key /run/munge "$STATE/munge" 2>/dev/null || true
  chmod 0400 /etc/munge/munge.key
  # memory and CPUs as slurmd sees them, so the node registers without a mismatch
  CPUS=$(nproc)
  MEM=$(awk '/MemTotal/ {print int($2 / 1024 * 0.9)}' /proc/meminfo)
  cat > "$CONF" <<CONF
# written by stainless scripts/slurm-local.sh (one-node test cluster)
ClusterName=stainless-local
SlurmctldHost=$NODE
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$STATE/ctld
SlurmdSpoolDir=$STATE/d
SlurmctldPidFile=$STATE/slurmctld.pid
SlurmdPidFile=$STATE/slurmd.pid
SlurmctldLogFile=$STATE/slurmctld.log
SlurmdLogFile=$STATE/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=1024
ReturnToService=2
SchedulerType=sched/backfill
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$STATE/jobcomp.txt
SlurmctldTimeout=30
SlurmdTimeout=30
NodeName=$NODE CPUs=$CPUS RealMemory=$MEM State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
CONF
  t0=$(date +%s.%N)
  munged --force --pid-file="$STATE/munged.pid" --socket=/run/munge/munge.socket.2 --seed-file="$STATE/munge/seed" --log-file="$STATE/munged.log" || munged --force
  slurmctld -i
  slurmd
  for _ in $(seq 1 120); do
    if sinfo -h -N -o '%T' 2>/dev/null | grep -qE '^(idle|mixed|allocated)'; then
      echo "slurm-local: node $NODE up ($CPUS CPUs, $MEM MB) in $(echo "$(date +%s.%N) - $t0" | bc) s"
      return 0
    fi
    sleep 0.25
  done
  echo "slurm-local: the node did not come up; see $STATE/slurmctld.log and $STATE/slurmd.log" >&2
  exit 1
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
