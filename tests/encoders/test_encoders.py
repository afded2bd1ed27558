"""Encoders return tokens (B, N, D) and pooled (B, D); bad sizes give clear errors."""

from __future__ import annotations

import pytest
import torch

from worldmodels.encoders import ConvNet, ViT
from worldmodels.encoders.positions import sincos_2d


def test_convnet_tokens_and_pool() -> None:
    encoder = ConvNet(in_channels=1, widths=(8, 16, 32))
    tokens = encoder(torch.randn(3, 1, 28, 28))
    assert tokens.shape == (3, 7 * 7, 32) and encoder.embed_dim == 32
    assert encoder.pool(tokens).shape == (3, 32)
    assert encoder(torch.randn(2, 1, 14, 14)).shape == (2, 4 * 4, 32)
    with pytest.raises(ValueError, match="widths"):
        ConvNet(widths=(8,))


def test_vit_tokens_keep_indices_and_errors() -> None:
    encoder = ViT(image_size=28, patch_size=4, embed_dim=32, depth=2, num_heads=2)
    images = torch.randn(2, 1, 28, 28)
    tokens = encoder(images)
    assert tokens.shape == (2, 49, 32)
    keep = torch.tensor([[0, 5, 48], [1, 2, 3]])
    kept = encoder(images, keep=keep)
    assert kept.shape == (2, 3, 32)
    with pytest.raises(ValueError, match="not divisible"):
        ViT(image_size=28, patch_size=5)
    assert encoder(torch.randn(1, 1, 16, 16)).shape == (1, 16, 32)
    with pytest.raises(ValueError, match="patch size"):
        encoder(torch.randn(1, 1, 30, 30))


def test_sincos_positions_are_distinct_and_bounded() -> None:
    positions = sincos_2d(32, 7, 7)
    assert positions.shape == (49, 32)
    assert positions.abs().max() <= 1.0
    assert torch.cdist(positions, positions).add(torch.eye(49) * 10).min() > 0.1
