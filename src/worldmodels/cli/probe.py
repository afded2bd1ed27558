"""`worldmodels probe ckpt=PATH probe=attentive`: probe a saved checkpoint's frozen encoder, with cached features;
`features_dir=DIR`: probe features saved by `worldmodels extract`."""

from __future__ import annotations

import time
from functools import partial
from pathlib import Path
from typing import Any

import hydra
import torch
from hydra.core.hydra_config import HydraConfig
from hydra.utils import instantiate
from omegaconf import DictConfig, OmegaConf

from worldmodels.cli.probe_features import evaluate_saved_features
from worldmodels.evaluation import (
    LOADER_KEYS,
    cached_features,
    check_cache_dir,
    data_files_key,
    describe_encoder,
    extract_features,
    feature_cache_path,
    fit_probe,
    load_encoder,
    wants_tokens,
)
from worldmodels.paths import CONFIG_DIR, REPO_ROOT
from worldmodels.runs import resolve_checkpoint, saved_run_config, write_run_record
from worldmodels.runs.atomic import atomic_write_json


def resolve_group(group: str, chosen: DictConfig | None, saved: DictConfig | None) -> DictConfig:
    """The config of ``group`` to use: a group named on the command line (it has a ``_target_``) replaces the
    checkpoint's; keys given as ``+group.key=value`` are merged over the checkpoint's."""
    if chosen is not None and "_target_" in chosen:
        return chosen
    if saved is None or group not in saved:
        raise ValueError(
            f"the checkpoint's run config is unknown (no config.yaml beside it, no run_config inside it): choose {group}=<option>"
        )
    return OmegaConf.merge(saved[group], chosen or {})


def pick_device(device: str) -> torch.device:
    """``auto`` -> cuda when available, else cpu; anything else as torch names it."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu") if device == "auto" else torch.device(device)


def evaluate_checkpoint(cfg: DictConfig, output_dir: Path, overrides: list[str]) -> dict[str, Any]:
    """Load ``cfg.ckpt``'s encoder, get frozen features of both splits (cached beside the checkpoint, or in
    ``cfg.cache_dir``), fit and score ``cfg.probe``; write ``results.json`` (and the run record) in ``output_dir`` and
    return what it holds. The cache is keyed by the checkpoint, the encoder and data configs and the data's files (names,
    sizes, modification times), and a cache folder that cannot be written is an error before any work is done."""
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
    fingerprint = {"encoder": OmegaConf.to_container(encoder_cfg, resolve=True), "data": data_key, "prefix": cfg.encoder_prefix,
                   "data_files": data_files_key(data_key)}  # fmt: skip

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
    print(f"probe accuracy {results['accuracy']:.4f} ({cfg.probe._target_}, {results['features']} features) -> {output_dir / 'results.json'}")
    return results


@hydra.main(version_base="1.3", config_path=CONFIG_DIR, config_name="probe_eval")
def main(cfg: DictConfig) -> float:
    """Hydra entry point; returns the probe accuracy for sweepers."""
    hydra_cfg = HydraConfig.get()
    output_dir, overrides = Path(hydra_cfg.runtime.output_dir), list(hydra_cfg.overrides.task)
    if cfg.get("features_dir"):
        return evaluate_saved_features(cfg, output_dir, overrides, REPO_ROOT)["accuracy"]
    return evaluate_checkpoint(cfg, output_dir, overrides)["accuracy"]
