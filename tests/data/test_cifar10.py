"""CIFAR-10 from torchvision's python batches, the missing-data error, and the shared datamodule interface."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
import torch

from worldmodels.data import CIFAR10DataModule, DatasetNotFoundError, MultiViewAugment, load_cifar10


def test_reads_the_python_batches(fake_cifar10: Path) -> None:
    images, labels = load_cifar10(fake_cifar10, "train")
    assert images.shape == (40, 3, 32, 32) and images.dtype == torch.uint8
    assert labels.shape == (40,) and labels.dtype == torch.int64
    raw = pickle.loads((fake_cifar10 / "cifar-10-batches-py" / "data_batch_1").read_bytes())["data"][0]
    assert torch.equal(images[0], torch.from_numpy(raw.reshape(3, 32, 32)))  # channel-major, as CIFAR stores it
    assert load_cifar10(fake_cifar10 / "cifar-10-batches-py", "test")[0].shape == (6, 3, 32, 32)


def test_missing_data_says_where_it_looked(tmp_path: Path) -> None:
    with pytest.raises(DatasetNotFoundError) as error:
        load_cifar10(tmp_path / "nowhere", "test")
    message = str(error.value)
    assert str(tmp_path / "nowhere" / "cifar-10-batches-py" / "test_batch") in message
    assert "data.download=true" in message and "data.root" in message
    with pytest.raises(ValueError, match="known"):
        load_cifar10(tmp_path, "validation")


def test_datamodule_batches_views_and_per_channel_normalisation(fake_cifar10: Path) -> None:
    augment = MultiViewAugment(num_global=2, num_local=2, global_size=32, local_size=16, mean=[0.5, 0.4, 0.3], std=[0.2, 0.2, 0.2])
    dm = CIFAR10DataModule(root=str(fake_cifar10), batch_size=8, augment=augment, train_subset=16)
    loaders = dm.feature_dataloaders()
    assert len(dm.splits["train"]) == 16 and len(dm.splits["test"]) == 6
    batch = next(iter(dm.train_dataloader()))
    assert batch["image"].shape == (8, 3, 32, 32) and batch["image"].dtype == torch.uint8

    class Training:
        training = True

    dm.trainer = Training()
    out = dm.on_after_batch_transfer(dict(batch), 0)
    assert out["views"]["global"].shape == (2, 8, 3, 32, 32) and out["views"]["local"].shape == (2, 8, 3, 16, 16)
    expected = (batch["image"].float() / 255 - torch.tensor([0.5, 0.4, 0.3]).view(3, 1, 1)) / 0.2
    torch.testing.assert_close(out["image"], expected)
    assert next(iter(loaders["test"]))["label"].tolist() == [0, 1, 2, 3, 4, 5]
    assert dm.num_classes == 10
