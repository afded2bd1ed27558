"""An encoder followed by a projector: the online network whose embeddings the objective compares."""

from __future__ import annotations

import torch
from torch import nn


class ProjectedEncoder(nn.Module):
    """Images (B, C, H, W) -> pooled features (B, D) -> projected embeddings (B, K)."""

    def __init__(self, encoder: nn.Module, projector: nn.Module) -> None:
        super().__init__()
        self.encoder, self.projector = encoder, projector

    def features(self, images: torch.Tensor) -> torch.Tensor:
        """(B, C, H, W) -> pooled encoder features (B, D)."""
        return self.encoder.pool(self.encoder(images))

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """(B, C, H, W) -> embeddings (B, K)."""
        return self.projector(self.features(images))
