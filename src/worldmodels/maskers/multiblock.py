"""I-JEPA's multi-block masks on images: several target blocks, one large context block with the targets removed."""

from __future__ import annotations

import torch

from worldmodels.encoders.grid import token_grid
from worldmodels.maskers.base import Masker, MaskSet
from worldmodels.maskers.blocks import place_blocks, sample_block_size
from worldmodels.maskers.indices import mask_to_indices


class MultiBlockMasker(Masker):
    """``num_targets`` target blocks (area ``target_scale``, aspect ``target_aspect``) and one context block
    (``context_scale``, ``context_aspect``) per image, on the (H, W) = (input_size / patch_size)² token grid.

    Block sizes are drawn once per batch, positions per image. Target tokens are removed from the context; an image
    whose context keeps fewer than ``min_keep`` tokens is redrawn (up to ``max_tries`` times, then a ValueError).
    Returns one mask set: context (B, K), K the smallest context in the batch (a random subset of the larger ones),
    and target (B, num_targets, h · w), each target group one whole block.
    """

    def __init__(
        self,
        input_size: int = 28,
        patch_size: int = 4,
        num_targets: int = 4,
        target_scale: tuple[float, float] = (0.15, 0.2),
        target_aspect: tuple[float, float] = (0.75, 1.5),
        context_scale: tuple[float, float] = (0.85, 1.0),
        context_aspect: tuple[float, float] = (1.0, 1.0),
        min_keep: int = 4,
        max_tries: int = 20,
        seed: int = 0,
    ) -> None:
        super().__init__(seed)
        self.grid = token_grid(input_size, patch_size)
        self.num_targets, self.min_keep, self.max_tries = num_targets, min_keep, max_tries
        self.target_scale, self.target_aspect = tuple(target_scale), tuple(target_aspect)
        self.context_scale, self.context_aspect = tuple(context_scale), tuple(context_aspect)

    def _place(
        self, generator: torch.Generator, count: int, target_size: tuple[int, int], context_size: tuple[int, int]
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Targets (count, num_targets, N) and the context with the targets removed (count, N), both boolean."""
        targets = place_blocks(generator, count, self.num_targets, target_size, self.grid).flatten(2)
        context = place_blocks(generator, count, 1, context_size, self.grid).flatten(1)
        return targets, context & ~targets.any(dim=1)

    def sample(self, batch_size: int, generator: torch.Generator) -> list[MaskSet]:
        """One mask set: context (B, K) and target (B, num_targets, h · w)."""
        target_size = sample_block_size(generator, self.target_scale, self.target_aspect, self.grid)
        context_size = sample_block_size(generator, self.context_scale, self.context_aspect, self.grid)
        targets, context = self._place(generator, batch_size, target_size, context_size)
        for tries in range(self.max_tries + 1):
            short = context.sum(dim=1) < self.min_keep
            if not short.any():
                target = mask_to_indices(targets.flatten(0, 1), generator).view(batch_size, self.num_targets, -1)
                return [{"context": mask_to_indices(context, generator), "target": target}]
            if tries < self.max_tries:
                targets[short], context[short] = self._place(generator, int(short.sum()), target_size, context_size)
        raise ValueError(
            f"after {self.max_tries} redraws some images still keep fewer than min_keep={self.min_keep} context tokens: "
            f"{self.num_targets} target blocks of {target_size} leave too little of a {context_size} context block on the "
            f"{self.grid} grid; lower num_targets, target_scale or min_keep, or raise context_scale"
        )
