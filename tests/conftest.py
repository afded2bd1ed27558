"""Shared fixtures: a small fake Fashion-MNIST on disk and composed run configs (no network, W&B off)."""

from __future__ import annotations

import gzip
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hydra import compose, initialize_config_dir
from omegaconf import DictConfig, open_dict

from worldmodels.paths import CONFIG_DIR

os.environ.setdefault("WANDB_MODE", "disabled")
REPO_ROOT = Path(__file__).resolve().parents[1]


def write_idx(path: Path, array: np.ndarray) -> None:
    """Write a uint8 array as a gzipped IDX file (the format of the Fashion-MNIST files)."""
    header = bytes([0, 0, 8, array.ndim]) + b"".join(int(n).to_bytes(4, "big") for n in array.shape)
    with gzip.open(path, "wb") as handle:
        handle.write(header + array.astype(np.uint8).tobytes())


@pytest.fixture(scope="session")
def fake_fmnist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with Fashion-MNIST-format files: 512 train and 256 test images whose class sets a bright band."""
    root = tmp_path_factory.mktemp("fake_fmnist")
    rng = np.random.default_rng(0)
    for prefix, count in (("train", 512), ("t10k", 256)):
        labels = rng.integers(0, 10, count)
        images = rng.integers(0, 60, (count, 28, 28))
        for i, label in enumerate(labels):
            images[i, 2 * label + 3 : 2 * label + 7, 4:24] = 230
        write_idx(root / f"{prefix}-images-idx3-ubyte.gz", images)
        write_idx(root / f"{prefix}-labels-idx1-ubyte.gz", labels)
    return root


@pytest.fixture
def make_cfg(tmp_path: Path, fake_fmnist: Path) -> Callable[..., DictConfig]:
    """Compose ``conf/train.yaml`` with overrides, on the fake data, writing into ``tmp_path``."""

    def _make(*overrides: str, data_root: Path | None = None) -> DictConfig:
        with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
            cfg = compose(config_name="train", overrides=["debug=smoke", f"data.root={data_root or fake_fmnist}", *overrides])
        with open_dict(cfg):
            cfg.paths.output_dir = str(tmp_path / "run")
            cfg.trainer.enable_progress_bar = False
            cfg.callbacks.pop("progress_bar", None)
        return cfg

    return _make


ComposeCfg = Callable[..., DictConfig]


@pytest.fixture
def compose_cfg() -> ComposeCfg:
    """``compose_cfg(config, tmp_path, *overrides)``: any top-level config (train, plan, collect) with overrides, its
    output dir ``tmp_path / "run"`` and no progress bar."""

    def _compose(config: str, tmp_path: Path, *overrides: str) -> DictConfig:
        with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
            cfg = compose(config_name=config, overrides=list(overrides))
        with open_dict(cfg):
            cfg.paths.output_dir = str(tmp_path / "run")
            if "trainer" in cfg:
                cfg.trainer.enable_progress_bar = False
                cfg.callbacks.pop("progress_bar", None)
        return cfg

    return _compose
