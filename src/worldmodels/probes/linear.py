"""Linear probe on frozen features."""

from __future__ import annotations

import torch
from torch import nn


class LinearProbe(nn.Module):
    """Features (B, D) -> logits (B, num_classes): optional non-affine BatchNorm, then one linear layer."""

    def __init__(self, in_dim: int, num_classes: int, batchnorm: bool = True) -> None:
        super().__init__()
        self.norm = nn.BatchNorm1d(in_dim, affine=False) if batchnorm else nn.Identity()
        self.linear = nn.Linear(in_dim, num_classes)

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        """(B, D) -> (B, num_classes)."""
        return self.linear(self.norm(features))


class SpatialGridLinearProbe(nn.Module):
    """Tokens (B, N, D) of a square h × w map -> average-pooled to a ``grid`` × ``grid`` map -> flattened
    (B, D · grid²) -> non-affine BatchNorm -> linear. The classic linear evaluation of conv features keeps a little
    of where things are (``grid=1`` is the mean-pooled linear probe)."""

    def __init__(self, in_dim: int, num_classes: int, grid: int = 2, batchnorm: bool = True) -> None:
        super().__init__()
        self.grid = grid
        self.linear = LinearProbe(in_dim * grid * grid, num_classes, batchnorm)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        """(B, N, D) with N a square -> (B, num_classes)."""
        batch, count, dim = tokens.shape
        side = int(round(count**0.5))
        if side * side != count:
            raise ValueError(f"the spatial grid probe needs tokens of a square feature map; got {count} tokens")
        feature_map = tokens.transpose(1, 2).reshape(batch, dim, side, side)
        pooled = nn.functional.adaptive_avg_pool2d(feature_map, self.grid)
        return self.linear(pooled.flatten(1))
