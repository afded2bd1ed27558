"""`python train.py probe=<option>`: every probe of the group scores the trained encoder at the end of a run."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from omegaconf import DictConfig

from worldmodels.cli.train import run_training


@pytest.mark.parametrize("probe", ["knn", "attentive", "grid"])
def test_each_probe_runs_after_training(make_cfg: Callable[..., DictConfig], probe: str) -> None:
    cfg = make_cfg(f"probe={probe}", "debug=fdr", "encoder.widths=[8,16]", "evaluate.random_init_baseline=false")
    if probe != "knn":
        cfg.probe.epochs = 1
    trained = run_training(cfg, Path(cfg.paths.output_dir), [])["frozen_probe"]["trained"]
    assert 0.0 <= trained["accuracy"] <= 1.0 and trained["feature_dim"] == 16
    if probe == "grid":
        assert len(trained["grid"]) == len(cfg.probe.lr) * len(cfg.probe.weight_decay)
        assert trained["accuracy"] == max(entry["accuracy"] for entry in trained["grid"])
