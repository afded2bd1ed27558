"""The GPU-sized experiments run end to end on CPU when shrunk: CIFAR-10 batches and a generated image folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from omegaconf import DictConfig

from worldmodels.cli.train import run_training

FAKE_CIFAR_TEST = 6  # images in the fake test batch (tests/data/conftest.py)
FAKE_FOLDER_TEST = 6  # val/: 2 images x 3 classes
SHRINK = ("trainer=cpu", "debug=fdr", "encoder.depth=1", "evaluate.frozen_probe=true", "evaluate.random_init_baseline=false")


def test_cifar10_gpu_experiment_on_cpu(make_cfg: Callable[..., DictConfig], fake_cifar10: Path) -> None:
    cfg = make_cfg("experiment=cifar10_gpu", *SHRINK, "encoder.embed_dim=48", "data.augment.num_local=2", data_root=fake_cifar10)
    assert cfg.encoder.in_channels == 3 and cfg.data._target_.endswith("CIFAR10DataModule")
    results = run_training(cfg, Path(cfg.paths.output_dir), [])
    trained = results["frozen_probe"]["trained"]
    assert results["steps"] == 1 and trained["feature_dim"] == 48 and trained["test_samples"] == FAKE_CIFAR_TEST


def test_imagenet_gpu_experiment_on_a_tiny_image_folder(make_cfg: Callable[..., DictConfig], tiny_folder: Path) -> None:
    small = (
        "data.image_size=32",
        "data.augment.global_size=32",
        "data.augment.local_size=16",
        "data.augment.num_local=1",
        "encoder.image_size=32",
        "encoder.embed_dim=48",
        "encoder.num_heads=3",
        "data.num_workers=0",
        "data.batch_size=4",
    )
    cfg = make_cfg("experiment=imagenet_gpu", *SHRINK, *small, data_root=tiny_folder)
    assert cfg.encoder.patch_size == 16 and cfg.data._target_.endswith("ImageFolderDataModule")
    results = run_training(cfg, Path(cfg.paths.output_dir), [])
    trained = results["frozen_probe"]["trained"]
    assert results["steps"] == 1 and trained["feature_dim"] == 48 and trained["test_samples"] == FAKE_FOLDER_TEST
