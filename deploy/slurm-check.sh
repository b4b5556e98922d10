#!/usr/bin/env bash
# Checks deploy/slurm-array.sh against a real Slurm (e.g. the one deploy/slurm-local.sh starts):
#
#   GUIDEDCAM=/path/to/guidedcam deploy/slurm-check.sh CONFIG.yaml WORK_DIR [SHARDS [CANCEL_TASK]]
#
# 1. one unsharded `guidedcam run` (no Slurm) into WORK_DIR/unsharded;
# 2. deploy/slurm-array.sh into WORK_DIR/array: SHARDS array tasks + the dependent merge job;
#    summary.csv, items.csv and the maps of WORK_DIR/array/merged must equal the unsharded run's;
# 3. deploy/slurm-array.sh into WORK_DIR/cancel; task CANCEL_TASK (default 1) is scancel-ed once it
#    has committed at least one batch and before it finished; the old merge job must be cancelled by
#    Slurm (its dependency can never be met), then that task is re-submitted with
#    `deploy/slurm-array.sh CONFIG WORK_DIR/cancel SHARDS CANCEL_TASK`; the new merge must again equal
#    the unsharded run.
# Prints what it does with UTC times; exits 1 on the first difference. SLURM_CPUS and SLURM_MEM are
# passed on to slurm-array.sh (defaults here: 1 CPU, 2G per task, to fit a small machine).
set -euo pipefail

