#!/usr/bin/env bash
# Submits a leosem sweep to Slurm as a job array of SHARDS tasks plus a dependent merge job.
#   bash sweeps/slurm/submit.sh [--gpu] SWEEP.toml OUTDIR SHARDS [extra sbatch options...]
# Writes OUTDIR/shard-<i>.h5 per task and OUTDIR/result.h5 when all have succeeded; prints the
# two job ids. Set LEOSEM to the leosem binary if it is not on PATH on the compute nodes.
# --gpu: one GPU per array task (--gres=gpu:1) and `leosem run --backend cuda` (a task without a
# visible device fails rather than silently running on the CPU); the merge job needs no GPU.
# Shards made on GPUs and on CPUs hold identical results and merge.
set -euo pipefail
gpu=0
if [ "${1:-}" = "--gpu" ]; then
  gpu=1
  shift
fi
if [ $# -lt 3 ]; then
  echo "usage: $0 [--gpu] SWEEP.toml OUTDIR SHARDS [sbatch options...]" >&2
  exit 2
fi
sweep="$(realpath "$1")"
outdir="$(realpath -m "$2")"
shards="$3"
shift 3
[[ "$shards" =~ ^[1-9][0-9]*$ ]] || { echo "SHARDS must be a positive integer, got '$shards'" >&2; exit 2; }
here="$(cd "$(dirname "$0")" && pwd)"
mkdir -p "$outdir"
export LEOSEM="${LEOSEM:-$(command -v leosem || echo leosem)}"
gres=()
if [ "$gpu" -eq 1 ]; then
  export LEOSEM_BACKEND=cuda
  gres=(--gres=gpu:1)
else
  export LEOSEM_BACKEND=cpu
fi
array_job=$(sbatch --parsable --export=ALL --chdir="$outdir" --array="0-$((shards - 1))" "${gres[@]}" "$@" \
  "$here/shard.sbatch" "$sweep" "$outdir")
merge_job=$(sbatch --parsable --export=ALL --chdir="$outdir" --dependency="afterok:${array_job%%;*}" "$@" \
  "$here/merge.sbatch" "$outdir" "$outdir/result.h5" "$shards")
echo "array job $array_job ($shards shards), merge job $merge_job -> $outdir/result.h5"
