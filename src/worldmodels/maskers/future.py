"""Future prediction as a token mask: the first frames of a clip are the context, the frames after them the target."""

from __future__ import annotations

from collections.abc import Sequence

import torch

from worldmodels.encoders.grid import check_divisible, token_grid
from worldmodels.maskers.base import Masker, MaskSet


def future_indices(grid: tuple[int, int, int], context_token_frames: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Indices into a flattened time-major (T, H, W) token grid: the first ``context_token_frames`` token frames
    (K = c · H · W,) and every later one (M = (T − c) · H · W,)."""
    frames, height, width = grid
    if not 0 < context_token_frames < frames:
        raise ValueError(
            f"the context must keep between 1 and {frames - 1} of the clip's {frames} token frames, got {context_token_frames}"
        )
    split = context_token_frames * height * width
    return torch.arange(split), torch.arange(split, frames * height * width)


class FutureMasker(Masker):
    """One mask set per entry of ``context_frames``: context = the tokens of the first c frames of the clip, target =
    the tokens of every later frame, so the masked objective becomes "context frames -> latents of the next frames".

    Frames are counted in input frames (each a multiple of ``tubelet_size``); the token grid is
    (num_frames / tubelet_size, input_size / patch_size, input_size / patch_size), as the video ViT flattens it.
    Returns [{"context": (B, K), "target": (B, 1, M)}, ...]; no randomness (the generator is kept for the interface).
    """

    def __init__(
        self,
        input_size: int = 28,
        patch_size: int = 4,
        num_frames: int = 8,
        tubelet_size: int = 2,
        context_frames: Sequence[int] = (4,),
        seed: int = 0,
    ) -> None:
        super().__init__(seed)
        self.grid = token_grid(input_size, patch_size, num_frames, tubelet_size)
        if len(self.grid) != 3:
            raise ValueError(f"future prediction needs clips of more than one frame, got num_frames={num_frames}")
        self.splits = [
            future_indices(self.grid, check_divisible(int(c), tubelet_size, "number of context frames", "tubelet size"))
            for c in context_frames
        ]

    def sample(self, batch_size: int, generator: torch.Generator) -> list[MaskSet]:
        """One mask set per context length: context (B, K) and target (B, 1, M)."""
        return [{"context": context.expand(batch_size, -1), "target": target.expand(batch_size, 1, -1)} for context, target in self.splits]
