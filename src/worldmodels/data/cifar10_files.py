"""Reading the CIFAR-10 python batches (torchvision's layout) from disk, with a clear error when they are missing.

The batches are pickles, and ``pickle.load`` runs whatever a pickle asks for: a batch file in an untrusted data folder
could run code. They are read with ``BatchUnpickler``, which builds only what a CIFAR batch holds (dicts, lists,
strings and numpy arrays) and refuses any other global.
"""

from __future__ import annotations

import codecs
import pickle
from pathlib import Path
from typing import Any

import numpy as np
import torch

from worldmodels.data.errors import DataFileError, DatasetNotFoundError

FOLDER = "cifar-10-batches-py"
SPLIT_FILES = {"train": tuple(f"data_batch_{i}" for i in range(1, 6)), "test": ("test_batch",)}
PIXELS = 3 * 32 * 32  # one image's row of ``data``: 1024 red, then green, then blue values
_RECONSTRUCT = np.zeros(1).__reduce__()[0]  # numpy's array rebuilder, wherever this numpy version keeps it
ALLOWED_GLOBALS = {  # (module, name) a pickle may name -> the object it gets; Python 2 and numpy 1 names included
    ("numpy.core.multiarray", "_reconstruct"): _RECONSTRUCT,
    ("numpy._core.multiarray", "_reconstruct"): _RECONSTRUCT,
    ("numpy", "ndarray"): np.ndarray,
    ("numpy", "dtype"): np.dtype,
    ("_codecs", "encode"): codecs.encode,  # how Python 3 writes bytes at pickle protocol 2 (a re-saved batch)
}


class CIFARBatchError(DataFileError, pickle.UnpicklingError):
    """A CIFAR-10 batch file that is corrupt, not a CIFAR batch, or asks the unpickler for more than arrays."""


class BatchUnpickler(pickle.Unpickler):
    """An unpickler that resolves only ``ALLOWED_GLOBALS`` (numpy array reconstruction); any other global, such as
    ``os.system``, is a ``pickle.UnpicklingError`` that names it, raised before anything is called."""

    def find_class(self, module: str, name: str) -> Any:
        allowed = ALLOWED_GLOBALS.get((module, name))
        if allowed is None:
            known = ", ".join(f"{m}.{n}" for m, n in ALLOWED_GLOBALS)
            raise pickle.UnpicklingError(f"forbidden global {module}.{name}: a CIFAR-10 batch needs only {known}")
        return allowed


def read_batch(path: Path) -> tuple[np.ndarray, list[int]]:
    """One batch file -> uint8 images (N, 3, 32, 32) and its N labels; a corrupt, unsafe or inconsistent file is a
    ``CIFARBatchError`` that names it."""
    try:
        with open(path, "rb") as handle:
            entry = BatchUnpickler(handle, encoding="latin1").load()
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, IndexError) as error:
        raise CIFARBatchError(
            f"{path} cannot be read as a CIFAR-10 batch ({error}); "
            "download it again (data.download=true) or copy it again from the original"
        ) from error
    if not isinstance(entry, dict) or "data" not in entry or "labels" not in entry:
        raise CIFARBatchError(f"{path} is not a CIFAR-10 batch: expected a dict with 'data' and 'labels', got {type(entry).__name__}")
    data = np.asarray(entry["data"], dtype=np.uint8)
    if data.ndim != 2 or data.shape[1] != PIXELS:
        raise CIFARBatchError(f"{path}: 'data' has shape {data.shape}; a CIFAR-10 batch holds (N, {PIXELS}) uint8 rows")
    if len(data) != len(entry["labels"]):
        raise CIFARBatchError(
            f"{path} holds {len(data)} images but {len(entry['labels'])} labels; each image needs its label: "
            "download or copy the batch again"
        )
    return data.reshape(-1, 3, 32, 32), list(entry["labels"])


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
        batch_images, batch_labels = read_batch(folder / name)
        images.append(batch_images)
        labels.extend(batch_labels)
    return torch.from_numpy(np.concatenate(images)), torch.tensor(labels, dtype=torch.int64)
