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
    grid probe adds "best" and "grid") plus "feature_dim".
    """
    dim = train[0].shape[-1]
    pl.seed_everything(seed, workers=True, verbose=False)
    probe = instantiate(probe_cfg, in_dim=dim, num_classes=num_classes)
    return {**probe.fit_and_score(train, test, seed=seed), "feature_dim": dim}


def frozen_probe_accuracy(encoder: nn.Module, datamodule: Any, probe_cfg: DictConfig, seed: int) -> dict[str, Any]:
    """Fit the configured probe on frozen train-split features, score it on the test split.

    ``datamodule`` provides ``feature_dataloaders()`` ({"train", "test"}), ``preprocess`` and ``num_classes``.
    Returns ``fit_probe``'s report plus "seconds".
    """
    start = time.perf_counter()
    loaders = datamodule.feature_dataloaders()
    tokens = wants_tokens(probe_cfg)
    train, test = (extract_features(encoder, loaders[split], datamodule.preprocess, tokens=tokens) for split in ("train", "test"))
    return {**fit_probe(probe_cfg, train, test, datamodule.num_classes, seed), "seconds": time.perf_counter() - start}
