"""Fixed sin-cos positional embeddings."""

from __future__ import annotations

import math

import torch


def sincos_1d(dim: int, positions: torch.Tensor) -> torch.Tensor:
    """Positions (N,) -> (N, dim) embedding, half sines and half cosines (dim must be even)."""
    if dim % 2:
        raise ValueError(f"sin-cos embedding dimension must be even, got {dim}")
    frequencies = 1.0 / 10000 ** (torch.arange(dim // 2, dtype=torch.float64) / (dim // 2))
    angles = positions.double()[:, None] * frequencies[None]
    return torch.cat([angles.sin(), angles.cos()], dim=1).float()


def sincos_2d(dim: int, grid_height: int, grid_width: int) -> torch.Tensor:
    """(grid_height · grid_width, dim) embedding: half the channels encode the row, half the column."""
    if dim % 4:
        raise ValueError(f"2D sin-cos embedding dimension must be divisible by 4, got {dim}")
    rows, cols = torch.meshgrid(torch.arange(grid_height), torch.arange(grid_width), indexing="ij")
    return torch.cat([sincos_1d(dim // 2, rows.flatten()), sincos_1d(dim // 2, cols.flatten())], dim=1)


def sincos_3d(dim: int, grid_time: int, grid_height: int, grid_width: int) -> torch.Tensor:
    """(grid_time · grid_height · grid_width, dim) embedding, time-major like a flattened (T, H, W) token grid.

    Each axis gets 2 · ceil(dim / 6) channels (V-JEPA's uniform split); the concatenation is cut to ``dim``.
    """
    axis_dim = 2 * math.ceil(dim / 6)
    times, rows, cols = torch.meshgrid(torch.arange(grid_time), torch.arange(grid_height), torch.arange(grid_width), indexing="ij")
    axes = [sincos_1d(axis_dim, axis.flatten()) for axis in (times, rows, cols)]
    return torch.cat(axes, dim=1)[:, :dim]


def sincos_grid(dim: int, grid: tuple[int, ...]) -> torch.Tensor:
    """(prod(grid), dim) embedding of a flattened (H, W) or (T, H, W) token grid."""
    if len(grid) == 2:
        return sincos_2d(dim, *grid)
    if len(grid) == 3:
        return sincos_3d(dim, *grid)
    raise ValueError(f"token grids are (H, W) or (T, H, W), got {tuple(grid)}")
