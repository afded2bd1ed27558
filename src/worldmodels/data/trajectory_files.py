"""Trajectory shards on disk: ``shard_00000.npz`` files plus ``metadata.json`` (env, seed, policy, counts).

A shard holds ``obs`` uint8 (N, L + 1, C, H, W), ``actions`` float32 (N, L, A) and, when the env exposes
them, ``states`` float32 (N, L + 1, S) (e.g. the dot's position, for probes and plots) and ``layout``
float32 (N, K) (e.g. wall column and door row).
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from worldmodels.data.errors import DatasetNotFoundError

ARRAYS = ("obs", "actions", "states", "layout")


class TrajectoryDataError(ValueError):
    """A trajectory folder that cannot be used as asked: truncated shard, other environment, bad shapes."""


def write_shards(out_dir: str | Path, arrays: dict[str, np.ndarray], metadata: dict[str, Any], shard_size: int) -> list[Path]:
    """Split ``arrays`` (each (N, ...)) into compressed shards of ``shard_size`` trajectories; write metadata last."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    count = len(arrays["obs"])
    paths = []
    for index, begin in enumerate(range(0, count, shard_size)):
        path = out / f"shard_{index:05d}.npz"
        np.savez_compressed(path, **{k: v[begin : begin + shard_size] for k, v in arrays.items()})
        paths.append(path)
    shapes = {k: list(v.shape[1:]) for k, v in arrays.items()}
    (out / "metadata.json").write_text(json.dumps({**metadata, "num_trajectories": count, "num_shards": len(paths), "shapes": shapes}, indent=2))
    return paths


def read_metadata(data_dir: str | Path, expected_env: str | None = None) -> dict[str, Any]:
    """The folder's metadata; a clear error when it is missing or was collected in another environment."""
    path = Path(data_dir) / "metadata.json"
    if not path.is_file():
        raise DatasetNotFoundError(f"no trajectory dataset at {Path(data_dir).resolve()} (looked for {path.name}); "
                                   f"write one with `python -m worldmodels.collect env=<env> collect.out_dir={data_dir}` or set data.source=generate")  # fmt: skip
    metadata = json.loads(path.read_text())
    if expected_env is not None and metadata.get("env") != expected_env:
        raise TrajectoryDataError(f"{data_dir} holds trajectories of env {metadata.get('env')!r}, but this run uses env {expected_env!r}; "
                                  "collect data for this env or point data.path at the right folder")  # fmt: skip
    return metadata


def load_shards(data_dir: str | Path, expected_env: str | None = None) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """All shards of a folder concatenated: arrays (N, ...) and the metadata; truncated shards are named."""
    metadata = read_metadata(data_dir, expected_env)
    paths = sorted(Path(data_dir).glob("shard_*.npz"))
    if len(paths) != metadata["num_shards"]:
        raise TrajectoryDataError(f"{data_dir}: metadata lists {metadata['num_shards']} shards but {len(paths)} are present")
    parts: dict[str, list[np.ndarray]] = {}
    for path in paths:
        try:
            with np.load(path) as shard:
                for key in shard.files:
                    parts.setdefault(key, []).append(shard[key])
        except (zipfile.BadZipFile, EOFError, OSError, ValueError) as error:
            raise TrajectoryDataError(f"shard {path} is truncated or corrupt ({error}); delete it and collect again") from error
    arrays = {k: np.concatenate(v) for k, v in parts.items()}
    if len(arrays["obs"]) != metadata["num_trajectories"]:
        raise TrajectoryDataError(f"{data_dir}: metadata lists {metadata['num_trajectories']} trajectories but the shards hold {len(arrays['obs'])}")
    return arrays, metadata
