"""The I-JEPA and LeJEPA experiments run end to end; the masker's state reaches checkpoints; bad pairings fail clearly."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import torch
from omegaconf import DictConfig

from worldmodels.cli.train import run_training
from worldmodels.runs import resolve_checkpoint

MakeCfg = Callable[..., DictConfig]
NO_EVAL = ["evaluate.frozen_probe=false", "evaluate.random_init_baseline=false"]


def run(cfg: DictConfig) -> dict:
    return run_training(cfg, Path(cfg.paths.output_dir), [])


def test_ijepa_fast_dev_run(make_cfg: MakeCfg) -> None:
    cfg = make_cfg("experiment=ijepa_fmnist", "debug=fdr", "data.eval_batch_size=32", *NO_EVAL)
    assert cfg.masker.input_size == cfg.predictor.input_size == 28 and cfg.masker.patch_size == cfg.encoder.patch_size
    results = run(cfg)
    assert results["steps"] == 1
    metrics = results["final_metrics"]
    assert 0 < metrics["train/pred_loss"] < 10 and metrics["train/reg_loss"] == 0.0
    assert metrics["reg/momentum"] == pytest.approx(0.996, abs=1e-3)


def test_lejepa_fast_dev_run(make_cfg: MakeCfg) -> None:
    cfg = make_cfg("experiment=lejepa_fmnist", "debug=fdr", "data.eval_batch_size=32", *NO_EVAL)
    assert cfg.data.augment.num_global == 2 and cfg.data.augment.num_local >= 2
    assert cfg.regularizer._target_.endswith("SIGRegRegularizer") and cfg.predictor._target_.endswith("IdentityPredictor")
    results = run(cfg)
    assert results["steps"] == 1 and results["final_metrics"]["reg/sigreg"] > 0


def test_masked_run_checkpoints_the_masker_state_and_the_teacher(make_cfg: MakeCfg) -> None:
    cfg = make_cfg("experiment=ijepa_fmnist", "encoder.depth=2", "predictor.depth=1", "data.eval_batch_size=128", *NO_EVAL)
    results = run(cfg)
    assert results["steps"] == 512 // 64
    checkpoint = torch.load(resolve_checkpoint(cfg.paths.output_dir), weights_only=True, map_location="cpu")
    generator_state = checkpoint["FashionMNISTDataModule"]["masker"]["generator"]
    assert generator_state.dtype == torch.uint8
    initial = torch.Generator().manual_seed(cfg.seed).get_state()
    assert not torch.equal(generator_state, initial)  # the stream moved on and is saved where it stands
    weights = checkpoint["state_dict"]
    student, teacher = weights["network.encoder.patch_embed.weight"], weights["regularizer.teacher.encoder.patch_embed.weight"]
    assert not torch.equal(student, teacher)  # the EMA teacher trails the student


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (["masker=multiblock", "predictor=mlp", "regularizer=ema"], "predicts pooled embeddings: use predictor=vit"),
        (["predictor=vit"], "needs a masker|no token masks"),
        (["masker=multiblock", "predictor=vit"], "needs a target encoder.*regularizer=ema"),
    ],
)
def test_mismatched_objective_parts_fail_clearly(make_cfg: MakeCfg, overrides: list[str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        run(make_cfg(*overrides, "debug=fdr", "data.eval_batch_size=32", *NO_EVAL))
