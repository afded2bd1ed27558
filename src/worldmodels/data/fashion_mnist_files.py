"""Reading the Fashion-MNIST IDX files from disk, with a clear error when they are missing."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import torch

from worldmodels.data.errors import DatasetNotFoundError

SPLIT_FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}
HOW_TO_GET = (
    "Get it in one of two ways:\n"
    "  1. sudo apt-get install dataset-fashion-mnist   (installs /usr/share/datasets/fashion-mnist/)\n"
    "  2. python train.py data.download=true            (torchvision download; needs network)"
)


def _candidate_dirs(root: Path) -> list[Path]:
    """The folders that may hold the IDX files: the root itself and torchvision's layout."""
    return [root, root / "FashionMNIST" / "raw"]


def _find(root: Path, stem: str) -> Path | None:
    for folder in _candidate_dirs(root):
        for name in (stem, stem + ".gz"):
            if (folder / name).is_file():
                return folder / name
    return None


def _read_idx(path: Path) -> np.ndarray:
    """Parse one IDX file (optionally gzipped) into a numpy array of its stored shape."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as handle:
        data = handle.read()
    ndim = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)


def load_fashion_mnist(root: str | Path, split: str, download: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
    """Load one split as uint8 images (N, 28, 28) and int64 labels (N,).

    With ``download=True`` missing files are fetched through torchvision into ``root``.
    """
    if split not in SPLIT_FILES:
        raise ValueError(f"unknown Fashion-MNIST split {split!r}; known: {sorted(SPLIT_FILES)}")
    root = Path(root).expanduser()
    image_stem, label_stem = SPLIT_FILES[split]
    if download and (_find(root, image_stem) is None or _find(root, label_stem) is None):
        from torchvision.datasets import FashionMNIST

        FashionMNIST(str(root), train=split == "train", download=True)
    image_path, label_path = _find(root, image_stem), _find(root, label_stem)
    if image_path is None or label_path is None:
        looked = ", ".join(str(d / (image_stem + "[.gz]")) for d in _candidate_dirs(root))
        raise DatasetNotFoundError(
            f"Fashion-MNIST {split} split not found. Looked for {looked}.\n{HOW_TO_GET}\n"
            f"Or point data.root at a folder that holds the IDX files."
        )
    images = torch.from_numpy(_read_idx(image_path).copy())
    labels = torch.from_numpy(_read_idx(label_path).astype(np.int64))
    return images, labels
