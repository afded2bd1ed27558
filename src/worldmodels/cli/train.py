"""`worldmodels train [overrides]` (or `python train.py [overrides]`): compose conf/train.yaml and run its pipeline
(``cfg.pipeline``, set by the task group: pretrain or world_model, ``worldmodels.pipelines``) in the run dir."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import hydra
from omegaconf import DictConfig

from worldmodels.paths import CONFIG_DIR
from worldmodels.pipelines import PIPELINES, run_pipeline
from worldmodels.runs.config_types import check_target_types
from worldmodels.runs.job import headline_metric, run_hydra_job
from worldmodels.runs.resume_config import resume_command_line
from worldmodels.runs.runtime import set_threads
from worldmodels.runs.training import refuse_used_run_dir


def run_training(cfg: DictConfig, run_dir: Path, overrides: list[str]) -> dict[str, Any]:
    """Run ``cfg.pipeline`` (pretrain or world_model) in ``run_dir`` after checking the config's types and that the
    run dir holds no other run's results; returns what results.json holds."""
    pipeline = cfg.get("pipeline", "pretrain")
    check_target_types(cfg)
    refuse_used_run_dir(run_dir, cfg.get("overwrite", False))
    set_threads(cfg.get("threads"))
    if pipeline not in PIPELINES:
        raise ValueError(f"pipeline={pipeline!r}; known: 'pretrain' (task=pretrain), 'world_model' (task=world_model)")
    return run_pipeline(cfg, run_dir, overrides, PIPELINES[pipeline])


@hydra.main(version_base="1.3", config_path=CONFIG_DIR, config_name="train")
def hydra_main(cfg: DictConfig) -> float | None:
    """Hydra entry point; returns the run's headline metric for sweepers (probe accuracy or planning success).

    ``run_hydra_job`` makes DDP child ranks join this job, logs to train.log, records a failure and, in a multirun,
    goes on with the next job.
    """
    return headline_metric(run_hydra_job(cfg, run_training))


def main() -> None:
    """`worldmodels train [overrides]`, `python train.py [overrides]`: with ``resume=<run dir>`` the run's saved
    overrides come first (``resume_command_line``); exit codes in ``worldmodels.runs.exit_codes``."""
    sys.argv = [sys.argv[0], *resume_command_line(sys.argv[1:])]
    hydra_main()


if __name__ == "__main__":  # DDP ranks > 0 of `worldmodels train` start as `python -m worldmodels.cli.train` (worldmodels.cli)
    main()
