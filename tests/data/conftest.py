"""Tiny generated datasets on disk for the datamodule tests: CIFAR-10 python batches and an image folder of PNGs."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

CLASSES = ("cat", "dog", "fox")


@pytest.fixture
def fake_cifar10(tmp_path: Path) -> Path:
    """``root/cifar-10-batches-py`` with five 8-image train batches and a 6-image test batch, labels = index % 10."""
    folder = tmp_path / "cifar-10-batches-py"
    folder.mkdir()
    rng = np.random.default_rng(0)
    for name, count in [*((f"data_batch_{i}", 8) for i in range(1, 6)), ("test_batch", 6)]:
        entry = {"data": rng.integers(0, 256, (count, 3072), dtype=np.uint8), "labels": [i % 10 for i in range(count)]}
        (folder / name).write_bytes(pickle.dumps(entry))
    return tmp_path


def write_folder(root: Path, split: str, per_class: int, classes: tuple[str, ...] = CLASSES) -> None:
    """``root/split/<class>/<i>.png``: RGB images of varied sizes whose red channel encodes the class."""
    rng = np.random.default_rng(len(split))
    for label, name in enumerate(classes):
        (root / split / name).mkdir(parents=True)
        for i in range(per_class):
            pixels = rng.integers(0, 256, (20 + 4 * i, 28, 3), dtype=np.uint8)
            pixels[..., 0] = 80 * label
            Image.fromarray(pixels).save(root / split / name / f"{i}.png")


@pytest.fixture
def make_image_folder() -> Callable[..., None]:
    """``write_folder`` for tests that build their own (e.g. broken) folders."""
    return write_folder


@pytest.fixture
def tiny_folder(tmp_path: Path) -> Path:
    """``tmp_path/train`` with 4 PNGs per class and ``tmp_path/val`` with 2, three classes."""
    write_folder(tmp_path, "train", per_class=4)
    write_folder(tmp_path, "val", per_class=2)
    return tmp_path
