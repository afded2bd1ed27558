"""Token helpers shared by the ViT encoders and the ViT predictor: stacks of timm blocks, gathering by index."""

from __future__ import annotations

import torch
from timm.models.vision_transformer import Block
from torch import nn


def vit_blocks(embed_dim: int, depth: int, num_heads: int, mlp_ratio: float) -> nn.Sequential:
    """``depth`` pre-norm timm transformer blocks: tokens (B, N, D) -> (B, N, D)."""
    return nn.Sequential(*[Block(embed_dim, num_heads, mlp_ratio, qkv_bias=True) for _ in range(depth)])


def gather_tokens(tokens: torch.Tensor, indices: torch.Tensor) -> torch.Tensor:
    """Tokens (B, N, D) and indices (B, K) into N -> the indexed tokens (B, K, D)."""
    return torch.gather(tokens, 1, indices[..., None].expand(-1, -1, tokens.shape[-1]))
