"""Frozen features cached on disk, so a second probe on the same checkpoint does not re-encode the data."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch

from worldmodels.data.fingerprint import data_fingerprint
from worldmodels.runs.atomic import atomic_write, atomic_write_json
from worldmodels.runs.digest import sha256_of_json

Split = tuple[torch.Tensor, torch.Tensor]
LOADER_KEYS = ("batch_size", "eval_batch_size", "num_workers")  # data config keys that do not change the features
DATA_PATH_KEYS = ("root", "path")  # data config keys that name the dataset's folder or file


def data_files_key(data: dict[str, Any]) -> dict[str, str]:
    """For each of a data config's ``DATA_PATH_KEYS`` that is set, the fingerprint of the files under it (names,
    sizes and modification times; see ``worldmodels.data.fingerprint``): it changes when the data on disk changes."""
    return {key: data_fingerprint(value) for key in DATA_PATH_KEYS if isinstance(value := data.get(key), str) and value}


def feature_cache_path(cache_dir: Path, checkpoint: Path, split: str, tokens: bool, fingerprint: dict[str, Any]) -> Path:
    """``<cache_dir>/<checkpoint stem>.<split>.<tokens|pooled>.<digest>.pt``.

    The digest covers the checkpoint's path, size and modification time and ``fingerprint`` (what else decides the
    features: encoder and data configs), so a rewritten checkpoint or other data never reads stale features. When
    ``fingerprint`` has a ``data`` config but no ``data_files`` entry, ``data_files_key`` of that config is added, so a
    data folder that grew, shrank or was rewritten under the same config never reads stale features either (pass
    ``data_files`` precomputed to list a large folder once for several splits).
    """
    if "data" in fingerprint and "data_files" not in fingerprint:
        fingerprint = {**fingerprint, "data_files": data_files_key(fingerprint["data"])}
    stat = checkpoint.stat()
    digest = config_digest({"checkpoint": str(checkpoint.resolve()), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns, **fingerprint})
    return cache_dir / f"{checkpoint.stem}.{split}.{'tokens' if tokens else 'pooled'}.{digest}.pt"


class CacheDirError(PermissionError):
    """A feature cache folder that cannot be written; the message names it and the config key that moves it."""


def check_cache_dir(cache_dir: Path, key: str) -> Path:
    """``cache_dir`` when features can be written there (it, or the nearest folder above it that exists, is writable);
    otherwise a ``CacheDirError`` that names the folder and the config ``key`` that sets another one."""
    existing = cache_dir
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if existing.is_dir() and os.access(existing, os.W_OK | os.X_OK):
        return cache_dir
    why = "is not a folder" if not existing.is_dir() else "is not writable"
    where = f"{existing} {why}" if existing == cache_dir else f"it would be made inside {existing}, which {why}"
    raise CacheDirError(
        f"cannot cache extracted features in {cache_dir}: {where}. Set {key}=<a writable folder> to cache them "
        f"elsewhere (e.g. {key}=$HOME/feature_cache)"
    )


def cached_features(path: Path, extract: Callable[[], Split]) -> tuple[Split, bool]:
    """Features and labels from ``path``, or from ``extract()`` and then saved there; and whether the cache was hit.

    Features are (N, D) or (N, T, D), labels (N,). The file is written under a temporary name and renamed, so an
    interrupted write never passes for a cache entry.
    """
    if path.is_file():
        saved = torch.load(path, weights_only=True, map_location="cpu")
        return (saved["features"], saved["labels"]), True
    features, labels = extract()
    atomic_write(path, lambda partial: torch.save({"features": features, "labels": labels}, partial))
    return (features, labels), False


def config_digest(key: dict[str, Any]) -> str:
    """A short stable digest of a JSON-able ``key`` (configs as plain containers)."""
    return sha256_of_json(key)[:12]


def cached_json(path: Path | None, compute: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """The dict saved at ``path``, or ``compute()`` saved there (written under a temporary name, then renamed);
    ``path=None`` computes without caching."""
    if path is not None and path.is_file():
        return json.loads(path.read_text())
    value = compute()
    if path is not None:
        atomic_write_json(path, value)
    return value
