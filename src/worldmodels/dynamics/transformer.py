"""A transformer latent predictor over frames with block-causal attention: z_{t+1} = f(z_{≤t}, a_{≤t}).

Each frame t is two tokens, the projected latent z_t and the embedded action a_t. Attention is block-causal over
frames: every token of frame t attends to all tokens of frames t − max_frames < s ≤ t (both tokens of its own frame
included), so a frame's prediction sees its recent history but never the future.
"""

from __future__ import annotations

import torch
from torch import nn

KVCache = tuple[torch.Tensor, torch.Tensor]
"""A block's cached keys and values of the past frames' tokens, each (B, heads, 2 · frames, width / heads)."""


class FrameAttention(nn.Module):
    """Multi-head self-attention over frame tokens with an additive bias (the frame-offset bias and the mask).

    ``forward(x (B, N, W), bias (heads, N, K + N), cache)`` -> (B, N, W) and the keys / values of the K cached
    and N new tokens; ``cache`` holds the K past tokens' keys and values (or ``None`` for K = 0).
    """

    def __init__(self, width: int, heads: int) -> None:
        super().__init__()
        if width % heads:
            raise ValueError(f"width={width} must be divisible by heads={heads}")
        self.heads, self.scale = heads, (width // heads) ** -0.5
        self.qkv = nn.Linear(width, 3 * width)
        self.proj = nn.Linear(width, width)

    def forward(self, x: torch.Tensor, bias: torch.Tensor, cache: KVCache | None = None) -> tuple[torch.Tensor, KVCache]:
        batch, tokens, width = x.shape
        q, k, v = self.qkv(x).view(batch, tokens, 3, self.heads, width // self.heads).permute(2, 0, 3, 1, 4)  # 3 x (B, h, N, w/h)
        if cache is not None:  # (contiguous new keys / values: a much faster cat than from the strided qkv view)
            k, v = torch.cat([cache[0], k.contiguous()], dim=2), torch.cat([cache[1], v.contiguous()], dim=2)
        scores = (q * self.scale) @ k.transpose(-1, -2) + bias.to(q.dtype)  # (B, h, N, K + N); explicit: faster than SDPA's
        out = scores.softmax(dim=-1) @ v  # masked fallback at these sizes (two query tokens per rollout step)
        return self.proj(out.transpose(1, 2).reshape(batch, tokens, width)), (k, v)


class FrameBlock(nn.Module):
    """A pre-norm transformer block (attention + MLP, residual) over frame tokens; see ``FrameAttention``."""

    def __init__(self, width: int, heads: int, mlp_ratio: float) -> None:
        super().__init__()
        self.norm1, self.norm2 = nn.LayerNorm(width), nn.LayerNorm(width)
        self.attn = FrameAttention(width, heads)
        hidden = int(width * mlp_ratio)
        self.mlp = nn.Sequential(nn.Linear(width, hidden), nn.GELU(), nn.Linear(hidden, width))

    def forward(self, x: torch.Tensor, bias: torch.Tensor, cache: KVCache | None = None) -> tuple[torch.Tensor, KVCache]:
        attended, cache = self.attn(self.norm1(x), bias, cache)
        x = x + attended
        return x + self.mlp(self.norm2(x)), cache


class BlockCausalTransformerPredictor(nn.Module):
    """Action-conditioned latent dynamics with a transformer over the history of frames (block-causal as in V-JEPA 2-AC).

    Frame t is two tokens: ``Linear(z_t)`` and ``Linear(a_t)`` (the two projections' biases tell the token types
    apart). Positions are learned per head as an additive attention bias by frame offset t − s ∈ [0, max_frames)
    (initialised ALiBi-style, favouring recent frames), and the attention is block-causal over frames within a
    sliding window of ``max_frames`` frames. Relative rather than absolute positions make a prediction depend only
    on the frames in its window, so rollouts longer than the training windows stay in distribution and can reuse
    cached keys and values (two new tokens per step). The two output tokens of frame t, normed and concatenated,
    are projected to the latent width and predict z_{t+1} (as z_t + delta with ``residual``).

    ``teacher_forced(latents (B, T, D), actions (B, T, A)) -> (B, T, D)`` predicts z_1..z_T from the true history
    in one pass; ``forward(z_0 (B, D), actions (B, H, A)) -> (B, H, D)`` rolls out autoregressively on its own
    predictions (what the world model's ``rollout`` and the planners call); ``step(z (B, D), a (B, A)) -> (B, D)``
    is one step from a single frame. ``forward`` equals ``teacher_forced`` fed the rollout's own predictions.
    """

    def __init__(
        self,
        latent_dim: int,
        action_dim: int,
        width: int = 64,
        depth: int = 2,
        heads: int = 4,
        max_frames: int = 16,
        mlp_ratio: float = 4.0,
        residual: bool = True,
    ) -> None:
        super().__init__()
        if max_frames < 1:
            raise ValueError(f"max_frames={max_frames} must be at least 1")
        self.max_frames, self.heads, self.residual = max_frames, heads, residual
        self.latent_embed = nn.Linear(latent_dim, width)
        self.action_embed = nn.Linear(action_dim, width)
        slopes = 2.0 ** -torch.arange(heads, dtype=torch.float32)  # head h: bias −offset / 2^h
        self.frame_bias = nn.Parameter(-slopes[:, None] * torch.arange(max_frames, dtype=torch.float32))  # (heads, max_frames)
        self.blocks = nn.ModuleList([FrameBlock(width, heads, mlp_ratio) for _ in range(depth)])
        self.norm = nn.LayerNorm(width)
        self.out = nn.Linear(2 * width, latent_dim)

    def _tokens(self, latents: torch.Tensor, actions: torch.Tensor) -> torch.Tensor:
        """Latents (B, T, D), actions (B, T, A) -> tokens (B, 2T, width), ordered z_0, a_0, z_1, a_1, ..."""
        return torch.stack([self.latent_embed(latents), self.action_embed(actions)], dim=2).flatten(1, 2)

    def _predict(self, latents: torch.Tensor, tokens: torch.Tensor) -> torch.Tensor:
        """Latents (B, T, D) and output tokens (B, 2T, width) -> next latents (B, T, D)."""
        delta = self.out(self.norm(tokens).unflatten(1, (-1, 2)).flatten(2))
        return latents + delta if self.residual else delta

    def attention_bias(self, frames: int) -> torch.Tensor:
        """The bias (heads, 2 · frames, 2 · frames) of a pass over ``frames`` frames: the learned frame-offset bias
        where a token's frame may see the key's (0 ≤ t − s < max_frames), −inf elsewhere."""
        frame = torch.arange(frames, device=self.frame_bias.device).repeat_interleave(2)
        offset = frame[:, None] - frame[None, :]  # (2T, 2T) query frame − key frame
        visible = (offset >= 0) & (offset < self.max_frames)
        bias = self.frame_bias[:, offset.clamp(0, self.max_frames - 1)]
        return bias.masked_fill(~visible, float("-inf"))

    def teacher_forced(self, latents: torch.Tensor, actions: torch.Tensor) -> torch.Tensor:
        """True latents z_0..z_{T−1} (B, T, D) and actions a_0..a_{T−1} (B, T, A) -> predictions of z_1..z_T (B, T, D)."""
        tokens, bias = self._tokens(latents, actions), self.attention_bias(latents.shape[1])
        for block in self.blocks:
            tokens, _ = block(tokens, bias)
        return self._predict(latents, tokens)

    def forward(self, latent: torch.Tensor, actions: torch.Tensor) -> torch.Tensor:
        """z_0 (B, D) and actions (B, H, A) -> the autoregressive rollout z_1..z_H (B, H, D).

        Each step embeds the two tokens of the newest frame and attends to the cached keys and values of the
        previous max_frames − 1 frames: the same predictions as ``teacher_forced`` on the rollout's own latents.
        """
        caches: list[KVCache | None] = [None] * len(self.blocks)
        keep = 2 * (self.max_frames - 1)  # cached tokens the next frame may see
        predictions = []
        for t in range(actions.shape[1]):
            tokens = self._tokens(latent[:, None], actions[:, t : t + 1])  # (B, 2, width)
            frames = min(t, self.max_frames - 1) + 1  # frames visible to this one, itself included
            offsets = torch.arange(frames - 1, -1, -1, device=latent.device).repeat_interleave(2)  # key offsets, oldest first
            bias = self.frame_bias[:, None, offsets].expand(-1, 2, -1)  # (heads, 2, 2 · frames)
            for i, block in enumerate(self.blocks):
                tokens, (k, v) = block(tokens, bias, caches[i])
                caches[i] = (k[:, :, -keep:], v[:, :, -keep:]) if keep else None
            latent = self._predict(latent[:, None], tokens)[:, 0]
            predictions.append(latent)
        return torch.stack(predictions, dim=1)

    def step(self, latent: torch.Tensor, action: torch.Tensor) -> torch.Tensor:
        """One step from a single frame: z (B, D), a (B, A) -> z' (B, D) (``forward`` with H = 1)."""
        return self.forward(latent, action[:, None])[:, 0]
