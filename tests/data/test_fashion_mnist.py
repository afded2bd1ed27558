"""Fashion-MNIST files, the missing-data error, the datamodule's batches and the multi-view augmentation."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from worldmodels.data import DatasetNotFoundError, FashionMNISTDataModule, MultiViewAugment, load_fashion_mnist
from worldmodels.maskers import NoMasker


def test_reads_idx_files(fake_fmnist: Path) -> None:
    images, labels = load_fashion_mnist(fake_fmnist, "train")
    assert images.shape == (512, 28, 28) and images.dtype == torch.uint8
    assert labels.shape == (512,) and labels.dtype == torch.int64 and int(labels.max()) <= 9


def test_missing_data_says_where_it_looked_and_how_to_get_it(tmp_path: Path) -> None:
    with pytest.raises(DatasetNotFoundError) as error:
        load_fashion_mnist(tmp_path / "nowhere", "train")
    message = str(error.value)
    assert str(tmp_path / "nowhere" / "train-images-idx3-ubyte") in message
    assert "apt-get install dataset-fashion-mnist" in message
    assert "data.download=true" in message
    with pytest.raises(ValueError, match="known"):
        load_fashion_mnist(tmp_path, "validation")


def test_datamodule_batches_and_views(fake_fmnist: Path) -> None:
    augment = MultiViewAugment(num_global=2, num_local=3, global_size=24, local_size=12)
    dm = FashionMNISTDataModule(root=str(fake_fmnist), batch_size=16, augment=augment, train_subset=64)
    dm.setup()
    batch = next(iter(dm.train_dataloader()))
    assert batch["image"].dtype == torch.uint8 and batch["image"].shape == (16, 1, 28, 28)

    class Training:
        training = True

    dm.trainer = Training()
    out = dm.on_after_batch_transfer(batch, 0)
    assert out["views"]["global"].shape == (2, 16, 1, 24, 24)
    assert out["views"]["local"].shape == (3, 16, 1, 12, 12)
    assert out["image"].dtype == torch.float32
    assert len(dm.splits["train"]) == 64 and len(dm.splits["test"]) == 256


def test_augment_views_differ_but_identity_crop_keeps_the_image() -> None:
    torch.manual_seed(0)
    images = torch.rand(8, 1, 28, 28)
    views = MultiViewAugment(num_global=2, jitter=0.0)(images)["global"]
    assert not torch.allclose(views[0], views[1])
    identity = MultiViewAugment(global_scale=(1.0, 1.0), ratio=(1.0, 1.0), flip_prob=0.0, jitter=0.0, mean=0.0, std=1.0)
    torch.testing.assert_close(identity(images)["global"][0], images, atol=1e-5, rtol=0)
    erased = MultiViewAugment(global_scale=(1.0, 1.0), ratio=(1.0, 1.0), flip_prob=0.0, jitter=0.0, erase_prob=1.0, mean=0.0, std=1.0)
    ones = erased(torch.ones(4, 1, 28, 28))["global"][0]
    assert (ones == 0).flatten(1).any(1).all() and (ones == 1).flatten(1).any(1).all()
    with pytest.raises(ValueError, match="num_global"):
        MultiViewAugment(num_global=0)


def test_masker_indices_join_the_batch_at_collate_time(fake_fmnist: Path) -> None:
    def masker(batch_size: int) -> dict[str, torch.Tensor]:
        return {"keep": torch.arange(3).expand(batch_size, 3)}

    dm = FashionMNISTDataModule(root=str(fake_fmnist), batch_size=8, masker=masker, train_subset=16)
    dm.setup()
    assert next(iter(dm.train_dataloader()))["keep"].shape == (8, 3)
    dm.masker = NoMasker()
    assert set(next(iter(dm.train_dataloader()))) == {"image", "label"}
