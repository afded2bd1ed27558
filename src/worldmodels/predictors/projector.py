"""The projector head between the encoder's pooled output and the space the objective works in."""

from __future__ import annotations

from torch import nn


class MLPProjector(nn.Sequential):
    """(B, in_dim) -> (B, out_dim): Linear–BatchNorm–ReLU–Linear."""

    def __init__(self, in_dim: int, hidden_dim: int = 512, out_dim: int = 128) -> None:
        super().__init__(nn.Linear(in_dim, hidden_dim), nn.BatchNorm1d(hidden_dim), nn.ReLU(inplace=True), nn.Linear(hidden_dim, out_dim))
        self.out_dim = out_dim
