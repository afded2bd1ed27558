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
