"""Reading the CIFAR-10 python batches (torchvision's layout) from disk, with a clear error when they are missing."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import torch

from worldmodels.data.errors import DatasetNotFoundError

FOLDER = "cifar-10-batches-py"
SPLIT_FILES = {"train": tuple(f"data_batch_{i}" for i in range(1, 6)), "test": ("test_batch",)}


def _candidate_dirs(root: Path) -> list[Path]:
    """The folders that may hold the batches: torchvision's ``root/cifar-10-batches-py`` and the root itself."""
    return [root / FOLDER, root]


def _find(root: Path, split: str) -> Path | None:
    for folder in _candidate_dirs(root):
        if all((folder / name).is_file() for name in SPLIT_FILES[split]):
            return folder
    return None


def load_cifar10(root: str | Path, split: str, download: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
    """Load one split as uint8 images (N, 3, 32, 32) and int64 labels (N,).

    With ``download=True`` missing files are fetched through torchvision's ``CIFAR10`` into ``root``.
    """
    if split not in SPLIT_FILES:
        raise ValueError(f"unknown CIFAR-10 split {split!r}; known: {sorted(SPLIT_FILES)}")
    root = Path(root).expanduser()
    if download and _find(root, split) is None:
        from torchvision.datasets import CIFAR10

        CIFAR10(str(root), train=split == "train", download=True)
    folder = _find(root, split)
    if folder is None:
        looked = " or ".join(str(d / SPLIT_FILES[split][0]) for d in _candidate_dirs(root))
        raise DatasetNotFoundError(
            f"CIFAR-10 {split} split not found. Looked for {looked}.\n"
            f"Point data.root at the folder holding {FOLDER}/, or set data.download=true (torchvision download; needs network)."
        )
    images, labels = [], []
    for name in SPLIT_FILES[split]:
        with open(folder / name, "rb") as handle:
            entry = pickle.load(handle, encoding="latin1")
        images.append(np.asarray(entry["data"], dtype=np.uint8).reshape(-1, 3, 32, 32))
        labels.extend(entry["labels"])
    return torch.from_numpy(np.concatenate(images)), torch.tensor(labels, dtype=torch.int64)
