"""Frozen-feature extraction."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import torch
from torch import nn


@torch.no_grad()
def extract_features(
    encoder: nn.Module, batches: Iterable[dict[str, torch.Tensor]], preprocess: Callable[[torch.Tensor], torch.Tensor]
) -> tuple[torch.Tensor, torch.Tensor]:
    """Pooled features (N, D) and labels (N,) of every batch, with the encoder in eval mode (restored after).

    ``preprocess`` turns a batch's raw ``image`` into the encoder's input (B, C, H, W).
    """
    was_training = encoder.training
    encoder.eval()
    features, labels = [], []
    for batch in batches:
        features.append(encoder.pool(encoder(preprocess(batch["image"]))))
        labels.append(batch["label"])
    encoder.train(was_training)
    return torch.cat(features), torch.cat(labels)
