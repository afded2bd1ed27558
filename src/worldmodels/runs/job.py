"""One Hydra job of `train.py`: DDP-safe (see ``distributed``), logged to ``<run dir>/train.log``, failures recorded
(``failed.json``), preemption turned into its exit code, and in a multirun a failing job skipped."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig
from pytorch_lightning.utilities.exceptions import SIGTERMException

from worldmodels.runs.distributed import ddp_job_scope
from worldmodels.runs.exit_codes import EXIT_PREEMPTED
from worldmodels.runs.failures import record_failure

log = logging.getLogger(__name__)
Pipeline = Callable[[DictConfig, Path, list[str]], dict[str, Any]]
LIBRARY_LOGGERS = ("pytorch_lightning", "lightning_fabric", "lightning.pytorch", "lightning.fabric")


def route_library_logs() -> None:
    """Send Lightning's log records (and Python warnings) to the root handlers Hydra set up: the console and
    ``<run dir>/<job name>.log``.

    Lightning gives its loggers a console handler of their own and stops propagation when it is imported before
    logging is configured (as here, before Hydra starts the job), so without this they never reach the log file.
    """
    logging.captureWarnings(True)
    if not logging.getLogger().handlers:
        return
    for name in LIBRARY_LOGGERS:
        library = logging.getLogger(name)
        for handler in [h for h in library.handlers if type(h) is logging.StreamHandler]:
            library.removeHandler(handler)
        library.propagate = True


def run_hydra_job(cfg: DictConfig, pipeline: Pipeline) -> dict[str, Any] | None:
    """``pipeline(cfg, run_dir, overrides)`` in the job's run dir; returns its results.

    An exception writes ``failed.json`` into the job's dir and logs one line; in a multirun with
    ``continue_on_failure`` (the default) the job returns None so the next jobs still run (``SweepReport`` lists the
    failures at the end and sets the exit code), otherwise it propagates. A run stopped by a signal (Lightning's
    graceful SIGTERM stop, ``PreemptionCheckpoint``'s SIGUSR1/2) exits with ``EXIT_PREEMPTED``, sweep or not.
    """
    hydra_cfg = HydraConfig.get()
    run_dir = Path(hydra_cfg.runtime.output_dir)
    overrides = list(hydra_cfg.overrides.task)
    route_library_logs()
    with ddp_job_scope(hydra_cfg):
        try:
            return pipeline(cfg, run_dir, overrides)
        except SIGTERMException as stop:
            log.warning(
                "%s stopped by a signal; its checkpoint is in %s/checkpoints: resume with resume=%s (exit code %d)",
                run_dir,
                run_dir,
                run_dir,
                EXIT_PREEMPTED,
            )
            raise SystemExit(EXIT_PREEMPTED) from stop
        except Exception as error:
            path = record_failure(run_dir, error, overrides)
            log.error("run %s failed: %s: %s (traceback in %s)", run_dir, type(error).__name__, error, path)
            if hydra_cfg.mode != RunMode.MULTIRUN or not cfg.get("continue_on_failure", True):
                raise
            log.info("job %s failed; the sweep goes on", hydra_cfg.job.num)
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
