#!/usr/bin/env bash
# GuidedCam on a Slurm cluster: one array task per shard, then one dependent job that merges the
# shard folders and builds the report. Submit from a login node:
#
#   deploy/slurm-array.sh CONFIG.yaml OUT_DIR [SHARDS]
#
# Each array task runs `guidedcam run CONFIG --shard i/N --out OUT_DIR/shard-i` with i = 0 … N−1
# (shards are 0-based, so the array is --array=0-(N−1) and SLURM_ARRAY_TASK_ID is used as is).
# A task that is preempted or times out can simply be requeued: the run folder's journal skips the
# items it already committed. The merge job starts only when every task succeeded (afterok).
#
# Environment (optional): GUIDEDCAM (path of the guidedcam executable, default: on PATH),
# SLURM_PARTITION, SLURM_TIME (per shard, default 04:00:00), SLURM_CPUS (default 4), SLURM_MEM
# (default 16G), SLURM_EXTRA (more sbatch flags, e.g. "--account=abc --gres=gpu:1").
set -euo pipefail

if [[ $# -lt 2 || $# -gt 3 ]]; then
    echo "usage: $0 CONFIG.yaml OUT_DIR [SHARDS]" >&2
    exit 2
fi
CONFIG=$(readlink -f "$1")
OUT=$(readlink -m "$2")
SHARDS=${3:-8}
GUIDEDCAM=${GUIDEDCAM:-guidedcam}
[[ -f "$CONFIG" ]] || { echo "$0: config $CONFIG not found" >&2; exit 2; }
[[ "$SHARDS" =~ ^[1-9][0-9]*$ ]] || { echo "$0: SHARDS must be a positive whole number, not '$SHARDS'" >&2; exit 2; }
command -v sbatch >/dev/null || { echo "$0: sbatch not found (run this on a Slurm login node)" >&2; exit 2; }
mkdir -p "$OUT/logs"

COMMON=(--cpus-per-task="${SLURM_CPUS:-4}" --mem="${SLURM_MEM:-16G}")
[[ -n "${SLURM_PARTITION:-}" ]] && COMMON+=(--partition="$SLURM_PARTITION")
# shellcheck disable=SC2206 # SLURM_EXTRA is a list of flags on purpose
[[ -n "${SLURM_EXTRA:-}" ]] && COMMON+=(${SLURM_EXTRA})

# libtorch's OpenMP threads spin-wait; PASSIVE keeps them from burning the cores of co-scheduled jobs.
ARRAY_JOB=$(sbatch --parsable "${COMMON[@]}" \
    --job-name=guidedcam-shard --array="0-$((SHARDS - 1))" --time="${SLURM_TIME:-04:00:00}" --requeue \
    --output="$OUT/logs/shard-%a.out" \
    --export=ALL,OMP_WAIT_POLICY=PASSIVE,OMP_NUM_THREADS="${SLURM_CPUS:-4}" \
    --wrap="'$GUIDEDCAM' run '$CONFIG' --shard \$((SLURM_ARRAY_TASK_ID))/$SHARDS --out '$OUT/shard-'\$SLURM_ARRAY_TASK_ID")
echo "submitted shard array $ARRAY_JOB (0-$((SHARDS - 1)))"

SHARD_DIRS=""
for ((i = 0; i < SHARDS; i++)); do SHARD_DIRS+=" '$OUT/shard-$i'"; done
MERGE_JOB=$(sbatch --parsable "${COMMON[@]}" \
    --job-name=guidedcam-merge --dependency="afterok:$ARRAY_JOB" --time=01:00:00 \
    --output="$OUT/logs/merge.out" \
    --wrap="'$GUIDEDCAM' merge$SHARD_DIRS --out '$OUT/merged' && '$GUIDEDCAM' report '$OUT/merged'")
echo "submitted merge + report $MERGE_JOB (after $ARRAY_JOB); the report will be in $OUT/merged/report.html"
