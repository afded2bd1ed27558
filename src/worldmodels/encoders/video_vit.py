"""Video ViT: Conv3d tubelets and 3D sin-cos positions (V-JEPA), with the image ViT's token dropping and blocks."""

from __future__ import annotations

import torch
from torch import nn

from worldmodels.encoders.grid import check_divisible, token_grid
from worldmodels.encoders.vit import PatchTransformer


class VideoViT(PatchTransformer):
    """Patchify clips into tubelets (Conv3d ``tubelet_size`` × p × p), add 3D sin-cos positions, keep tokens, run blocks.

    ``forward(clips (B, C, T, H, W), keep (B, K) | None)`` -> tokens (B, K or N, D) with
    N = (T / tubelet_size) · (H / p) · (W / p), flattened time-major; ``pool`` averages to (B, D).
    An image (B, C, H, W) is encoded as a still clip of ``tubelet_size`` identical frames (one token per patch),
    as V-JEPA 2 does, so image datasets and probes work unchanged.
    """

    def __init__(
        self,
        image_size: int = 28,
        num_frames: int = 8,
        patch_size: int = 4,
        tubelet_size: int = 2,
        in_channels: int = 1,
        embed_dim: int = 192,
        depth: int = 12,
        num_heads: int = 3,
        mlp_ratio: float = 4.0,
    ) -> None:
        grid = (check_divisible(num_frames, tubelet_size, "number of frames", "tubelet size"), *token_grid(image_size, patch_size))
        kernel = (tubelet_size, patch_size, patch_size)
        super().__init__(nn.Conv3d(in_channels, embed_dim, kernel, kernel), grid, embed_dim, depth, num_heads, mlp_ratio)
        self.patch_size, self.tubelet_size, self.num_frames = patch_size, tubelet_size, num_frames

    def patchify(self, clips: torch.Tensor) -> tuple[torch.Tensor, tuple[int, ...]]:
        """(B, C, T, H, W) clips or (B, C, H, W) images -> tubelet tokens (B, N, D) and the grid (T', H', W')."""
        if clips.ndim == 4:
            clips = clips.unsqueeze(2).expand(-1, -1, self.tubelet_size, -1, -1)
        frames, height, width = clips.shape[-3:]
        grid = (
            check_divisible(frames, self.tubelet_size, "number of frames", "tubelet size"),
            check_divisible(height, self.patch_size),
            check_divisible(width, self.patch_size),
        )
        return self.patch_embed(clips).flatten(2).transpose(1, 2), grid
