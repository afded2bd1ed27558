"""``trainer.fit`` with the checks that keep a run honest: the run dir is not another run's, a resumed run trains the
config it was trained with, and a run that trained no step fails instead of reporting results."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytorch_lightning as pl
import torch
from omegaconf import DictConfig

from worldmodels.loggers import finish
from worldmodels.runs.atomic import remove_stale_partials
from worldmodels.runs.resume import requeued_checkpoint, resolve_checkpoint
from worldmodels.runs.resume_config import check_resumed_config
from worldmodels.runs.saved_config import saved_run_config

RESULT_FILES = ("results.json",)


class RunDirInUseError(FileExistsError):
    """The run dir already holds the results of another run."""


class NoTrainingStepsError(RuntimeError):
    """Training ended without a single optimizer step (e.g. less data than one batch)."""


def refuse_used_run_dir(run_dir: Path, overwrite: bool) -> None:
    """Raise when ``run_dir`` already holds results, unless ``overwrite`` (two runs given one ``hydra.run.dir``)."""
    found = [name for name in RESULT_FILES if (run_dir / name).exists()]
    if found and not overwrite:
        raise RunDirInUseError(
            f"{run_dir} already holds {', '.join(found)} of an earlier run; give this run another "
            "hydra.run.dir, resume that run with resume=<run dir>, or pass overwrite=true to replace its results"
        )


def saved_config_of(checkpoint: str) -> DictConfig | None:
    """The config saved beside ``checkpoint`` (its run dir's config.yaml) or, failing that, inside it."""
    path = Path(checkpoint)
    found = saved_run_config(path, {})
    if found is None:
        found = saved_run_config(path, torch.load(path, map_location="cpu", weights_only=True, mmap=True))
    return found


def fit(
    cfg: DictConfig,
    trainer: pl.Trainer,
    model: pl.LightningModule,
    datamodule: Any,
    run_dir: Path,
    overrides: list[str],
    loggers: list[Any],
) -> None:
    """``trainer.fit`` from ``cfg.resume`` (after ``check_resumed_config``) or from a requeued job's own checkpoint;
    closes ``loggers``; raises ``NoTrainingStepsError`` when no optimizer step was taken. The temporary files a killed
    checkpoint write left beside the resumed checkpoint are removed."""
    resume = resolve_checkpoint(cfg.get("resume"))
    if resume is not None:
        check_resumed_config(saved_config_of(resume), cfg, overrides, resume, run_dir)
        remove_stale_partials(Path(resume).parent)
    try:
        trainer.fit(model, datamodule=datamodule, ckpt_path=resume or requeued_checkpoint(run_dir))
    finally:
        finish(loggers)
    if trainer.global_step == 0:
        raise NoTrainingStepsError(
            f"training ended after 0 optimizer steps ({trainer.num_training_batches} training batches per epoch, "
            f"trainer.max_epochs={trainer.max_epochs}, trainer.max_steps={trainer.max_steps}): is the training data smaller "
            "than one batch (data.batch_size; the last partial batch is dropped)? No results were written."
        )
