"""Collapse diagnostics logged for every run: per-dimension std and effective rank (RankMe)."""

from __future__ import annotations

import torch


@torch.no_grad()
def embedding_std(embeddings: torch.Tensor) -> torch.Tensor:
    """Mean over dimensions of the per-dimension standard deviation of (N, D) embeddings (0 when collapsed)."""
    return embeddings.float().std(dim=0).mean()


@torch.no_grad()
def rankme(embeddings: torch.Tensor, eps: float = 1e-7) -> torch.Tensor:
    """Effective rank of (N, D) embeddings: exp of the entropy of the normalised singular values (1..min(N, D))."""
    singular = torch.linalg.svdvals(embeddings.float())
    probabilities = singular / (singular.sum() + eps) + eps
    return torch.exp(-(probabilities * probabilities.log()).sum())
