"""Frozen-backbone probe evaluation: extract features of both splits once, fit a probe, score the test split."""

from __future__ import annotations

import time
from typing import Any

import pytorch_lightning as pl
import torch
from hydra.utils import instantiate
from omegaconf import DictConfig
from torch import nn

from worldmodels.evaluation.features import extract_features
from worldmodels.modules.probe import FEATURE_KINDS

Split = tuple[torch.Tensor, torch.Tensor]


def wants_tokens(probe_cfg: DictConfig) -> bool:
    """Whether the configured probe reads tokens (N, T, D) (``features: tokens``) rather than pooled (N, D) features."""
    kind = probe_cfg.get("features", "pooled")
    if kind not in FEATURE_KINDS:
        raise ValueError(f"probe.features must be one of {list(FEATURE_KINDS)}, got {kind!r}")
    return kind == "tokens"


def fit_probe(probe_cfg: DictConfig, train: Split, test: Split, num_classes: int, seed: int) -> dict[str, Any]:
    """Build the configured probe for these features (seeded), fit it on ``train``, score it on ``test``.

    Features are (N, D) or (N, T, D); labels (N,). Returns the probe's own report (at least "accuracy", a
    grid probe adds "best" and "grid") plus "feature_dim", "train_samples" and "test_samples".
    """
    dim = train[0].shape[-1]
    pl.seed_everything(seed, workers=True, verbose=False)
    probe = instantiate(probe_cfg, in_dim=dim, num_classes=num_classes)
    return {**probe.fit_and_score(train, test, seed=seed), "feature_dim": dim, "train_samples": len(train[1]), "test_samples": len(test[1])}


@torch.no_grad()
def pool_tokens(encoder: nn.Module, tokens: torch.Tensor, chunk: int = 4096) -> torch.Tensor:
    """Extracted tokens (N, T, D) -> the encoder's pooled features (N, D), in chunks."""
    device = next(encoder.parameters()).device
    return torch.cat([encoder.pool(part.to(device)).cpu() for part in tokens.split(chunk)])


def frozen_probe_reports(
    encoder: nn.Module, datamodule: Any, probes: dict[str, DictConfig], seed: int, train_images: int | None = None
) -> dict[str, dict[str, Any]]:
    """Fit every probe of ``probes`` ({name: probe config}) on frozen train-split features, score it on the test split.

    Features are extracted once and shared: tokens (N, T, D) when any probe reads tokens (pooled (N, D) features
    are then the encoder's ``pool`` of them), else pooled. ``datamodule`` provides ``feature_dataloaders(train_images)``
    ({"train", "test"}; the probes train on the first ``train_images`` training images, all when None), ``preprocess``
    and ``num_classes``. Returns
    {name: ``fit_probe``'s report plus "seconds" (its share of extraction and its fit)}.
    """
    loaders = datamodule.feature_dataloaders(train_images)
    kinds = {name: wants_tokens(probe_cfg) for name, probe_cfg in probes.items()}
    first_tokens = any(kinds.values())  # with any token probe, tokens are extracted once and pooled for the others
    features: dict[bool, tuple[Split, Split]] = {}
    reports = {}
    for name, probe_cfg in probes.items():
        start = time.perf_counter()
        tokens = kinds[name]
        if first_tokens not in features:
            features[first_tokens] = tuple(
                extract_features(encoder, loaders[split], datamodule.preprocess, tokens=first_tokens) for split in ("train", "test")
            )
        if tokens not in features:
            features[tokens] = tuple((pool_tokens(encoder, split[0]), split[1]) for split in features[True])
        report = fit_probe(probe_cfg, *features[tokens], datamodule.num_classes, seed)
        reports[name] = {**report, "seconds": time.perf_counter() - start}
    return reports
