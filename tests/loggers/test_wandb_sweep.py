"""W&B in a multirun: one group per sweep, the job's overrides as tags; outside a multirun, the configured group."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hydra import compose, initialize_config_dir
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import open_dict

from worldmodels.loggers import wandb_logger
from worldmodels.loggers.wandb import sweep_group_and_tags
from worldmodels.paths import CONFIG_DIR


@pytest.fixture
def multirun_job(tmp_path: Path) -> Iterator[None]:
    """HydraConfig of job 1 of a multirun with overrides seed=1 regularizer=vicreg."""
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        cfg = compose(config_name="train", overrides=["seed=1", "regularizer=vicreg"], return_hydra_config=True)
    with open_dict(cfg):
        cfg.hydra.mode = RunMode.MULTIRUN
        cfg.hydra.sweep.dir = str(tmp_path / "multiruns" / "2026-01-01_00-00-00_abc123")
    HydraConfig.instance().set_config(cfg)
    yield
    HydraConfig.instance().cfg = None


def test_multirun_jobs_share_a_sweep_group_and_carry_their_overrides(
    multirun_job: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert sweep_group_and_tags("fmnist_sigreg", ["mine"]) == (
        "fmnist_sigreg/2026-01-01_00-00-00_abc123",
        ["mine", "seed=1", "regularizer=vicreg"],
    )
    monkeypatch.setenv("WANDB_MODE", "disabled")
    logger = wandb_logger(project="test", save_dir=str(tmp_path), group="g", job_type="pretrain", tags=["x"])
    assert logger._wandb_init["group"] == "g/2026-01-01_00-00-00_abc123"
    assert logger._wandb_init["tags"] == ["x", "seed=1", "regularizer=vicreg"] and logger._wandb_init["job_type"] == "pretrain"
    assert wandb_logger(project="test", save_dir=str(tmp_path), group="g", sweep_group=False)._wandb_init["group"] == "g"


def test_single_runs_keep_the_configured_group() -> None:
    assert sweep_group_and_tags("fmnist_sigreg", []) == ("fmnist_sigreg", [])
