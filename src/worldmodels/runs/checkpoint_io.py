"""Checkpoints written whole or not at all, wherever the run directory lives, and found again on resume.

Lightning's ``TorchCheckpointIO`` stages a local checkpoint in ``/tmp`` and moves it into place: when the run directory
is on another filesystem (a cluster's scratch) the move is a copy, and a kill during it leaves a truncated ``last.ckpt``
and an orphan in ``/tmp``. ``AtomicCheckpointIO`` writes into a temporary file beside the target and renames it
(``worldmodels.runs.atomic``). ``complete_checkpoints`` lists a run's checkpoints that are whole, newest first, so
resume can skip a file that an older version (or a full disk) left truncated.
"""

from __future__ import annotations

import logging
import zipfile
from pathlib import Path
from typing import Any

import torch
from lightning_fabric.utilities.cloud_io import get_filesystem
from pytorch_lightning.plugins.io import TorchCheckpointIO

from worldmodels.runs.atomic import atomic_path

log = logging.getLogger(__name__)


class AtomicCheckpointIO(TorchCheckpointIO):
    """``torch.save`` into ``.<name>.<random>.partial`` in the checkpoint's own directory, fsync, rename.

    Remote paths (``s3://`` and other fsspec filesystems) keep Lightning's own transaction.
    """

    def save_checkpoint(self, checkpoint: dict[str, Any], path: Any, storage_options: Any | None = None) -> None:
        """Write ``checkpoint`` to ``path`` atomically (see the class docstring)."""
        if storage_options is not None or ("://" in str(path) and not str(path).startswith("file://")):
            return super().save_checkpoint(checkpoint, path, storage_options)
        get_filesystem(path).makedirs(str(Path(path).parent), exist_ok=True)
        with atomic_path(str(path).removeprefix("file://")) as partial:
            torch.save(checkpoint, partial)
        return None


def is_complete_checkpoint(path: Path) -> bool:
    """Whether ``path`` is a whole ``torch.save`` file: a zip archive whose central directory (written last) reads."""
    try:
        with zipfile.ZipFile(path) as archive:
            return bool(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return False


def complete_checkpoints(paths: list[Path]) -> list[Path]:
    """The complete checkpoints among ``paths``, newest (modification time) first; each incomplete one is logged."""
    found = []
    for path in sorted(paths, key=lambda p: p.stat().st_mtime, reverse=True):
        if is_complete_checkpoint(path):
            found.append(path)
        else:
            log.warning("skipping %s: truncated or not a checkpoint (an interrupted write?)", path)
    return found
