"""The projector head between the encoder's pooled output and the space the objective works in."""

from __future__ import annotations

from torch import nn


class MLPProjector(nn.Sequential):
    """(B, in_dim) -> (B, out_dim): Linear–BatchNorm–ReLU–Linear."""

    def __init__(self, in_dim: int, hidden_dim: int = 512, out_dim: int = 128) -> None:
        super().__init__(nn.Linear(in_dim, hidden_dim), nn.BatchNorm1d(hidden_dim), nn.ReLU(inplace=True), nn.Linear(hidden_dim, out_dim))
        self.out_dim = out_dim


class FlattenProjector(nn.Sequential):
    """Tokens (B, N, D) -> latents (B, out_dim): flatten (keeps where things are), Linear, optional LayerNorm."""

    def __init__(self, in_dim: int, out_dim: int = 64, layer_norm: bool = True) -> None:
        super().__init__(nn.Flatten(1), nn.Linear(in_dim, out_dim), nn.LayerNorm(out_dim) if layer_norm else nn.Identity())
        self.out_dim = out_dim
