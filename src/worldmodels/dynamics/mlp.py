"""The MLP block of the MLP dynamics models (``ResidualMLPPredictor``, ``MacroStepPredictor``)."""

from __future__ import annotations

from torch import nn


def gelu_mlp(in_dim: int, hidden_dim: int, depth: int, out_dim: int) -> nn.Sequential:
    """``depth`` Linear + GELU hidden layers of width ``hidden_dim``, then a Linear to ``out_dim``: (..., in) -> (..., out)."""
    layers: list[nn.Module] = []
    width = in_dim
    for _ in range(depth):
        layers += [nn.Linear(width, hidden_dim), nn.GELU()]
        width = hidden_dim
    layers.append(nn.Linear(width, out_dim))
    return nn.Sequential(*layers)
