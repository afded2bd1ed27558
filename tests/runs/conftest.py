"""``hydra_job``: a composed train config whose HydraConfig is set as inside a Hydra job (reset afterwards)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hydra import compose, initialize_config_dir
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig, open_dict

from worldmodels.paths import CONFIG_DIR

HydraJob = Callable[[Path, RunMode], DictConfig]


@pytest.fixture
def hydra_job() -> Iterator[HydraJob]:
    """``hydra_job(tmp_path, mode)``: the config of a job with overrides seed=1 debug=fdr, in ``tmp_path / "job"``."""

    def _job(tmp_path: Path, mode: RunMode) -> DictConfig:
        with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
            cfg = compose(config_name="train", overrides=["seed=1", "debug=fdr"], return_hydra_config=True)
        with open_dict(cfg):
            cfg.hydra.mode = mode
            cfg.hydra.runtime.output_dir = str(tmp_path / "job")
            cfg.hydra.job.num = 3
        HydraConfig.instance().set_config(cfg)
        return cfg

    yield _job
    HydraConfig.instance().cfg = None
