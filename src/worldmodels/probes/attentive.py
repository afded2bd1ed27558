"""Attentive probe on frozen tokens: self-attention blocks, then a learned query cross-attends to pool them."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from timm.layers import Mlp
from timm.models.vision_transformer import Block
from torch import nn


class CrossAttentionPool(nn.Module):
    """One pre-norm cross-attention block with a single learned query: tokens (B, T, D) -> (B, D).

    ``q + attention(q, norm(tokens))``, then ``+ mlp(norm(.))``, as V-JEPA's attentive pooler.
    """

    def __init__(self, dim: int, num_heads: int, mlp_ratio: float = 4.0) -> None:
        super().__init__()
        if dim % num_heads:
            raise ValueError(f"cross-attention: dim {dim} is not divisible by num_heads {num_heads}")
        self.num_heads = num_heads
        self.query = nn.Parameter(torch.randn(1, 1, dim) * 0.02)
        self.norm_tokens = nn.LayerNorm(dim)
        self.to_q = nn.Linear(dim, dim)
        self.to_kv = nn.Linear(dim, 2 * dim)
        self.proj = nn.Linear(dim, dim)
        self.norm_mlp = nn.LayerNorm(dim)
        self.mlp = Mlp(dim, int(dim * mlp_ratio))

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        """(B, T, D) -> (B, D)."""
        batch, length, dim = tokens.shape
        head_dim = dim // self.num_heads
        query = self.query.expand(batch, -1, -1)
        q = self.to_q(query).view(batch, 1, self.num_heads, head_dim).transpose(1, 2)
        k, v = self.to_kv(self.norm_tokens(tokens)).view(batch, length, 2, self.num_heads, head_dim).permute(2, 0, 3, 1, 4)
        attended = F.scaled_dot_product_attention(q, k, v).transpose(1, 2).reshape(batch, 1, dim)
        pooled = query + self.proj(attended)
        pooled = pooled + self.mlp(self.norm_mlp(pooled))
        return pooled[:, 0]


class AttentiveProbe(nn.Module):
    """Frozen tokens (B, T, D) -> logits (B, num_classes).

    ``depth − 1`` self-attention blocks (timm ``Block``), one cross-attention block with a learned query
    (``CrossAttentionPool``), LayerNorm, linear. V-JEPA 2 uses depth 4 with 16 heads.
    """

    def __init__(self, in_dim: int, num_classes: int, depth: int = 2, num_heads: int = 4, mlp_ratio: float = 4.0) -> None:
        super().__init__()
        if depth < 1:
            raise ValueError(f"attentive probe depth must be >= 1 (the cross-attention block), got {depth}")
        if in_dim % num_heads:
            raise ValueError(f"attentive probe: feature dim {in_dim} is not divisible by num_heads {num_heads}")
        self.blocks = nn.Sequential(*[Block(in_dim, num_heads, mlp_ratio, qkv_bias=True) for _ in range(depth - 1)])
        self.pool = CrossAttentionPool(in_dim, num_heads, mlp_ratio)
        self.norm = nn.LayerNorm(in_dim)
        self.linear = nn.Linear(in_dim, num_classes)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        """(B, T, D) -> (B, num_classes)."""
        if tokens.ndim != 3:
            raise ValueError(f"attentive probe needs tokens (B, T, D), got shape {tuple(tokens.shape)}; set probe.features=tokens")
        return self.linear(self.norm(self.pool(self.blocks(tokens))))
