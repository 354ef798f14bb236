#!/bin/sh
# A wpsim sweep as a Slurm job array (docs/sweeps.md): array task K of N runs shard
# K/N of the sweep into a database of its own; merge them when all are done. Submit
# from the repository root (the job runs where it was submitted):
#
#   mkdir -p data/shards
#   sbatch --array=1-16 configs/sweeps/slurm-array.sh my-sweep.ini
#   build/wpsim merge data/results.db data/shards/shard-*-of-16.db
#
# Each task uses the CPUs Slurm gives it (--cpus-per-task; wpsim's --jobs default is
# the CPUs this process may run on). A task that is requeued or run again resumes its
# shard (--resume). Settings, from the environment: WPSIM (build/wpsim), SWEEP (else
# the first argument), OUTDIR (data/shards). Each shard database is written by one
# process on one node, as SQLite's WAL mode needs; if OUTDIR is on NFS with broken
# locking, point it at a local disk and copy the shard databases afterwards.
#
#SBATCH --job-name=wpsim-sweep
#SBATCH --cpus-per-task=8
#SBATCH --time=04:00:00
#SBATCH --output=data/shards/slurm-%A_%a.out
set -eu
wpsim=${WPSIM:-build/wpsim}
sweep=${SWEEP:-${1:?usage: sbatch --array=1-N slurm-array.sh SWEEP}}
outdir=${OUTDIR:-data/shards}
: "${SLURM_ARRAY_TASK_ID:?not a Slurm array task (sbatch --array=1-N)}"
n=${SLURM_ARRAY_TASK_COUNT:?no SLURM_ARRAY_TASK_COUNT}
# the array may start at 0 or 1; shards are numbered 1..N, tasks taken in order
k=$((SLURM_ARRAY_TASK_ID - ${SLURM_ARRAY_TASK_MIN:-1} + 1))
jobs=${SLURM_CPUS_PER_TASK:-}
mkdir -p "$outdir"
exec "$wpsim" sweep "$sweep" --shard "$k/$n" --resume ${jobs:+--jobs "$jobs"} \
	--db "$outdir/shard-$k-of-$n.db"
