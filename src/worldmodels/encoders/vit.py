"""Vision Transformer encoders built from timm blocks: no CLS token, fixed 2D sin-cos positions, token dropping."""

from __future__ import annotations

import torch
from timm.models.vision_transformer import Block
from torch import nn

from worldmodels.encoders.positions import sincos_2d


class ViT(nn.Module):
    """Patchify (Conv2d p × p), add fixed 2D sin-cos positions, optionally keep a subset of tokens, run blocks.

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
        self.grid = image_size // patch_size
        self.embed_dim = embed_dim
        self.patch_embed = nn.Conv2d(in_channels, embed_dim, patch_size, patch_size)
        self.register_buffer("positions", sincos_2d(embed_dim, self.grid, self.grid)[None], persistent=False)
        self.blocks = nn.Sequential(*[Block(embed_dim, num_heads, mlp_ratio, qkv_bias=True) for _ in range(depth)])
        self.norm = nn.LayerNorm(embed_dim)

    def forward(self, images: torch.Tensor, keep: torch.Tensor | None = None) -> torch.Tensor:
        """(B, C, H, W) and optional kept indices (B, K) -> tokens (B, K or N, D)."""
        tokens = self.patch_embed(images).flatten(2).transpose(1, 2)
        if tokens.shape[1] != self.positions.shape[1]:
            raise ValueError(
                f"ViT built for {self.grid}x{self.grid} patches got {tuple(images.shape[-2:])} images; "
                f"set encoder.image_size to the view size"
            )
        tokens = tokens + self.positions
        if keep is not None:
            tokens = torch.gather(tokens, 1, keep[..., None].expand(-1, -1, tokens.shape[-1]))
        return self.norm(self.blocks(tokens))

    def pool(self, tokens: torch.Tensor) -> torch.Tensor:
        """Tokens (B, N, D) -> (B, D) mean over tokens."""
        return tokens.mean(dim=1)
