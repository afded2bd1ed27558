"""Vision Transformer encoders built from timm blocks: no CLS token, fixed 2D sin-cos positions, token dropping."""

from __future__ import annotations

import torch
from timm.models.vision_transformer import Block
from torch import nn

from worldmodels.encoders.positions import sincos_2d


class ViT(nn.Module):
    """Patchify (Conv2d p × p), add fixed 2D sin-cos positions, optionally keep a subset of tokens, run blocks.

    Positions are a fixed function of the patch grid, so any image size divisible by the patch size works
    (``image_size`` only sets the grid whose positions are precomputed).

    ``forward(images (B, C, H, W), keep (B, K) | None)`` -> tokens (B, K or N, D) after a final LayerNorm;
    ``pool`` averages tokens to (B, D).
    """

    def __init__(
        self,
        image_size: int = 28,
        patch_size: int = 4,
        in_channels: int = 1,
        embed_dim: int = 192,
        depth: int = 12,
        num_heads: int = 3,
        mlp_ratio: float = 4.0,
    ) -> None:
        super().__init__()
        if image_size % patch_size:
            raise ValueError(f"image_size {image_size} is not divisible by patch_size {patch_size}")
        self.patch_size = patch_size
        self.grid = image_size // patch_size
        self.embed_dim = embed_dim
        self.patch_embed = nn.Conv2d(in_channels, embed_dim, patch_size, patch_size)
        self.register_buffer("positions", sincos_2d(embed_dim, self.grid, self.grid)[None], persistent=False)
        self.blocks = nn.Sequential(*[Block(embed_dim, num_heads, mlp_ratio, qkv_bias=True) for _ in range(depth)])
        self.norm = nn.LayerNorm(embed_dim)

    def forward(self, images: torch.Tensor, keep: torch.Tensor | None = None) -> torch.Tensor:
        """(B, C, H, W) and optional kept indices (B, K) -> tokens (B, K or N, D)."""
        height, width = images.shape[-2:]
        if height % self.patch_size or width % self.patch_size:
            raise ValueError(f"image size {height}x{width} is not divisible by the patch size {self.patch_size}")
        tokens = self.patch_embed(images).flatten(2).transpose(1, 2)
        tokens = tokens + self._positions(height // self.patch_size, width // self.patch_size).to(tokens.dtype)
        if keep is not None:
            tokens = torch.gather(tokens, 1, keep[..., None].expand(-1, -1, tokens.shape[-1]))
        return self.norm(self.blocks(tokens))

    def _positions(self, grid_height: int, grid_width: int) -> torch.Tensor:
        """(1, grid_height · grid_width, D) sin-cos positions; the precomputed ones for the default grid."""
        if (grid_height, grid_width) == (self.grid, self.grid):
            return self.positions
        return sincos_2d(self.embed_dim, grid_height, grid_width)[None].to(self.positions.device)

    def pool(self, tokens: torch.Tensor) -> torch.Tensor:
        """Tokens (B, N, D) -> (B, D) mean over tokens."""
        return tokens.mean(dim=1)
