"""Predictors that map one view's embedding to the target embedding."""

from __future__ import annotations

import torch
from torch import nn


class MLPPredictor(nn.Module):
    """Two-layer MLP with BatchNorm: embeddings (..., K) -> predictions (..., K)."""

    def __init__(self, dim: int, hidden_dim: int = 512) -> None:
        super().__init__()
        self.net = nn.Sequential(nn.Linear(dim, hidden_dim), nn.BatchNorm1d(hidden_dim), nn.ReLU(inplace=True), nn.Linear(hidden_dim, dim))

    def forward(self, embeddings: torch.Tensor) -> torch.Tensor:
        """(..., K) -> (..., K)."""
        return self.net(embeddings.reshape(-1, embeddings.shape[-1])).view_as(embeddings)


class IdentityPredictor(nn.Module):
    """No predictor network (LeJEPA): each view's embedding predicts the target directly."""

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()

    def forward(self, embeddings: torch.Tensor) -> torch.Tensor:
        """(..., K) -> the same tensor."""
        return embeddings
