"""Fashion-MNIST as a LightningDataModule: in-memory tensors, views made on the device after transfer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytorch_lightning as pl
import torch
from torch.utils.data import DataLoader, TensorDataset, default_collate

from worldmodels.data.augment import MultiViewAugment
from worldmodels.data.fashion_mnist_files import load_fashion_mnist


class FashionMNISTDataModule(pl.LightningDataModule):
    """Train on the 60k train split, validate and probe-evaluate on the 10k test split.

    Batches are dicts: ``image`` (B, 1, 28, 28) normalised float, ``label`` (B,), and while training
    ``views`` = {"global": (Vg, B, 1, Sg, Sg), "local": (Vl, B, 1, Sl, Sl)} from ``augment``, plus whatever
    index tensors the ``masker`` produces at collate time.
    """

    num_classes = 10

    def __init__(
        self,
        root: str = "/usr/share/datasets/fashion-mnist",
        download: bool = False,
        batch_size: int = 256,
        eval_batch_size: int = 1000,
        num_workers: int = 0,
        train_subset: int | None = None,
        test_subset: int | None = None,
        augment: MultiViewAugment | None = None,
        masker: Any = None,
    ) -> None:
        super().__init__()
        self.root, self.download = Path(root), download
        self.batch_size, self.eval_batch_size, self.num_workers = batch_size, eval_batch_size, num_workers
        self.train_subset, self.test_subset = train_subset, test_subset
        self.augment = augment or MultiViewAugment()
        self.masker = masker
        self.splits: dict[str, TensorDataset] = {}

    def prepare_data(self) -> None:
        """Download when asked to (rank 0 only); a missing dataset otherwise fails in ``setup`` with where we looked."""
        if self.download:
            for split in ("train", "test"):
                load_fashion_mnist(self.root, split, download=True)

    def setup(self, stage: str | None = None) -> None:
        """Load both splits into memory as uint8 (N, 1, 28, 28) and int64 (N,)."""
        for split, subset in (("train", self.train_subset), ("test", self.test_subset)):
            if split not in self.splits:
                images, labels = load_fashion_mnist(self.root, split)
                self.splits[split] = TensorDataset(images[:subset, None], labels[:subset])

    def _collate(self, items: list) -> dict[str, torch.Tensor]:
        images, labels = default_collate(items)
        batch = {"image": images, "label": labels}
        if self.masker is not None:
            batch.update(self.masker(images.shape[0]))
        return batch

    def _loader(self, split: str, batch_size: int, shuffle: bool, drop_last: bool) -> DataLoader:
        return DataLoader(
            self.splits[split],
            batch_size=batch_size,
            shuffle=shuffle,
            drop_last=drop_last,
            num_workers=self.num_workers,
            collate_fn=self._collate,
            persistent_workers=self.num_workers > 0,
        )

    def train_dataloader(self) -> DataLoader:
        return self._loader("train", self.batch_size, shuffle=True, drop_last=True)

    def val_dataloader(self) -> DataLoader:
        return self._loader("test", self.eval_batch_size, shuffle=False, drop_last=False)

    def feature_dataloaders(self) -> dict[str, DataLoader]:
        """Unshuffled, unaugmented loaders of both splits for frozen-feature evaluation."""
        self.setup()
        return {split: self._loader(split, self.eval_batch_size, shuffle=False, drop_last=False) for split in ("train", "test")}

    def preprocess(self, images: torch.Tensor) -> torch.Tensor:
        """uint8 images (B, 1, 28, 28) -> normalised float (the encoder's input at evaluation)."""
        return self.augment.normalize(images.float() / 255.0)

    def on_after_batch_transfer(self, batch: dict[str, torch.Tensor], dataloader_idx: int) -> dict[str, torch.Tensor]:
        """uint8 images -> normalised float; add augmented views while training."""
        if self.trainer is not None and self.trainer.training:
            batch["views"] = self.augment(batch["image"].float() / 255.0)
        batch["image"] = self.preprocess(batch["image"])
        return batch
