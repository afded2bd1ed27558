#!/usr/bin/env bash
# Issue 3's sweep on the 2-core machine: `sweep=fmnist_families` in two halves at once (one thread each), then the
# table (summary.md / .csv) and plot (summary.png) written here. Extra arguments go to both halves' train.py.
set -euo pipefail
cd "$(dirname "$0")/../.."
export MALLOC_MMAP_THRESHOLD_=4294967296 MALLOC_TRIM_THRESHOLD_=68719476736 WANDB_MODE="${WANDB_MODE:-offline}"
PY="${PY:-.venv/bin/python}"
SWEEP="outputs/fmnist_families/multiruns/$(date +%Y-%m-%d_%H-%M-%S)"
mkdir -p "$SWEEP"
# Half b starts with the ViT, so each half computes the random-init baselines (cached per encoder and seed) the other reads.
"$PY" train.py -m sweep=fmnist_families hydra.sweep.dir="$SWEEP/a" callbacks.progress_bar=null \
  experiment=fmnist_sigreg,fmnist_vicreg encoder=convnet,vit_tiny seed=0,1,2 "$@" > "$SWEEP.a.log" 2>&1 &
"$PY" train.py -m sweep=fmnist_families hydra.sweep.dir="$SWEEP/b" callbacks.progress_bar=null \
  experiment=fmnist_ema,fmnist_none encoder=vit_tiny,convnet seed=0,1,2 "$@" > "$SWEEP.b.log" 2>&1 &
wait
"$PY" -m worldmodels summarize "$SWEEP" --out experiments/fmnist_families \
  --metric linear=frozen_probe.trained.accuracy --metric linear_random_init=frozen_probe.random_init.accuracy \
  --metric grid4=extra_probes.linear_grid.trained.accuracy --metric grid4_random_init=extra_probes.linear_grid.random_init.accuracy \
  --metric attentive=extra_probes.attentive.trained.accuracy --metric attentive_random_init=extra_probes.attentive.random_init.accuracy \
  --metric feature_rankme=final_metrics.val/feature_rankme --metric steps=steps
