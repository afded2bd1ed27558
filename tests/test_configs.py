"""Every YAML in conf/ composes, and every option of every group instantiates."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import pytorch_lightning as pl
import torch
from hydra import compose, initialize_config_dir
from hydra.utils import instantiate
from omegaconf import DictConfig

from worldmodels.cli.train import CONFIG_DIR

CONF = Path(CONFIG_DIR)
GROUPS = sorted(p.name for p in CONF.iterdir() if p.is_dir())
OPTIONS = [(group, path.stem) for group in GROUPS for path in sorted((CONF / group).glob("*.yaml"))]


def compose_with(*overrides: str) -> DictConfig:
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        return compose(config_name="train", overrides=list(overrides), return_hydra_config=True)


@pytest.mark.parametrize(("group", "option"), OPTIONS, ids=[f"{g}={o}" for g, o in OPTIONS])
def test_every_option_composes(group: str, option: str) -> None:
    cfg = compose_with(f"{group}={option}")
    assert cfg.name and cfg.seed is not None


def test_groups_of_the_project_shape_exist() -> None:
    expected = {"data", "encoder", "predictor", "masker", "regularizer", "probe", "trainer", "logger", "callbacks",
                "paths", "hydra", "experiment", "debug", "env", "planner"}  # fmt: skip
    assert expected <= set(GROUPS)


@pytest.mark.parametrize("option", [o for g, o in OPTIONS if g == "encoder"])
def test_every_encoder_instantiates_and_embeds(option: str) -> None:
    encoder = instantiate(compose_with(f"encoder={option}").encoder)
    tokens = encoder(torch.randn(2, 1, 28, 28))
    assert tokens.shape[0] == 2 and tokens.shape[-1] == encoder.embed_dim
    assert encoder.pool(tokens).shape == (2, encoder.embed_dim)


@pytest.mark.parametrize("option", [o for g, o in OPTIONS if g == "predictor"])
def test_every_predictor_keeps_shape(option: str) -> None:
    predictor = instantiate(compose_with(f"predictor={option}").predictor, dim=16)
    assert predictor(torch.randn(3, 4, 16)).shape == (3, 4, 16)


@pytest.mark.parametrize("option", [o for g, o in OPTIONS if g == "regularizer"])
def test_every_regularizer_returns_a_scalar_loss(option: str) -> None:
    regularizer = instantiate(compose_with(f"regularizer={option}").regularizer)
    regularizer.setup(torch.nn.Linear(4, 8))
    out = regularizer(torch.randn(2, 32, 8), step=0)
    assert out["loss"].ndim == 0 and torch.isfinite(out["loss"])


@pytest.mark.parametrize(("group", "option"), [(g, o) for g, o in OPTIONS if g in ("masker", "probe", "data", "trainer")])
def test_other_groups_instantiate(group: str, option: str) -> None:
    cfg = compose_with(f"{group}={option}")
    kwargs = {"head": {"in_dim": 8, "num_classes": 3}} if group == "probe" else {}
    if group == "trainer" and cfg.trainer.accelerator == "gpu" and not torch.cuda.is_available():
        pytest.skip("no GPU here")
    assert instantiate(cfg[group], **kwargs) is not None


@pytest.mark.parametrize("option", [o for g, o in OPTIONS if g in ("logger", "callbacks")])
def test_loggers_and_callbacks_instantiate(option: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WANDB_MODE", "disabled")
    group = "logger" if option in [o for g, o in OPTIONS if g == "logger"] else "callbacks"
    cfg = compose_with(f"{group}={option}", f"paths.output_dir={tmp_path}")
    objects = [instantiate(c) for c in (cfg[group] or {}).values()]
    kinds = (pl.loggers.Logger,) if group == "logger" else (pl.Callback,)
    assert all(isinstance(o, kinds) for o in objects)


def test_make_cfg_fixture_points_at_fake_data(make_cfg: Callable[..., DictConfig], fake_fmnist: Path) -> None:
    assert make_cfg().data.root == str(fake_fmnist)
