#!/usr/bin/env bash
# GuidedCam on a Slurm cluster: one array task per shard, then one dependent job that merges the
# shard folders and builds the report. Submit from a login node:
#
#   deploy/slurm-array.sh CONFIG.yaml OUT_DIR [SHARDS [TASKS]]
#
# Each array task runs `guidedcam run CONFIG --shard i/N --out OUT_DIR/shard-i` with i = 0 … N−1
# (shards are 0-based, so the array is --array=0-(N−1) and SLURM_ARRAY_TASK_ID is used as is).
# A task that is preempted or times out can simply be requeued: the run folder's journal skips the
# items it already committed. The merge job (`guidedcam merge`, which also builds the report) starts
# only when every task of this submission succeeded (afterok).
#
# TASKS (a Slurm index list such as "2" or "1,3") re-submits only those shards of an earlier
# submission into the same OUT_DIR, plus a new merge job over all N shard folders: the way back after
# a shard was cancelled or failed for good. Slurm never satisfies `afterok` on an array with a
# cancelled or failed task, not even after `scontrol requeue` of that task succeeds, so the old merge
# job can never start: --kill-on-invalid-dep=yes has Slurm cancel it instead of leaving it pending.
#
# Environment (optional): GUIDEDCAM (path of the guidedcam executable, default: on PATH),
# SLURM_PARTITION, SLURM_TIME (per shard, default 04:00:00), SLURM_CPUS (default 4), SLURM_MEM
# (default 16G), SLURM_EXTRA (more sbatch flags, e.g. "--account=abc --gres=gpu:1").
set -euo pipefail

if [[ $# -lt 2 || $# -gt 4 ]]; then
    echo "usage: $0 CONFIG.yaml OUT_DIR [SHARDS [TASKS]]" >&2
    exit 2
fi
CONFIG=$(readlink -f "$1")
OUT=$(readlink -m "$2")
SHARDS=${3:-8}
GUIDEDCAM=${GUIDEDCAM:-guidedcam}
[[ -f "$CONFIG" ]] || { echo "$0: config $CONFIG not found" >&2; exit 2; }
[[ "$SHARDS" =~ ^[1-9][0-9]*$ ]] || { echo "$0: SHARDS must be a positive whole number, not '$SHARDS'" >&2; exit 2; }
TASKS=${4:-0-$((SHARDS - 1))}
[[ "$TASKS" =~ ^[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*$ ]] || { echo "$0: TASKS must be a Slurm index list such as 2 or 1,3 or 0-3, not '$TASKS'" >&2; exit 2; }
for n in ${TASKS//[,-]/ }; do
    (( 10#$n < SHARDS )) || { echo "$0: task $n is not a shard of $SHARDS (shards are 0 … $((SHARDS - 1)))" >&2; exit 2; }
done
command -v sbatch >/dev/null || { echo "$0: sbatch not found (run this on a Slurm login node)" >&2; exit 2; }
# An absolute path, so the jobs do not depend on the PATH of the compute node's batch shell.
GUIDEDCAM_PATH=$(command -v "$GUIDEDCAM") || { echo "$0: guidedcam executable '$GUIDEDCAM' not found (set GUIDEDCAM=/path/to/guidedcam)" >&2; exit 2; }
GUIDEDCAM=$(readlink -f "$GUIDEDCAM_PATH")
mkdir -p "$OUT/logs"

COMMON=(--cpus-per-task="${SLURM_CPUS:-4}" --mem="${SLURM_MEM:-16G}")
[[ -n "${SLURM_PARTITION:-}" ]] && COMMON+=(--partition="$SLURM_PARTITION")
# shellcheck disable=SC2206 # SLURM_EXTRA is a list of flags on purpose
[[ -n "${SLURM_EXTRA:-}" ]] && COMMON+=(${SLURM_EXTRA})

# libtorch's OpenMP threads spin-wait; PASSIVE keeps them from burning the cores of co-scheduled jobs.
ARRAY_JOB=$(sbatch --parsable "${COMMON[@]}" \
    --job-name=guidedcam-shard --array="$TASKS" --time="${SLURM_TIME:-04:00:00}" --requeue \
    --output="$OUT/logs/shard-%a.out" --open-mode=append \
    --export=ALL,OMP_WAIT_POLICY=PASSIVE,OMP_NUM_THREADS="${SLURM_CPUS:-4}" \
    --wrap="'$GUIDEDCAM' run '$CONFIG' --shard \$((SLURM_ARRAY_TASK_ID))/$SHARDS --out '$OUT/shard-'\$SLURM_ARRAY_TASK_ID") ||
    { echo "$0: sbatch refused the shard array (its message is above); nothing was submitted" >&2; exit 2; }
echo "submitted shard array $ARRAY_JOB (tasks $TASKS of 0-$((SHARDS - 1)))"

SHARD_DIRS=""
for ((i = 0; i < SHARDS; i++)); do SHARD_DIRS+=" '$OUT/shard-$i'"; done
MERGE_JOB=$(sbatch --parsable "${COMMON[@]}" \
    --job-name=guidedcam-merge --dependency="afterok:$ARRAY_JOB" --kill-on-invalid-dep=yes --time=01:00:00 \
    --output="$OUT/logs/merge.out" --open-mode=append \
    --export=ALL,OMP_WAIT_POLICY=PASSIVE,OMP_NUM_THREADS="${SLURM_CPUS:-4}" \
    --wrap="'$GUIDEDCAM' merge$SHARD_DIRS --out '$OUT/merged'") ||
    { echo "$0: sbatch refused the merge job (its message is above); the shard array $ARRAY_JOB is submitted — run the merge by hand when it is done: $GUIDEDCAM merge$SHARD_DIRS --out '$OUT/merged'" >&2; exit 2; }
echo "submitted merge + report $MERGE_JOB (after $ARRAY_JOB); the report will be in $OUT/merged/report.html"
