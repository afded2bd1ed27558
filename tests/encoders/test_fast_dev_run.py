"""Every encoder of the group trains one fast_dev_run step and validates one batch, at small image size on CPU."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from omegaconf import DictConfig

from worldmodels.cli.train import run_training
from worldmodels.paths import CONFIG_DIR

PRETRAINED = ("vjepa2_",)  # Hub weights: tests/encoders/test_vjepa2.py loads a tiny saved model through the same wrapper instead
ENCODERS = sorted(path.stem for path in (Path(CONFIG_DIR) / "encoder").glob("*.yaml") if not path.stem.startswith(PRETRAINED))
SHALLOW = {"vit_b", "vit_l", "vit_h", "vit_g"}  # quick runs keep their width and heads but use 2 blocks
FAST = [
    "debug=fdr",
    "data.batch_size=4",
    "data.eval_batch_size=8",
    "evaluate.frozen_probe=false",
    "evaluate.random_init_baseline=false",
    "~callbacks.model_checkpoint",
    "~callbacks.periodic_checkpoint",
]


def _one_step(make_cfg: Callable[..., DictConfig], *overrides: str) -> dict:
    cfg = make_cfg(*FAST, *overrides)
    results = run_training(cfg, Path(cfg.paths.output_dir), [])
    assert results["steps"] == 1
    return results


@pytest.mark.parametrize("option", ENCODERS)
def test_fast_dev_run_with_every_encoder(make_cfg: Callable[..., DictConfig], option: str) -> None:
    """Grey 28 x 28 views (Fashion-MNIST), so encoders built for other channels or a fixed size are told so."""
    fitted = [
        f"encoder.{key}={value}" for key, value in (("in_channels", 1), ("image_size", 28)) if key in make_cfg(f"encoder={option}").encoder
    ]
    depth = ["encoder.depth=2"] if option in SHALLOW else []
    _one_step(make_cfg, f"encoder={option}", "data.augment.global_size=28", *fitted, *depth)


@pytest.mark.slow
@pytest.mark.parametrize("option", ["vit_b", "vit_l"])
def test_fast_dev_run_at_full_depth(make_cfg: Callable[..., DictConfig], option: str) -> None:
    """ViT-H and ViT-g at full depth need 10-16 GB for weights, gradients and AdamW states: not run here."""
    _one_step(make_cfg, f"encoder={option}")


@pytest.mark.parametrize(
    ("overrides", "size", "patch"),
    [(["encoder=vit_s", "encoder.patch_size=5"], 28, 5), (["encoder=vit_tiny", "data.augment.global_size=18"], 18, 4)],
    ids=["config", "views"],
)
def test_image_size_not_divisible_by_the_patch_size_fails_clearly(
    make_cfg: Callable[..., DictConfig], overrides: list[str], size: int, patch: int
) -> None:
    with pytest.raises(Exception, match=f"image size {size} is not divisible by the patch size {patch}: the image size must be a multiple"):
        _one_step(make_cfg, *overrides)
