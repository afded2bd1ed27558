"""Frozen features cached on disk, so a second probe on the same checkpoint does not re-encode the data."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch

Split = tuple[torch.Tensor, torch.Tensor]
LOADER_KEYS = ("batch_size", "eval_batch_size", "num_workers")  # data config keys that do not change the features


def feature_cache_path(cache_dir: Path, checkpoint: Path, split: str, tokens: bool, fingerprint: dict[str, Any]) -> Path:
    """``<cache_dir>/<checkpoint stem>.<split>.<tokens|pooled>.<digest>.pt``.

    The digest covers the checkpoint's path, size and modification time and ``fingerprint`` (what else decides the
    features: encoder and data configs), so a rewritten checkpoint or other data never reads stale features.
    """
    stat = checkpoint.stat()
    digest = config_digest({"checkpoint": str(checkpoint.resolve()), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns, **fingerprint})
    return cache_dir / f"{checkpoint.stem}.{split}.{'tokens' if tokens else 'pooled'}.{digest}.pt"


def cached_features(path: Path, extract: Callable[[], Split]) -> tuple[Split, bool]:
    """Features and labels from ``path``, or from ``extract()`` and then saved there; and whether the cache was hit.

    Features are (N, D) or (N, T, D), labels (N,). The file is written under a temporary name and renamed, so an
    interrupted write never passes for a cache entry.
    """
    if path.is_file():
        saved = torch.load(path, weights_only=True, map_location="cpu")
        return (saved["features"], saved["labels"]), True
    features, labels = extract()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    torch.save({"features": features, "labels": labels}, partial)
    partial.replace(path)
    return (features, labels), False


def config_digest(key: dict[str, Any]) -> str:
    """A short stable digest of a JSON-able ``key`` (configs as plain containers)."""
    return hashlib.sha256(json.dumps(key, sort_keys=True, default=str).encode()).hexdigest()[:12]


def cached_json(path: Path | None, compute: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """The dict saved at ``path``, or ``compute()`` saved there (written under a temporary name, then renamed);
    ``path=None`` computes without caching."""
    if path is not None and path.is_file():
        return json.loads(path.read_text())
    value = compute()
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
        partial.write_text(json.dumps(value, indent=2))
        partial.replace(path)
    return value
