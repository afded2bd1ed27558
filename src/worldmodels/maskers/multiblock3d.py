"""V-JEPA's multi-block 3D masks on clips: unions of spatial blocks extended over all frames ("tubes")."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import torch

from worldmodels.encoders.grid import check_divisible, token_grid
from worldmodels.maskers.base import Masker, MaskSet
from worldmodels.maskers.blocks import place_blocks, sample_block_size
from worldmodels.maskers.indices import mask_to_indices

V_JEPA_GENERATORS = (
    {"num_blocks": 8, "scale": (0.15, 0.15), "aspect": (0.75, 1.5)},  # short-range
    {"num_blocks": 2, "scale": (0.7, 0.7), "aspect": (0.75, 1.5)},  # long-range
)


class MultiBlock3DMasker(Masker):
    """One mask set per entry of ``generators``: the union of ``num_blocks`` spatial blocks (area ``scale``, aspect
    ``aspect``, one size per batch, positions per clip), each spanning every frame, is the target; its complement is
    the context. The token grid is (T, H, W) = (num_frames / tubelet_size, input_size / patch_size, ...), flattened
    time-major like the video ViT's tokens.

    Both the context (B, K) and the target (B, 1, M) are cut to the smallest count in the batch (random subsets),
    as V-JEPA does. With V-JEPA's two generators at 16 × 16 × 8 tokens the union covers about 62 % (short-range) and
    81 % (long-range) of a clip; after the cut to the batch's smallest context at V-JEPA's per-GPU batch sizes
    (24-64 clips) the context encoder sees about 24 % and 5-6 % of the tokens: the "≈76 % / 94-95 % masked" of the
    papers. A clip whose context keeps fewer than ``min_keep`` tokens is redrawn (up to ``max_tries`` times).
    """

    def __init__(
        self,
        input_size: int = 28,
        patch_size: int = 4,
        num_frames: int = 8,
        tubelet_size: int = 2,
        generators: Sequence[Mapping[str, Any]] = V_JEPA_GENERATORS,
        min_keep: int = 1,
        max_tries: int = 20,
        seed: int = 0,
    ) -> None:
        super().__init__(seed)
        self.frames = check_divisible(num_frames, tubelet_size, "number of frames", "tubelet size")
        self.grid = token_grid(input_size, patch_size)
        self.generators = [
            {"num_blocks": int(g["num_blocks"]), "scale": tuple(g["scale"]), "aspect": tuple(g["aspect"])} for g in generators
        ]
        self.min_keep, self.max_tries = min_keep, max_tries

    def _union(self, generator: torch.Generator, count: int, num_blocks: int, size: tuple[int, int]) -> torch.Tensor:
        """(count, H, W) boolean union of ``num_blocks`` blocks per clip."""
        return place_blocks(generator, count, num_blocks, size, self.grid).any(dim=1)

    def _masked(self, generator: torch.Generator, batch_size: int, spec: Mapping[str, Any]) -> torch.Tensor:
        """(B, H, W) boolean spatial union of one generator, redrawn where fewer than ``min_keep`` tokens stay visible."""
        size = sample_block_size(generator, spec["scale"], spec["aspect"], self.grid)
        masked = self._union(generator, batch_size, spec["num_blocks"], size)
        for tries in range(self.max_tries + 1):
            short = (~masked).flatten(1).sum(dim=1) * self.frames < self.min_keep
            if not short.any():
                return masked
            if tries < self.max_tries:
                masked[short] = self._union(generator, int(short.sum()), spec["num_blocks"], size)
        raise ValueError(
            f"after {self.max_tries} redraws some clips still keep fewer than min_keep={self.min_keep} context tokens: "
            f"{spec['num_blocks']} blocks of {size} cover the {self.grid} grid; lower num_blocks or scale"
        )

    def sample(self, batch_size: int, generator: torch.Generator) -> list[MaskSet]:
        """One mask set per generator: context (B, K) and target (B, 1, M) into the (T, H, W) token grid."""
        mask_sets = []
        for spec in self.generators:
            masked = self._masked(generator, batch_size, spec)
            tubes = masked[:, None].expand(-1, self.frames, -1, -1).flatten(1)
            mask_sets.append({"context": mask_to_indices(~tubes, generator), "target": mask_to_indices(tubes, generator)[:, None]})
        return mask_sets
