"""Rectangular blocks on a token grid: one block size per batch, positions per sample over every valid offset."""

from __future__ import annotations

import math

import torch


def _uniform(bounds: tuple[float, float], generator: torch.Generator) -> float:
    low, high = bounds
    return low + (high - low) * float(torch.rand((), generator=generator))


def sample_block_size(
    generator: torch.Generator, scale: tuple[float, float], aspect: tuple[float, float], grid: tuple[int, int]
) -> tuple[int, int]:
    """One block size (h, w) in tokens on an (H, W) grid.

    The area fraction is drawn uniformly from ``scale`` and the aspect ratio h / w uniformly from ``aspect``, with
    separate draws (I-JEPA shares one draw between the two, which ties large blocks to tall ones); then
    h = round(sqrt(A · a)), w = round(sqrt(A / a)) for A = int(scale · H · W) tokens, clipped to the grid.
    """
    height, width = grid
    area = max(1, int(height * width * _uniform(scale, generator)))
    ratio = _uniform(aspect, generator)
    block_height = min(max(1, round(math.sqrt(area * ratio))), height)
    block_width = min(max(1, round(math.sqrt(area / ratio))), width)
    return block_height, block_width


def place_blocks(generator: torch.Generator, batch_size: int, count: int, size: tuple[int, int], grid: tuple[int, int]) -> torch.Tensor:
    """(batch_size, count, H, W) boolean masks, True inside each of ``count`` blocks of ``size`` per sample.

    Top-left corners are uniform over every valid offset, rows 0..H − h and columns 0..W − w inclusive, so every
    token of the grid can be covered (I-JEPA's sampler stops one short and never reaches the last row and column).
    """
    (height, width), (block_height, block_width) = grid, size
    tops = torch.randint(0, height - block_height + 1, (batch_size, count, 1), generator=generator)
    lefts = torch.randint(0, width - block_width + 1, (batch_size, count, 1), generator=generator)
    rows, cols = torch.arange(height), torch.arange(width)
    in_rows = (rows >= tops) & (rows < tops + block_height)
    in_cols = (cols >= lefts) & (cols < lefts + block_width)
    return in_rows[..., :, None] & in_cols[..., None, :]
