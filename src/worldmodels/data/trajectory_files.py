"""Trajectory shards on disk: ``shard_00000.npz`` files plus ``metadata.json`` (env, seed, policy, counts, fingerprint).

A shard holds ``obs`` uint8 (N, L + 1, C, H, W), ``actions`` float32 (N, L, A) and, when the env exposes
them, ``states`` float32 (N, L + 1, S) (e.g. the dot's position, for probes and plots) and ``layout``
float32 (N, K) (e.g. wall column and door row). It also carries the collection's ``fingerprint`` and ``env`` name
(0-d strings): the fingerprint is a digest of the metadata that decides the data (env and its config, policy, seed,
trajectory length), stored in ``metadata.json`` too, so a shard of another collection copied into the folder is
refused instead of trained on. Every file is written atomically (a temporary file renamed into place).
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from worldmodels.data.errors import DatasetNotFoundError
from worldmodels.data.fingerprint import config_fingerprint
from worldmodels.runs.atomic import atomic_path, atomic_write_json

ARRAYS = ("obs", "actions", "states", "layout")
TAGS = ("fingerprint", "env")  # 0-d string entries of a shard that name its collection; not data


class TrajectoryDataError(ValueError):
    """A trajectory folder that cannot be used as asked: truncated shard, other environment, bad shapes."""


def shard_name(index: int) -> str:
    """``shard_00003.npz`` for ``index`` 3."""
    return f"shard_{index:05d}.npz"


def write_shards(out_dir: str | Path, arrays: dict[str, np.ndarray], metadata: dict[str, Any], shard_size: int) -> list[Path]:
    """Split ``arrays`` (each (N, ...)) into compressed shards of ``shard_size`` trajectories; write metadata last.

    ``metadata`` (env, its config, policy, seed, ...) is fingerprinted; each shard and ``metadata.json`` carry the
    fingerprint, and every file is written atomically.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    fingerprint = config_fingerprint(metadata)
    tags = {"fingerprint": np.array(fingerprint), "env": np.array(str(metadata.get("env")))}
    count = len(arrays["obs"])
    paths = []
    for index, begin in enumerate(range(0, count, shard_size)):
        path = out / shard_name(index)
        with atomic_path(path) as partial, open(partial, "wb") as handle:
            np.savez_compressed(handle, **{k: v[begin : begin + shard_size] for k, v in arrays.items()}, **tags)
        paths.append(path)
    shapes = {k: list(v.shape[1:]) for k, v in arrays.items()}
    atomic_write_json(
        out / "metadata.json",
        {**metadata, "fingerprint": fingerprint, "num_trajectories": count, "num_shards": len(paths), "shapes": shapes},
    )
    return paths


def read_metadata(data_dir: str | Path, expected_env: str | None = None) -> dict[str, Any]:
    """The folder's metadata; a clear error when it is missing or was collected in another environment."""
    path = Path(data_dir) / "metadata.json"
    if not path.is_file():
        raise DatasetNotFoundError(
            f"no trajectory dataset at {Path(data_dir).resolve()} (looked for {path.name}); "
            f"write one with `worldmodels collect env=<env> collect.out_dir={data_dir}` or set data.source=generate"
        )
    metadata = json.loads(path.read_text())
    if expected_env is not None and metadata.get("env") != expected_env:
        raise TrajectoryDataError(
            f"{data_dir} holds trajectories of env {metadata.get('env')!r}, but this run uses env {expected_env!r}; "
            "collect data for this env or point data.path at the right folder"
        )
    return metadata


def check_shard_names(data_dir: Path, paths: list[Path], num_shards: int) -> None:
    """The folder holds exactly ``shard_00000.npz`` .. the metadata's last shard; stray and missing shards are named."""
    present, expected = {p.name for p in paths}, {shard_name(i) for i in range(num_shards)}
    if present == expected:
        return
    stray, missing = sorted(present - expected), sorted(expected - present)
    raise TrajectoryDataError(
        f"{data_dir}: metadata.json lists {num_shards} shards ({shard_name(0)} .. {shard_name(num_shards - 1)}) but "
        f"{len(paths)} are present; stray shards (not written with this metadata): {stray or 'none'}; "
        f"missing shards: {missing or 'none'}. Remove the stray ones, or collect the folder again"
    )


def check_fingerprint(path: Path, shard_tags: dict[str, str | None], metadata: dict[str, Any]) -> None:
    """The shard at ``path`` comes from the collection ``metadata`` describes: the same fingerprint, or none on both
    sides (a folder written before shards carried fingerprints)."""
    shard, folder = shard_tags.get("fingerprint"), metadata.get("fingerprint")
    if shard == folder:
        return
    unmarked = "no fingerprint (written before shards carried one)"
    shard_of = f"env {shard_tags.get('env')!r}, fingerprint {shard}" if shard else unmarked
    folder_of = f"env {metadata.get('env')!r}, " + (f"fingerprint {folder}" if folder else unmarked)
    raise TrajectoryDataError(
        f"shard {path} does not belong to its folder: the shard holds {shard_of}, but {path.parent / 'metadata.json'} "
        f"describes {folder_of}. A shard of another collection was copied in: remove it, or collect the folder "
        "again with `worldmodels collect`"
    )


def read_shard(path: Path) -> tuple[dict[str, np.ndarray], dict[str, str | None]]:
    """One shard's arrays (N, ...) and its tags (``fingerprint`` and ``env``, None when absent); a corrupt shard is named."""
    try:
        with np.load(path) as shard:
            arrays = {key: shard[key] for key in shard.files if key not in TAGS}
            tags = {key: str(shard[key]) if key in shard.files else None for key in TAGS}
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as error:
        raise TrajectoryDataError(f"shard {path} is truncated or corrupt ({error}); delete it and collect again") from error
    return arrays, tags


def load_shards(data_dir: str | Path, expected_env: str | None = None) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """All shards of a folder concatenated: arrays (N, ...) and the metadata.

    Truncated shards, stray or missing shards and shards of another collection (a fingerprint that differs from
    ``metadata.json``'s) are errors that name the shard. Folders written before shards carried fingerprints still
    load, as long as neither their metadata nor any of their shards has one.
    """
    data_dir = Path(data_dir)
    metadata = read_metadata(data_dir, expected_env)
    paths = sorted(data_dir.glob("shard_*.npz"))
    check_shard_names(data_dir, paths, metadata["num_shards"])
    parts: dict[str, list[np.ndarray]] = {}
    for path in paths:
        shard, tags = read_shard(path)
        check_fingerprint(path, tags, metadata)
        for key, value in shard.items():
            parts.setdefault(key, []).append(value)
    arrays = {k: np.concatenate(v) for k, v in parts.items()}
    if len(arrays["obs"]) != metadata["num_trajectories"]:
        raise TrajectoryDataError(
            f"{data_dir}: metadata lists {metadata['num_trajectories']} trajectories but the shards hold {len(arrays['obs'])}"
        )
    return arrays, metadata
