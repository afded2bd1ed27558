"""What every image datamodule shares: uint8 batches as dicts, views made on the device, feature loaders."""

from __future__ import annotations

from typing import Any

import pytorch_lightning as pl
import torch
from torch.utils.data import DataLoader, Dataset, Subset, default_collate

from worldmodels.data.augment import MultiViewAugment
from worldmodels.data.resumable_sampler import ResumableRandomSampler

SPLITS = ("train", "test")


class ImageDataModule(pl.LightningDataModule):
    """Train on the train split, validate and probe-evaluate on the test split.

    Subclasses implement ``load_split(split, subset)`` -> a dataset of (uint8 image (C, H, W), int label) and
    ``num_classes``. Batches are dicts: ``image`` (B, C, H, W) — uint8 in the loader, normalised float after
    transfer — ``label`` (B,), and while training ``views`` = {"global": (Vg, B, C, Sg, Sg), "local":
    (Vl, B, C, Sl, Sl)} from ``augment``, plus whatever index tensors the ``masker`` produces at collate time.
    """

    num_classes: int

    def __init__(
        self,
        batch_size: int = 256,
        eval_batch_size: int = 1000,
        num_workers: int = 0,
        train_subset: int | None = None,
        test_subset: int | None = None,
        augment: MultiViewAugment | None = None,
        masker: Any = None,
    ) -> None:
        super().__init__()
        self.batch_size, self.eval_batch_size, self.num_workers = batch_size, eval_batch_size, num_workers
        self.subsets = {"train": train_subset, "test": test_subset}
        self.augment = augment or MultiViewAugment()
        self.masker = masker
        self.splits: dict[str, Dataset] = {}
        self.train_sampler: ResumableRandomSampler | None = None  # shuffles the train split; its position is checkpointed
        self._sampler_state: dict[str, int] = {}  # a checkpoint's sampler position, for the next train loader

    def load_split(self, split: str, subset: int | None) -> Dataset:
        """The ``split`` ("train" or "test") as (uint8 image (C, H, W), label) items, cut to ``subset`` items."""
        raise NotImplementedError

    def setup(self, stage: str | None = None) -> None:
        """Load both splits (once)."""
        for split in SPLITS:
            if split not in self.splits:
                self.splits[split] = self.load_split(split, self.subsets[split])

    def state_dict(self) -> dict[str, Any]:
        """Saved in checkpoints: the masker's random state and the train sampler's position, so a resumed run
        continues its mask stream and its epoch."""
        state = {"masker": self.masker.state_dict()} if hasattr(self.masker, "state_dict") else {}
        sampler_state = self.train_sampler.state_dict() if self.train_sampler is not None else {}
        return {**state, "train_sampler": sampler_state} if sampler_state else state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore the masker's random state and the train sampler's position from a checkpoint."""
        if "masker" in state_dict:
            self.masker.load_state_dict(state_dict["masker"])
        self._sampler_state = state_dict.get("train_sampler", {})
        if self.train_sampler is not None:  # Lightning may have made the train loader already (its iterator is lazy)
            self._shuffling_sampler(self.train_sampler.data_source)

    def _collate(self, items: list) -> dict[str, torch.Tensor]:
        images, labels = default_collate(items)
        batch = {"image": images, "label": labels}
        if self.masker is not None:
            batch.update(self.masker(images.shape[0]))
        return batch

    def _loader(self, dataset: Dataset, batch_size: int, shuffle: bool, drop_last: bool) -> DataLoader:
        return DataLoader(
            dataset,
            batch_size=batch_size,
            sampler=self._shuffling_sampler(dataset) if shuffle else None,
            drop_last=drop_last,
            num_workers=self.num_workers,
            collate_fn=self._collate,
            persistent_workers=self.num_workers > 0,
        )

    def _shuffling_sampler(self, dataset: Dataset) -> ResumableRandomSampler:
        """The train split's sampler, kept across epochs; it continues from a loaded checkpoint's position."""
        if self.train_sampler is None or self.train_sampler.data_source is not dataset:
            self.train_sampler = ResumableRandomSampler(dataset)
        if self._sampler_state:
            self.train_sampler.load_state_dict(self._sampler_state)
            self._sampler_state = {}
        return self.train_sampler

    def train_dataloader(self) -> DataLoader:
        return self._loader(self.splits["train"], self.batch_size, shuffle=True, drop_last=True)

    def val_dataloader(self) -> DataLoader:
        return self._loader(self.splits["test"], self.eval_batch_size, shuffle=False, drop_last=False)

    def feature_dataloaders(self, train_images: int | None = None) -> dict[str, DataLoader]:
        """Unshuffled, unaugmented loaders of both splits for frozen-feature evaluation; the train split's first
        ``train_images`` items only, when given."""
        self.setup()
        datasets = dict(self.splits)
        if train_images is not None:
            datasets["train"] = Subset(datasets["train"], range(min(train_images, len(datasets["train"]))))
        return {split: self._loader(datasets[split], self.eval_batch_size, shuffle=False, drop_last=False) for split in SPLITS}

    def preprocess(self, images: torch.Tensor) -> torch.Tensor:
        """uint8 images (B, C, H, W) -> normalised float (the encoder's input at evaluation)."""
        return self.augment.normalize(images.float() / 255.0)

    def on_after_batch_transfer(self, batch: dict[str, torch.Tensor], dataloader_idx: int) -> dict[str, torch.Tensor]:
        """uint8 images -> normalised float; add augmented views while training."""
        if self.trainer is not None and self.trainer.training:
            batch["views"] = self.augment(batch["image"].float() / 255.0)
        batch["image"] = self.preprocess(batch["image"])
        return batch
