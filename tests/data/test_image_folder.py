"""ImageNet-style folders, tested on a tiny generated folder of PNGs (never the network)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import torch

from worldmodels.data import DatasetNotFoundError, ImageFolderDataModule, MultiViewAugment

WriteFolder = Callable[..., None]


def test_loads_both_splits_resized_and_labelled(tiny_folder: Path) -> None:
    augment = MultiViewAugment(num_global=2, num_local=1, global_size=16, local_size=8)
    dm = ImageFolderDataModule(root=str(tiny_folder), image_size=16, batch_size=4, eval_batch_size=5, num_workers=0, augment=augment)
    assert dm.num_classes == 3
    loaders = dm.feature_dataloaders()
    batches = list(loaders["train"])
    images = torch.cat([b["image"] for b in batches])
    labels = torch.cat([b["label"] for b in batches])
    assert images.shape == (12, 3, 16, 16) and images.dtype == torch.uint8
    assert labels.tolist() == [0] * 4 + [1] * 4 + [2] * 4
    assert (images[:, 0].float().mean(dim=(1, 2)) - 80 * labels).abs().max() < 2  # the red channel still tells the class
    assert len(dm.splits["test"]) == 6

    class Training:
        training = True

    dm.trainer = Training()
    out = dm.on_after_batch_transfer(next(iter(dm.train_dataloader())), 0)
    assert out["views"]["global"].shape == (2, 4, 3, 16, 16) and out["views"]["local"].shape == (1, 4, 3, 8, 8)
    assert out["image"].dtype == torch.float32


def test_subsets_keep_every_class(tiny_folder: Path) -> None:
    dm = ImageFolderDataModule(root=str(tiny_folder), image_size=8, num_workers=0, train_subset=3, test_subset=3)
    dm.setup()
    assert sorted(label for _, label in dm.splits["train"]) == [0, 1, 2]
    assert len(dm.splits["test"]) == 3


def test_missing_folder_says_where_it_looked(tmp_path: Path, make_image_folder: WriteFolder) -> None:
    dm = ImageFolderDataModule(root=str(tmp_path / "imagenet"), num_workers=0)
    with pytest.raises(DatasetNotFoundError) as error:
        dm.setup()
    assert str(tmp_path / "imagenet" / "train") in str(error.value) and "data.root" in str(error.value)
    make_image_folder(tmp_path / "imagenet", "train", per_class=1)
    with pytest.raises(DatasetNotFoundError, match=str(tmp_path / "imagenet" / "val")):
        dm.setup()
    (tmp_path / "empty" / "train").mkdir(parents=True)
    with pytest.raises(DatasetNotFoundError, match="class folder"):
        assert ImageFolderDataModule(root=str(tmp_path / "empty")).num_classes


def test_splits_with_different_classes_are_refused(tmp_path: Path, make_image_folder: WriteFolder) -> None:
    make_image_folder(tmp_path, "train", per_class=1)
    make_image_folder(tmp_path, "val", per_class=1, classes=("cat", "dog", "owl"))
    with pytest.raises(ValueError, match="only in test: \\['owl'\\]"):
        ImageFolderDataModule(root=str(tmp_path), num_workers=0).setup()
