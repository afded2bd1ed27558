"""Random token masks at a fixed ratio (MAE-style), on image or clip token grids."""

from __future__ import annotations

import math

import torch

from worldmodels.encoders.grid import token_grid
from worldmodels.maskers.base import Masker, MaskSet


class RandomMasker(Masker):
    """Mask a random ``ratio`` of the N tokens of every sample: the masked tokens are the target, the rest the context.

    N = prod of the token grid of ``input_size`` / ``patch_size`` (and ``num_frames`` / ``tubelet_size`` for clips).
    M = round(ratio · N), kept within 1..N − 1, is the same for every sample, so no truncation is needed.
    Returns one mask set: context (B, N − M) and target (B, 1, M), both sorted.
    """

    def __init__(
        self, input_size: int = 28, patch_size: int = 4, num_frames: int = 1, tubelet_size: int = 1, ratio: float = 0.75, seed: int = 0
    ) -> None:
        super().__init__(seed)
        if not 0.0 < ratio < 1.0:
            raise ValueError(f"the masking ratio must lie strictly between 0 and 1, got {ratio}")
        self.num_tokens = math.prod(token_grid(input_size, patch_size, num_frames, tubelet_size))
        self.num_masked = min(max(round(ratio * self.num_tokens), 1), self.num_tokens - 1)

    def sample(self, batch_size: int, generator: torch.Generator) -> list[MaskSet]:
        """One mask set: context (B, N − M) and target (B, 1, M)."""
        order = torch.rand(batch_size, self.num_tokens, generator=generator).argsort(dim=1)
        target, context = order[:, : self.num_masked], order[:, self.num_masked :]
        return [{"context": context.sort(dim=1).values, "target": target.sort(dim=1).values[:, None]}]
