"""Frozen-feature extraction."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import torch
from torch import nn


@torch.no_grad()
def extract_features(
    encoder: nn.Module,
    batches: Iterable[dict[str, torch.Tensor]],
    preprocess: Callable[[torch.Tensor], torch.Tensor],
    tokens: bool = False,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Features and labels (N,) of every batch, with the encoder in eval mode (restored after), on the CPU.

    Pooled features (N, D) by default; with ``tokens=True`` the encoder's tokens (N, T, D) unpooled, for probes
    that attend over them. Batches run on the encoder's device; ``preprocess`` turns a batch's raw ``image``
    into the encoder's input (B, C, H, W).
    """
    was_training = encoder.training
    encoder.eval()
    device = next(encoder.parameters()).device
    features, labels = [], []
    for batch in batches:
        out = encoder(preprocess(batch["image"].to(device)))
        features.append((out if tokens else encoder.pool(out)).cpu())
        labels.append(batch["label"])
    encoder.train(was_training)
    return torch.cat(features), torch.cat(labels)
