"""Weights & Biases through Lightning's WandbLogger, falling back to offline mode without credentials."""

from __future__ import annotations

import logging
import netrc
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from pytorch_lightning.loggers import WandbLogger

log = logging.getLogger(__name__)
MODES = ("auto", "online", "offline", "disabled")


def has_wandb_credentials() -> bool:
    """True when an API key is in the environment or in ~/.netrc for api.wandb.ai."""
    if os.environ.get("WANDB_API_KEY"):
        return True
    try:
        return netrc.netrc().authenticators("api.wandb.ai") is not None
    except (FileNotFoundError, netrc.NetrcParseError):
        return False


def sweep_group_and_tags(group: str | None, tags: list[str]) -> tuple[str | None, list[str]]:
    """In a Hydra multirun: ``group`` + "/" + the sweep dir's name, and ``tags`` + the job's overrides (W&B's 64-character
    limit); outside one, both unchanged."""
    if not HydraConfig.initialized() or HydraConfig.get().mode != RunMode.MULTIRUN:
        return group, tags
    hydra_cfg = HydraConfig.get()
    sweep = Path(str(hydra_cfg.sweep.dir)).name
    return f"{group}/{sweep}" if group else sweep, [*tags, *(o[:64] for o in hydra_cfg.overrides.task)]


def wandb_logger(project: str, save_dir: str, group: str | None = None, job_type: str = "train", mode: str = "auto",
                 tags: Sequence[str] = (), sweep_group: bool = True, **kwargs: Any) -> WandbLogger:  # fmt: skip
    """A WandbLogger; ``mode="auto"`` runs online with credentials and offline (with a `wandb sync` hint) without.

    ``WANDB_MODE`` in the environment wins over ``mode``, as W&B users expect. With ``sweep_group`` the jobs of a
    multirun share one group per sweep and carry their overrides as tags (``sweep_group_and_tags``).
    """
    tags = list(tags)
    if sweep_group:
        group, tags = sweep_group_and_tags(group, tags)
    if mode not in MODES:
        raise ValueError(f"unknown W&B mode {mode!r}; known: {list(MODES)}")
    mode = os.environ.get("WANDB_MODE", mode)
    if mode == "auto":
        mode = "online" if has_wandb_credentials() else "offline"
        if mode == "offline":
            log.warning("No W&B credentials found: logging offline. Upload later with `wandb sync %s/wandb/offline-run-*`", save_dir)
    Path(save_dir).mkdir(parents=True, exist_ok=True)
    return WandbLogger(project=project, save_dir=save_dir, group=group, job_type=job_type, mode=mode, tags=tags or None, **kwargs)


def finish(loggers: list[Any]) -> None:
    """Close W&B runs so the next job of a multirun starts a fresh one."""
    for logger in loggers:
        if isinstance(logger, WandbLogger) and logger._experiment is not None:
            logger.experiment.finish()
