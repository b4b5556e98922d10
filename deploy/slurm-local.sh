#!/usr/bin/env bash
# A real single-node Slurm on this machine, for trying deploy/slurm-array.sh without a cluster.
# Needs root and Debian's packages:  apt-get install -y slurm-wlm munge
#
#   deploy/slurm-local.sh start    # munge key if missing, slurm.conf, munged + slurmctld + slurmd, wait for "idle"
#   eval "$(deploy/slurm-local.sh env)"   # SLURM_CONF for sbatch/squeue/scontrol/sinfo in this shell
#   deploy/slurm-local.sh status
#   deploy/slurm-local.sh stop     # stops the daemons this script started (by their pid files)
#
# Works without systemd (containers): the daemons are started by hand. Everything Slurm writes goes
# to $SLURM_LOCAL_STATE (default /tmp/guidedcam-slurm): slurm.conf, controller state, slurmd spool,
# logs, pid files and a job-completion log (jobcomp.log). munge keeps its Debian paths
# (/etc/munge/munge.key, /run/munge); an munged that is already running is used as it is.
#
# The node is this host (`hostname -s`) with the CPUs and memory `slurmd -C` measures; one partition
# "local"; cons_tres with cores and memory as consumables; proctrack/linuxproc and task/none (no
# cgroups needed); no accounting database, so `sacct` is unavailable: finished jobs stay visible in
# `scontrol show job` for an hour (MinJobAge) and are logged in jobcomp.log.
set -euo pipefail

STATE=${SLURM_LOCAL_STATE:-/tmp/guidedcam-slurm}
CONF="$STATE/slurm.conf"
MUNGE_KEY=/etc/munge/munge.key
MUNGE_SOCKET=/run/munge/munge.socket.2
MUNGE_PIDFILE=/run/munge/munged.pid

die() { echo "$0: $*" >&2; exit 2; }

alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

need_root() { [[ $(id -u) -eq 0 ]] || die "run as root (slurmd and munged need it)"; }

