"""The steps every training pipeline shares: record the run, build, fit, evaluate, write results.json.

A pipeline supplies only what differs (``RunParts``: its datamodule, its model and how to evaluate the trained model);
``run_pipeline`` does the rest, the same way for every pipeline: print the config, write the run record, compile
when asked, instantiate the callbacks, loggers and trainer, fit (``worldmodels.runs.training.fit``: resume, checks),
evaluate, then write ``results.json`` atomically, plot the curves and print the summary. Under DDP every rank trains;
global rank 0 alone writes the record, evaluates and writes the results.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytorch_lightning as pl
from hydra.utils import instantiate
from omegaconf import DictConfig

from worldmodels.paths import REPO_ROOT
from worldmodels.runs import plot_training_curves, print_config_tree, print_summary, write_run_record
from worldmodels.runs.atomic import atomic_write_json
from worldmodels.runs.distributed import is_rank_zero
from worldmodels.runs.runtime import compile_networks
from worldmodels.runs.training import fit


@dataclass(frozen=True)
class RunParts:
    """What one pipeline builds for a run: the data, the model and its evaluation."""

    datamodule: pl.LightningDataModule
    model: pl.LightningModule
    evaluate: Callable[[pl.Trainer, Path], dict[str, Any]]
    """``evaluate(trainer, run_dir)``, called on global rank 0 once training ends (it may write files into the run
    dir); returns the entries it adds to results.json."""


BuildParts = Callable[[DictConfig], RunParts]
"""A pipeline: ``build(cfg)`` -> its ``RunParts`` (``worldmodels.pipelines.PIPELINES`` names them)."""


def run_pipeline(cfg: DictConfig, run_dir: Path, overrides: list[str], build: BuildParts) -> dict[str, Any]:
    """Train and evaluate one run of the pipeline ``build`` in ``run_dir``; returns what results.json holds.

    results.json: experiment, run_dir, seed, git_sha, git_dirty, epochs, steps, train_time_s (record, build and fit),
    wall_time_s, the evaluation's entries, final_metrics (the trainer's scalar callback metrics) and checkpoints (last
    and best). Ranks other than global rank 0 return ``{"global_rank": rank}`` and write nothing.
    """
    start = time.perf_counter()
    git: dict[str, Any] = {"sha": None, "dirty": None}
    if is_rank_zero():  # DDP: rank 0 alone writes the run record, results and plots
        print_config_tree(cfg)
        git = write_run_record(run_dir, cfg, overrides, REPO_ROOT)

    parts = build(cfg)
    if cfg.get("compile"):
        compile_networks(parts.model)
    callbacks = [instantiate(c) for c in (cfg.get("callbacks") or {}).values() if c is not None]
    loggers = [instantiate(c) for c in (cfg.get("logger") or {}).values() if c is not None]
    trainer: pl.Trainer = instantiate(cfg.trainer, callbacks=callbacks, logger=loggers or False, default_root_dir=str(run_dir))
    fit(cfg, trainer, parts.model, parts.datamodule, run_dir, overrides, loggers)
    train_seconds = time.perf_counter() - start

    if not trainer.is_global_zero:  # the other DDP ranks stop here: rank 0 evaluates the (identical) weights
        return {"global_rank": trainer.global_rank}
    evaluation = parts.evaluate(trainer, run_dir)
    checkpoint = trainer.checkpoint_callback
    results = {
        "experiment": cfg.name,
        "run_dir": str(run_dir),
        "seed": cfg.seed,
        "git_sha": git["sha"],
        "git_dirty": git["dirty"],
        "epochs": trainer.current_epoch,
        "steps": trainer.global_step,
        "train_time_s": round(train_seconds, 1),
        "wall_time_s": round(time.perf_counter() - start, 1),
        **evaluation,
        "final_metrics": {k: float(v) for k, v in trainer.callback_metrics.items() if v.numel() == 1},
        "checkpoints": {"last": getattr(checkpoint, "last_model_path", None), "best": getattr(checkpoint, "best_model_path", None)},
    }
    atomic_write_json(run_dir / "results.json", results)
    plot_training_curves(run_dir / "logs" / "metrics.csv", run_dir / "curves.png")
    print_summary(results)
    return results
