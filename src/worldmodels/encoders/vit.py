"""Vision Transformer encoders built from timm blocks: no CLS token, fixed sin-cos positions, token dropping."""

from __future__ import annotations

import torch
from torch import nn

from worldmodels.encoders.grid import check_divisible, token_grid
from worldmodels.encoders.positions import sincos_grid
from worldmodels.encoders.tokens import gather_tokens, vit_blocks


class PatchTransformer(nn.Module):
    """What the image and video ViTs share: patch tokens + fixed sin-cos positions, token dropping, blocks, final norm.

    Subclasses turn inputs into patch tokens in ``patchify``. Positions are a fixed function of the token grid,
    so any input size divisible by the patch size works (``grid`` only sets the positions that are precomputed).

    ``forward(inputs, keep (B, K) | None)`` -> tokens (B, K or N, D) after a final LayerNorm; ``pool`` -> (B, D).
    """

    def __init__(self, patch_embed: nn.Module, grid: tuple[int, ...], embed_dim: int, depth: int, num_heads: int, mlp_ratio: float) -> None:
        super().__init__()
        self.embed_dim = embed_dim
        self.grid = tuple(grid)
        self.patch_embed = patch_embed
        self.register_buffer("positions", sincos_grid(embed_dim, self.grid)[None], persistent=False)
        self.blocks = vit_blocks(embed_dim, depth, num_heads, mlp_ratio)
        self.norm = nn.LayerNorm(embed_dim)

    def patchify(self, inputs: torch.Tensor) -> tuple[torch.Tensor, tuple[int, ...]]:
        """Inputs -> patch tokens (B, N, D) without positions, and their grid ((H, W) or (T, H, W))."""
        raise NotImplementedError

    def forward(self, inputs: torch.Tensor, keep: torch.Tensor | None = None) -> torch.Tensor:
        """Inputs and optional kept token indices (B, K) into the flattened grid -> tokens (B, K or N, D)."""
        tokens, grid = self.patchify(inputs)
        tokens = tokens + self._positions(grid).to(tokens.dtype)
        if keep is not None:
            tokens = gather_tokens(tokens, keep)
        return self.norm(self.blocks(tokens))

    def _positions(self, grid: tuple[int, ...]) -> torch.Tensor:
        """(1, prod(grid), D) sin-cos positions; the precomputed ones for the default grid."""
        if grid == self.grid:
            return self.positions
        return sincos_grid(self.embed_dim, grid)[None].to(self.positions.device)

    def pool(self, tokens: torch.Tensor) -> torch.Tensor:
        """Tokens (B, N, D) -> (B, D) mean over tokens."""
        return tokens.mean(dim=1)


class ViT(PatchTransformer):
    """Image ViT: patchify (Conv2d p × p), fixed 2D sin-cos positions, optional kept tokens, timm blocks.

    ``forward(images (B, C, H, W), keep (B, K) | None)`` -> tokens (B, K or N, D), N = (H / p) · (W / p);
    ``pool`` averages tokens to (B, D). An image side not divisible by ``patch_size`` is a ValueError.
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
        grid = token_grid(image_size, patch_size)
        super().__init__(nn.Conv2d(in_channels, embed_dim, patch_size, patch_size), grid, embed_dim, depth, num_heads, mlp_ratio)
        self.patch_size = patch_size

    def patchify(self, images: torch.Tensor) -> tuple[torch.Tensor, tuple[int, ...]]:
        """(B, C, H, W) -> patch tokens (B, (H/p)·(W/p), D) and the grid (H/p, W/p)."""
        grid = tuple(check_divisible(side, self.patch_size) for side in images.shape[-2:])
        return self.patch_embed(images).flatten(2).transpose(1, 2), grid
