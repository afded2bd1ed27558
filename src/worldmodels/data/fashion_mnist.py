"""Fashion-MNIST as a LightningDataModule: in-memory tensors, views made on the device after transfer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from torch.utils.data import TensorDataset

from worldmodels.data.augment import MultiViewAugment
from worldmodels.data.fashion_mnist_files import load_fashion_mnist
from worldmodels.data.image_datamodule import SPLITS, ImageDataModule


class FashionMNISTDataModule(ImageDataModule):
    """The 60k train split and 10k test split as uint8 (N, 1, 28, 28) tensors in memory (``ImageDataModule`` batches)."""

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
        super().__init__(batch_size, eval_batch_size, num_workers, train_subset, test_subset, augment, masker)
        self.root, self.download = Path(root), download

    def prepare_data(self) -> None:
        """Download when asked to (rank 0 only); a missing dataset otherwise fails in ``setup`` with where we looked."""
        if self.download:
            for split in SPLITS:
                load_fashion_mnist(self.root, split, download=True)

    def load_split(self, split: str, subset: int | None) -> TensorDataset:
        """The first ``subset`` images of ``split``: uint8 (N, 1, 28, 28) and int64 (N,)."""
        images, labels = load_fashion_mnist(self.root, split)
        return TensorDataset(images[:subset, None], labels[:subset])
