"""Frozen-backbone probe evaluation: extract features of both splits once, fit a probe, score the test split."""

from __future__ import annotations

import time
from typing import Any

from hydra.utils import instantiate
from omegaconf import DictConfig
from torch import nn

from worldmodels.evaluation.features import extract_features


def frozen_probe_accuracy(encoder: nn.Module, datamodule: Any, probe_cfg: DictConfig, seed: int) -> dict[str, float]:
    """Fit the configured probe on frozen train-split features, score it on the test split.

    ``datamodule`` provides ``feature_dataloaders()`` ({"train", "test"}), ``preprocess`` and ``num_classes``.
    Returns {"accuracy", "feature_dim", "seconds"}.
    """
    start = time.perf_counter()
    loaders = datamodule.feature_dataloaders()
    train = extract_features(encoder, loaders["train"], datamodule.preprocess)
    test = extract_features(encoder, loaders["test"], datamodule.preprocess)
    dim = train[0].shape[1]
    probe = instantiate(probe_cfg, head={"in_dim": dim, "num_classes": datamodule.num_classes})
    accuracy = probe.fit_and_score(train, test, seed=seed)
    return {"accuracy": accuracy, "feature_dim": dim, "seconds": time.perf_counter() - start}