need_packages() {
    local missing=()
    for exe in munged mungekey slurmctld slurmd sinfo sbatch; do
        command -v "$exe" >/dev/null || [[ -x "/usr/sbin/$exe" ]] || missing+=("$exe")
    done
    [[ ${#missing[@]} -eq 0 ]] || die "not installed: ${missing[*]} (apt-get install -y slurm-wlm munge)"
}

start_munge() {
    if [[ ! -f "$MUNGE_KEY" ]]; then
        install -d -o munge -g munge -m 0700 /etc/munge
        mungekey --create --keyfile="$MUNGE_KEY"
        chown munge:munge "$MUNGE_KEY"
        chmod 0600 "$MUNGE_KEY"
        echo "created munge key $MUNGE_KEY"
    fi
    if munge -n -S "$MUNGE_SOCKET" 2>/dev/null | unmunge -S "$MUNGE_SOCKET" >/dev/null 2>&1; then
        echo "munged already running"
        return
    fi
    install -d -o munge -g munge -m 0755 /run/munge
    install -d -o munge -g munge -m 0700 /var/log/munge /var/lib/munge
    # munged refuses to run as root by design; Debian's unit runs it as the munge user.
    runuser -u munge -- /usr/sbin/munged --socket="$MUNGE_SOCKET" --pid-file="$MUNGE_PIDFILE"
    touch "$STATE/munged.started-here"
    for _ in $(seq 50); do
        munge -n -S "$MUNGE_SOCKET" 2>/dev/null | unmunge -S "$MUNGE_SOCKET" >/dev/null 2>&1 && { echo "munged started (pid $(cat "$MUNGE_PIDFILE"))"; return; }
        sleep 0.2
    done
    die "munged did not answer on $MUNGE_SOCKET (see /var/log/munge/munged.log)"
}

write_conf() {
    local host node
    host=$(hostname -s)
    # `slurmd -C` prints this machine's NodeName line (CPUs, sockets, cores, threads, RealMemory);
    # the second line is its uptime.
    node=$(/usr/sbin/slurmd -C | head -n 1)
    [[ "$node" == "NodeName=$host "* ]] || die "unexpected 'slurmd -C' output: $node"
    mkdir -p "$STATE/slurmctld" "$STATE/slurmd"
    cat > "$CONF.new" <<EOF
# Written by deploy/slurm-local.sh: a one-node Slurm for trying deploy/slurm-array.sh.
ClusterName=guidedcam-local
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
SlurmctldPort=${SLURM_LOCAL_CTLD_PORT:-6817}
SlurmdPort=${SLURM_LOCAL_SLURMD_PORT:-6818}
AuthType=auth/munge
AuthInfo=socket=$MUNGE_SOCKET
CredType=cred/munge
StateSaveLocation=$STATE/slurmctld
SlurmdSpoolDir=$STATE/slurmd
SlurmctldPidFile=$STATE/slurmctld.pid
SlurmdPidFile=$STATE/slurmd.pid
SlurmctldLogFile=$STATE/slurmctld.log
SlurmdLogFile=$STATE/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
# A job that asks for no memory gets 1 GB per CPU instead of the whole node.
DefMemPerCPU=1024
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/filetxt
JobCompLoc=$STATE/jobcomp.log
ReturnToService=2
# Refuse at submission a job no node can ever run (e.g. more CPUs than this machine has).
EnforcePartLimits=ALL
MinJobAge=3600
KillWait=30
$node State=UNKNOWN
PartitionName=local Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
    mv "$CONF.new" "$CONF"
}

start() {
    need_root
    need_packages
    mkdir -p "$STATE"
    start_munge
    if alive "$STATE/slurmctld.pid" && alive "$STATE/slurmd.pid"; then
        echo "slurmctld and slurmd already running (state in $STATE)"
    else
        write_conf
        alive "$STATE/slurmctld.pid" || /usr/sbin/slurmctld -f "$CONF"
        alive "$STATE/slurmd.pid" || /usr/sbin/slurmd -f "$CONF"
    fi
    export SLURM_CONF="$CONF"
    local host state=""
    host=$(hostname -s)
    for _ in $(seq 120); do
        state=$(sinfo -h -n "$host" -o %T 2>/dev/null || true)
        [[ "$state" == idle* || "$state" == mixed* || "$state" == allocated* ]] && break
        sleep 0.5
    done
    [[ "$state" == idle* || "$state" == mixed* || "$state" == allocated* ]] ||
        die "node $host is '${state:-not listed}' after 60 s (see $STATE/slurmctld.log and $STATE/slurmd.log)"
    sinfo
    echo "Slurm is up. In your shell:  export SLURM_CONF=$CONF"
}

stop() {
    need_root
    local pidfile pid
    for pidfile in "$STATE/slurmd.pid" "$STATE/slurmctld.pid"; do
        if alive "$pidfile"; then
            pid=$(cat "$pidfile")
            kill -TERM "$pid"
            for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
            kill -0 "$pid" 2>/dev/null && die "$(basename "$pidfile" .pid) (pid $pid) did not stop"
            echo "stopped $(basename "$pidfile" .pid) (pid $pid)"
        fi
    done
    # Only an munged this script started: another one belongs to whoever started it.
    if [[ -f "$STATE/munged.started-here" ]]; then
        if alive "$MUNGE_PIDFILE"; then
            pid=$(cat "$MUNGE_PIDFILE")
            kill -TERM "$pid"
            for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
            echo "stopped munged (pid $pid)"
        fi
        rm -f "$STATE/munged.started-here"
    fi
}

status() {
    local name
    for name in slurmctld slurmd; do
        if alive "$STATE/$name.pid"; then echo "$name running (pid $(cat "$STATE/$name.pid"))"; else echo "$name not running"; fi
    done
    if alive "$MUNGE_PIDFILE"; then echo "munged running (pid $(cat "$MUNGE_PIDFILE"))"; else echo "munged not running"; fi
    if alive "$STATE/slurmctld.pid"; then SLURM_CONF="$CONF" sinfo; fi
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    env) echo "export SLURM_CONF=$CONF" ;;
    *) echo "usage: $0 start|stop|status|env   (state in \$SLURM_LOCAL_STATE, default /tmp/guidedcam-slurm)" >&2; exit 2 ;;
esac