if [[ $# -lt 2 || $# -gt 4 ]]; then
    echo "usage: GUIDEDCAM=… $0 CONFIG.yaml WORK_DIR [SHARDS [CANCEL_TASK]]" >&2
    exit 2
fi
CONFIG=$(readlink -f "$1")
WORK=$(readlink -m "$2")
SHARDS=${3:-4}
CANCEL=${4:-1}
HERE=$(dirname "$(readlink -f "$0")")
: "${GUIDEDCAM:?set GUIDEDCAM to the guidedcam executable}"
export GUIDEDCAM SLURM_CPUS=${SLURM_CPUS:-1} SLURM_MEM=${SLURM_MEM:-2G}
export OMP_WAIT_POLICY=PASSIVE
[[ -f "$CONFIG" ]] || { echo "$0: config $CONFIG not found" >&2; exit 2; }
[[ ! -e "$WORK" ]] || { echo "$0: $WORK exists; give a new folder" >&2; exit 2; }
(( CANCEL < SHARDS )) || { echo "$0: CANCEL_TASK $CANCEL is not a shard of $SHARDS" >&2; exit 2; }
mkdir -p "$WORK"

say() { echo "[$(date -u +%T)] $*"; }

# Waits until no job or array task of the given ids is left in squeue.
wait_gone() { while [[ -n $(squeue -h -j "$1" 2>/dev/null) ]]; do sleep 2; done; }

# The end state of jobs: sacct where accounting runs, else Slurm's job-completion log (jobcomp/filetxt).
job_states() {
    if sacct -n -X -j "$1" -o JobID,JobName,State,ExitCode,Start,End,Elapsed 2>/dev/null; then return; fi
    local log
    log=$(scontrol show config | sed -n 's/^JobCompLoc *= *//p')
    [[ -f "$log" ]] || { echo "(no sacct and no job-completion log)"; return; }
    local id
    for id in ${1//,/ }; do
        awk -v id="$id" '{
            delete f; for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = substr($i, length(kv[1]) + 2) }
            if (f["JobId"] == id || f["ArrayJobId"] == id)
                printf "   %-6s %-16s %-10s exit %-5s %s → %s\n", (f["ArrayJobId"] != "" ? f["ArrayJobId"] "_" f["ArrayTaskId"] : f["JobId"]),
                    f["Name"], f["JobState"], f["ExitCode"], f["StartTime"], f["EndTime"]
        }' "$log"
    done
}

same_results() {
    local a=$1 b=$2 f ok=0
    for f in summary.csv items.csv; do
        if cmp "$a/$f" "$b/$f"; then say "  $f identical ($(wc -l < "$a/$f") lines)"; else ok=1; fi
    done
    if diff -rq "$a/maps" "$b/maps" >/dev/null; then say "  maps identical ($(find "$a/maps" -type f | wc -l) files)"; else diff -rq "$a/maps" "$b/maps" | head -n 5; ok=1; fi
    return $ok
}

submit() { # prints the array and merge job ids
    local out
    out=$("$HERE/slurm-array.sh" "$@")
    # shellcheck disable=SC2001 # a prefix on every line of the output
    echo "$out" | sed "s/^/[$(date -u +%T)]   /" >&2
    echo "$(sed -n 's/^submitted shard array \([0-9]*\).*/\1/p' <<< "$out") $(sed -n 's/^submitted merge + report \([0-9]*\).*/\1/p' <<< "$out")"
}

say "guidedcam: $GUIDEDCAM; config: $CONFIG; $SHARDS shards; node: $(sinfo -h -o '%N %c CPUs %m MB %T')"

say "1. unsharded run"
start=$(date +%s)
"$GUIDEDCAM" run "$CONFIG" --out "$WORK/unsharded" > "$WORK/unsharded.log" 2>&1
say "   done in $(( $(date +%s) - start )) s: $(grep -E '^[0-9]+ items computed' "$WORK/unsharded.log" || tail -n 1 "$WORK/unsharded.log")"

say "2. $SHARDS-task array + dependent merge"
start=$(date +%s)
ids=$(submit "$CONFIG" "$WORK/array" "$SHARDS")
read -r ARRAY MERGE <<< "$ids"
wait_gone "$ARRAY,$MERGE"
say "   all jobs left the queue after $(( $(date +%s) - start )) s"
job_states "$ARRAY,$MERGE"
grep -h -E '^([0-9]+ items computed|merged )' "$WORK"/array/logs/*.out | sed 's/^/   /'
same_results "$WORK/unsharded" "$WORK/array/merged" || { say "DIFFERENT: array merge vs unsharded"; exit 1; }

say "3. $SHARDS-task array, scancel task $CANCEL half-way, re-submit it"
start=$(date +%s)
ids=$(submit "$CONFIG" "$WORK/cancel" "$SHARDS")
read -r ARRAY MERGE <<< "$ids"
LOG="$WORK/cancel/logs/shard-$CANCEL.out"
# A progress line "k/n items" with 0 < k < n is printed after a batch was committed to the journal.
until grep -qE ' ([1-9][0-9]*)/[0-9]+ items' "$LOG" 2>/dev/null; do
    [[ -n $(squeue -h -j "${ARRAY}_$CANCEL" 2>/dev/null) ]] || { say "task $CANCEL ended before it could be cancelled"; exit 1; }
    sleep 0.5
done
progress=$(grep -oE ' [0-9]+/[0-9]+ items' "$LOG" | tail -n 1)
scancel "${ARRAY}_$CANCEL"
say "   scancel ${ARRAY}_$CANCEL at$progress"
wait_gone "$ARRAY"
sleep 2
say "   array left the queue; merge job $MERGE: $(scontrol show job "$MERGE" 2>/dev/null | grep -oE 'JobState=[A-Z]+ Reason=[A-Za-z]+' || echo 'gone')"
job_states "$ARRAY,$MERGE"
ids=$(submit "$CONFIG" "$WORK/cancel" "$SHARDS" "$CANCEL")
read -r ARRAY2 MERGE2 <<< "$ids"
wait_gone "$ARRAY2,$MERGE2"
say "   all jobs left the queue after $(( $(date +%s) - start )) s"
job_states "$ARRAY2,$MERGE2"
grep -h -E '^([0-9]+ items computed|merged |slurmstepd)' "$WORK"/cancel/logs/*.out | sed 's/^/   /'
same_results "$WORK/unsharded" "$WORK/cancel/merged" || { say "DIFFERENT: merge after cancel + re-submit vs unsharded"; exit 1; }
say "all checks passed"
