"""One Hydra job of `train.py`: DDP-safe (see ``distributed``), and in a multirun a failing job is recorded and skipped."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig

from worldmodels.runs.distributed import ddp_job_scope
from worldmodels.runs.failures import record_failure

log = logging.getLogger(__name__)
Pipeline = Callable[[DictConfig, Path, list[str]], dict[str, Any]]


def run_hydra_job(cfg: DictConfig, pipeline: Pipeline) -> dict[str, Any] | None:
    """``pipeline(cfg, run_dir, overrides)`` in the job's run dir; returns its results.

    In a multirun with ``continue_on_failure`` (the default), an exception writes ``failed.json`` into the job's dir
    and returns None so the next jobs still run (``SweepReport`` lists the failures at the end); otherwise it
    propagates. Interrupts (Ctrl-C, SIGTERM's graceful stop) always propagate.
    """
    hydra_cfg = HydraConfig.get()
    run_dir = Path(hydra_cfg.runtime.output_dir)
    overrides = list(hydra_cfg.overrides.task)
    with ddp_job_scope(hydra_cfg):
        try:
            return pipeline(cfg, run_dir, overrides)
        except Exception as error:
            if hydra_cfg.mode != RunMode.MULTIRUN or not cfg.get("continue_on_failure", True):
                raise
            path = record_failure(run_dir, error, overrides)
            log.exception("job %s failed (%s); the sweep goes on", hydra_cfg.job.num, path)
            return None


def headline_metric(results: dict[str, Any] | None) -> float | None:
    """What a sweeper optimises: planning success rate or trained frozen-probe accuracy; None when missing or not finite."""
    if not results:
        return None
    if "planning" in results:
        value = (results["planning"] or {}).get("success_rate")
    else:
        value = (results.get("frozen_probe") or {}).get("trained", {}).get("accuracy")
    return float(value) if value is not None and math.isfinite(value) else None
