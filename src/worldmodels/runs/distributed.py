"""One Hydra job per DDP run: Lightning's child ranks re-run this job, in this job's directory, and nothing leaks
into the next job of a sweep.

Lightning's subprocess launcher (``strategy=ddp`` without SLURM) starts rank k > 0 as
``python train.py <sys.argv[1:]> hydra.run.dir=<HydraConfig run.dir>``. In a multirun ``sys.argv`` holds the whole
sweep (``-m seed=1,2``) and ``run.dir`` is not the job's directory, so every child would start a sweep of its own
somewhere else. Inside ``ddp_job_scope`` the command line is this job's own overrides and ``run.dir`` is this job's
output directory, so a child runs exactly this job and writes beside its parent. On leaving, the process group and
the rank variables Lightning put in ``os.environ`` are removed, so the next job launches its own ranks.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import torch.distributed as dist
from hydra.types import RunMode
from omegaconf import DictConfig, read_write
from pytorch_lightning.utilities import rank_zero_only

RANK_VARIABLES = ("MASTER_ADDR", "MASTER_PORT", "NODE_RANK", "LOCAL_RANK", "WORLD_SIZE")


def is_rank_zero() -> bool:
    """Whether this process is global rank 0 (from RANK, LOCAL_RANK or SLURM_PROCID; True without DDP)."""
    return rank_zero_only.rank == 0


def job_command(hydra_cfg: DictConfig) -> list[str]:
    """``sys.argv`` that re-runs only this job: its primary config and its own overrides, without ``-m``."""
    config_dir = next((s.path for s in hydra_cfg.runtime.config_sources if s.provider == "main" and s.schema == "file"), None)
    command = [sys.argv[0]]
    if config_dir is not None:
        command += ["--config-path", str(Path(config_dir).resolve())]
    return [*command, "--config-name", hydra_cfg.job.config_name, *hydra_cfg.overrides.task]


@contextmanager
def ddp_job_scope(hydra_cfg: DictConfig) -> Iterator[None]:
    """Run one Hydra job so that DDP child ranks join it (see the module docstring); restore the process after."""
    saved_argv = list(sys.argv)
    saved_env = {key: os.environ.get(key) for key in RANK_VARIABLES}
    if hydra_cfg.mode == RunMode.MULTIRUN:
        sys.argv = job_command(hydra_cfg)
    with read_write(hydra_cfg.run):
        hydra_cfg.run.dir = hydra_cfg.runtime.output_dir
    try:
        yield
    finally:
        sys.argv = saved_argv
        for key, value in saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        if dist.is_available() and dist.is_initialized():
            dist.destroy_process_group()
