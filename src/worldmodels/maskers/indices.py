"""Boolean token masks -> index tensors with the same count in every row (no padding)."""

from __future__ import annotations

import torch


def mask_to_indices(mask: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Boolean (B, N) -> sorted indices (B, K) of True entries, K = the fewest True entries of any row.

    A row with more than K True entries keeps a uniformly random K of them. (I-JEPA keeps the first K in raster
    order, which drops the bottom rows of the image from the context more often than the top ones.)
    """
    count = int(mask.sum(dim=1).min())
    scores = torch.rand(mask.shape, generator=generator) + mask  # True entries score in [1, 2), the others in [0, 1)
    return scores.topk(count, dim=1).indices.sort(dim=1).values
