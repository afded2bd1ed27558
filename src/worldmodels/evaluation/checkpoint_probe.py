"""Probing a saved checkpoint's frozen encoder: features of both splits (cached on disk), a probe fit on them."""

from __future__ import annotations

import time
from functools import partial
from pathlib import Path
from typing import Any

import torch
from hydra.utils import instantiate
from omegaconf import DictConfig, OmegaConf

from worldmodels.evaluation.checkpoint_encoder import describe_encoder, load_encoder
from worldmodels.evaluation.feature_cache import LOADER_KEYS, cached_features, check_cache_dir, data_files_key, feature_cache_path
from worldmodels.evaluation.features import extract_features
from worldmodels.evaluation.frozen_probe import fit_probe, wants_tokens
from worldmodels.paths import REPO_ROOT
from worldmodels.runs import resolve_checkpoint, resolve_group, saved_run_config, write_run_record
from worldmodels.runs.atomic import atomic_write_json
from worldmodels.runs.runtime import pick_device


def evaluate_checkpoint(cfg: DictConfig, output_dir: Path, overrides: list[str]) -> dict[str, Any]:
    """Load ``cfg.ckpt``'s encoder, get frozen features of both splits (cached beside the checkpoint, or in
    ``cfg.cache_dir``), fit and score ``cfg.probe``; write ``results.json`` (and the run record) in ``output_dir`` and
    return what it holds.

    Features are pooled (N, D), or tokens (N, T, D) for a probe that reads them. The cache is keyed by the checkpoint,
    the encoder and data configs and the data's files (names, sizes, modification times), and a cache folder that
    cannot be written is an error before any work is done.
    """
    start = time.perf_counter()
    resolved = resolve_checkpoint(cfg.ckpt, key="ckpt")
    if resolved is None:
        raise ValueError("ckpt= is empty: give a .ckpt file or a run dir (or features_dir= for features saved by `worldmodels extract`)")
    path = Path(resolved)
    cache_dir = check_cache_dir(Path(cfg.cache_dir).expanduser() if cfg.cache_dir else path.parent / "features", key="cache_dir")
    checkpoint = torch.load(path, weights_only=True, map_location="cpu")
    saved = saved_run_config(path, checkpoint)
    encoder_cfg, data_cfg = resolve_group("encoder", cfg.get("encoder"), saved), resolve_group("data", cfg.get("data"), saved)
    encoder = load_encoder(checkpoint, path, encoder_cfg, saved.encoder if saved else None, cfg.encoder_prefix).to(pick_device(cfg.device))
    datamodule = instantiate(data_cfg)
    tokens = wants_tokens(cfg.probe)

    data_key = {k: v for k, v in OmegaConf.to_container(data_cfg, resolve=True).items() if k not in LOADER_KEYS}
    fingerprint = {
        "encoder": OmegaConf.to_container(encoder_cfg, resolve=True),
        "data": data_key,
        "prefix": cfg.encoder_prefix,
        "data_files": data_files_key(data_key),
    }

    def extract(split: str) -> tuple[torch.Tensor, torch.Tensor]:
        return extract_features(encoder, datamodule.feature_dataloaders()[split], datamodule.preprocess, tokens=tokens)

    features, cache = {}, {}
    for split in ("train", "test"):
        cache_path = feature_cache_path(cache_dir, path, split, tokens, fingerprint)
        features[split], hit = cached_features(cache_path, partial(extract, split))
        cache[split] = {"path": str(cache_path), "hit": hit}

    report = fit_probe(cfg.probe, features["train"], features["test"], datamodule.num_classes, cfg.seed)
    results = {
        "checkpoint": str(path),
        "encoder": describe_encoder(encoder_cfg),
        "data": data_cfg._target_,
        "probe": OmegaConf.to_container(cfg.probe, resolve=True),
        "features": "tokens" if tokens else "pooled",
        "seed": cfg.seed,
        **report,
        "feature_cache": cache,
        "wall_time_s": round(time.perf_counter() - start, 1),
    }
    write_run_record(output_dir, cfg, overrides, REPO_ROOT)
    atomic_write_json(output_dir / "results.json", results)
    return results
