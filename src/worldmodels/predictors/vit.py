"""The masked-token ViT predictor of I-JEPA / V-JEPA: context tokens + mask tokens at the target positions -> predictions."""

from __future__ import annotations

import math

import torch
from torch import nn

from worldmodels.encoders.grid import token_grid
from worldmodels.encoders.positions import sincos_grid
from worldmodels.encoders.tokens import gather_tokens, vit_blocks


class ViTPredictor(nn.Module):
    """A narrow ViT that predicts the encoder's tokens at target positions from the context tokens.

    The context tokens (B, K, dim) are projected to the predictor width ``embed_dim`` and given the fixed sin-cos
    positions of their grid indices; one learnable mask token per target index (B, M), carrying that position's
    sin-cos embedding, is appended; the blocks run over all K + M tokens, and the outputs at the mask tokens are
    normed and projected back to ``dim``: predictions (B, M, dim).

    ``dim`` is the encoder's token width (the pretrainer passes it: ``predicts_tokens``); the token grid comes
    from ``input_size`` / ``patch_size`` (and ``num_frames`` / ``tubelet_size`` for clips), as the encoder's does.

    With ``carry_context`` (clips) a mask token also starts from the embedded context token at the same spatial
    position in the latest frame that has one, when that frame is earlier than the target's (a prior for future
    prediction: what was there stays unless it moves); other targets (e.g. under tube masks) get the plain mask token.
    """

    predicts_tokens = True

    def __init__(
        self,
        dim: int,
        input_size: int = 28,
        patch_size: int = 4,
        num_frames: int = 1,
        tubelet_size: int = 1,
        embed_dim: int = 384,
        depth: int = 6,
        num_heads: int = 6,
        mlp_ratio: float = 4.0,
        carry_context: bool = False,
    ) -> None:
        super().__init__()
        grid = token_grid(input_size, patch_size, num_frames, tubelet_size)
        self.num_positions = math.prod(grid)
        self.frame_tokens = math.prod(grid[1:]) if len(grid) == 3 else self.num_positions
        self.carry_context = carry_context
        self.embed = nn.Linear(dim, embed_dim)
        self.mask_token = nn.Parameter(nn.init.trunc_normal_(torch.empty(1, 1, embed_dim), std=0.02))
        self.register_buffer("positions", sincos_grid(embed_dim, grid)[None], persistent=False)
        self.blocks = vit_blocks(embed_dim, depth, num_heads, mlp_ratio)
        self.norm = nn.LayerNorm(embed_dim)
        self.proj = nn.Linear(embed_dim, dim)

    def forward(self, context: torch.Tensor, context_indices: torch.Tensor, target_indices: torch.Tensor) -> torch.Tensor:
        """Context tokens (B, K, dim), their grid indices (B, K), target indices (B, M) -> predictions (B, M, dim)."""
        batch, num_targets = target_indices.shape
        positions = self.positions.to(context.dtype).expand(batch, -1, -1)
        embedded = self.embed(context)
        tokens = embedded + gather_tokens(positions, context_indices)
        queries = self.mask_token.expand(batch, num_targets, -1) + gather_tokens(positions, target_indices)
        if self.carry_context:
            queries = queries + self._carried(embedded, context_indices, target_indices)
        out = self.blocks(torch.cat([tokens, queries], dim=1))
        return self.proj(self.norm(out[:, -num_targets:]))

    def _carried(self, context: torch.Tensor, context_indices: torch.Tensor, target_indices: torch.Tensor) -> torch.Tensor:
        """Embedded context (B, K, E) -> (B, M, E): for each target, the context token at its spatial position in the
        latest frame that has one if that frame is earlier than the target's, else zeros."""
        batch, count = context_indices.shape
        spatial, frame = context_indices % self.frame_tokens, context_indices // self.frame_tokens
        order = torch.arange(count, device=context.device).expand(batch, -1)
        latest = torch.full((batch, self.frame_tokens), -1, dtype=torch.long, device=context.device)
        latest = latest.scatter_reduce(1, spatial, order, reduce="amax")  # context indices are sorted: the last is the latest
        source = latest.gather(1, target_indices % self.frame_tokens)  # (B, M) position in the context list, or -1
        earlier = (source >= 0) & (frame.gather(1, source.clamp(min=0)) < target_indices // self.frame_tokens)
        return gather_tokens(context, source.clamp(min=0)) * earlier[..., None]
