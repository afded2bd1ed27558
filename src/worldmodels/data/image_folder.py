"""ImageNet-style image folders as a LightningDataModule: images decoded per item, views made on the device."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from torch.utils.data import Dataset, Subset
from torchvision import transforms
from torchvision.datasets import ImageFolder
from torchvision.datasets.folder import find_classes

from worldmodels.data.augment import MultiViewAugment
from worldmodels.data.errors import DatasetNotFoundError
from worldmodels.data.image_datamodule import ImageDataModule

LAYOUT = "<root>/{train}/<class>/<image> and <root>/{test}/<class>/<image>"


class ImageFolderDataModule(ImageDataModule):
    """``root/<train_dir>/<class>/*`` and ``root/<test_dir>/<class>/*`` (torchvision ``ImageFolder``), both splits
    with the same class folders.

    Every image is decoded as RGB, its shorter side resized to ``image_size`` and centre-cropped to uint8
    (3, image_size, image_size) in the loader workers; ``ImageDataModule`` makes the batches and views. A
    ``*_subset`` keeps that many images spread evenly over the (class-sorted) split, so every class stays in.
    """

    def __init__(
        self,
        root: str,
        train_dir: str = "train",
        test_dir: str = "val",
        image_size: int = 224,
        batch_size: int = 256,
        eval_batch_size: int = 500,
        num_workers: int = 8,
        train_subset: int | None = None,
        test_subset: int | None = None,
        augment: MultiViewAugment | None = None,
        masker: Any = None,
    ) -> None:
        super().__init__(batch_size, eval_batch_size, num_workers, train_subset, test_subset, augment, masker)
        self.root = Path(root).expanduser()
        self.folders = {"train": self.root / train_dir, "test": self.root / test_dir}
        self.transform = transforms.Compose([transforms.Resize(image_size), transforms.CenterCrop(image_size), transforms.PILToTensor()])

    def _missing(self, split: str, reason: str) -> DatasetNotFoundError:
        layout = LAYOUT.format(train=self.folders["train"].name, test=self.folders["test"].name)
        return DatasetNotFoundError(
            f"image folder {split} split not usable: looked in {self.folders[split]} ({reason}).\n"
            f"Expected {layout}; point data.root (and data.train_dir / data.test_dir) at it."
        )

    def _classes(self, split: str) -> list[str]:
        folder = self.folders[split]
        if not folder.is_dir():
            raise self._missing(split, "no such folder")
        try:
            return find_classes(str(folder))[0]
        except FileNotFoundError as error:
            raise self._missing(split, str(error)) from error

    @property
    def num_classes(self) -> int:
        """The number of class folders of the train split."""
        return len(self._classes("train"))

    def load_split(self, split: str, subset: int | None) -> Dataset:
        """``split``'s images as (uint8 (3, S, S), label) items, ``subset`` of them spread evenly when given."""
        classes, train_classes = self._classes(split), self._classes("train")
        if classes != train_classes:
            raise ValueError(
                f"{self.folders[split]} and {self.folders['train']} must hold the same class folders; "
                f"only in {split}: {sorted(set(classes) - set(train_classes))[:5]}, "
                f"only in train: {sorted(set(train_classes) - set(classes))[:5]}"
            )
        try:
            dataset = ImageFolder(str(self.folders[split]), transform=self.transform)
        except FileNotFoundError as error:
            raise self._missing(split, str(error)) from error
        if subset is None or subset >= len(dataset):
            return dataset
        return Subset(dataset, [i * len(dataset) // subset for i in range(subset)])
