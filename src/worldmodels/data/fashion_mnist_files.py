"""Reading the Fashion-MNIST IDX files from disk, with a clear error when they are missing."""

from __future__ import annotations

import zlib
from pathlib import Path

import numpy as np
import torch

from worldmodels.data.errors import DataFileError, DatasetNotFoundError

SPLIT_FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}
HOW_TO_GET = (
    "Get it in one of two ways:\n"
    "  1. sudo apt-get install dataset-fashion-mnist   (installs /usr/share/datasets/fashion-mnist/)\n"
    "  2. python train.py data.download=true            (torchvision download; needs network)"
)
REFETCH = "download it again (data.download=true, after deleting the file) or copy it again from the original"


def _candidate_dirs(root: Path) -> list[Path]:
    """The folders that may hold the IDX files: the root itself and torchvision's layout."""
    return [root, root / "FashionMNIST" / "raw"]


def _find(root: Path, stem: str) -> Path | None:
    for folder in _candidate_dirs(root):
        for name in (stem, stem + ".gz"):
            if (folder / name).is_file():
                return folder / name
    return None


class IDXFileError(DataFileError):
    """An IDX file that cannot be what its header says (truncated copy or download), or images and labels that disagree."""


def _read_bytes(path: Path) -> tuple[bytes, str | None]:
    """The (decompressed) bytes of ``path`` and, when its gzip stream ends early or is corrupt, what went wrong (the
    bytes are then those decompressed before the damage)."""
    raw = path.read_bytes()
    if path.suffix != ".gz":
        return raw, None
    parts = []
    while raw:  # a gzip file may hold several members, one after another
        stream = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            parts.append(stream.decompress(raw))
        except zlib.error as error:
            return b"".join(parts), f"the gzip stream is corrupt ({error})"
        if not stream.eof:
            return b"".join(parts + [stream.flush()]), "the gzip stream ends early"
        raw = stream.unused_data
    return b"".join(parts), None


def _idx_header(path: Path, data: bytes) -> tuple[tuple[int, ...], int]:
    """The shape an IDX file's header declares and the header's length in bytes."""
    if len(data) < 4 or data[:2] != b"\x00\x00" or data[2] != 0x08:
        raise IDXFileError(f"{path} is not an IDX file of unsigned bytes (header {data[:4]!r}, {len(data)} bytes); {REFETCH}")
    ndim = data[3]
    header = 4 + 4 * ndim
    if len(data) < header:
        raise IDXFileError(f"{path} is truncated: its header alone needs {header} bytes but the file holds {len(data)}; {REFETCH}")
    return tuple(int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)), header


def _read_idx(path: Path) -> np.ndarray:
    """Parse one IDX file (optionally gzipped) into a uint8 numpy array of its stored shape.

    A file shorter (or longer) than its header promises, or a gzip stream cut short, is an ``IDXFileError`` that names
    the file, the byte count its header promises and the bytes it holds.
    """
    data, broken = _read_bytes(path)
    if broken and len(data) < 8:
        raise IDXFileError(
            f"{path} is truncated: {broken} before its header could be read ({path.stat().st_size} bytes on disk); {REFETCH}"
        )
    shape, header = _idx_header(path, data)
    expected = header + int(np.prod(shape))
    if broken or len(data) != expected:
        held = f"{len(data)} bytes" + (f" once decompressed ({path.stat().st_size} bytes on disk)" if path.suffix == ".gz" else "")
        problem = "truncated" if broken or len(data) < expected else "longer than its header says"
        raise IDXFileError(
            f"{path} is {problem}: its header (shape {shape}) promises {expected} bytes, the file holds {held}"
            f"{'; ' + broken if broken else ''}; {REFETCH}"
        )
    return np.frombuffer(data, dtype=np.uint8, offset=header).reshape(shape)


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
    images, labels = _read_idx(image_path), _read_idx(label_path)
    if len(images) != len(labels):
        raise IDXFileError(
            f"Fashion-MNIST {split} split: {image_path} holds {len(images)} images but {label_path} holds {len(labels)} labels; "
            f"each image needs its label: put the matching {image_stem} and {label_stem} files in data.root"
        )
    return torch.from_numpy(images.copy()), torch.from_numpy(labels.astype(np.int64))
