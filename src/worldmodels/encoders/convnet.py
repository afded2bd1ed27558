"""A small VGG-style convnet sized for CPU work on small images."""

from __future__ import annotations

import torch
from torch import nn


def _conv_bn_relu(in_channels: int, out_channels: int, stride: int) -> list[nn.Module]:
    return [
        nn.Conv2d(in_channels, out_channels, 3, stride, 1, bias=False),
        nn.BatchNorm2d(out_channels),
        nn.ReLU(inplace=True),
    ]


class ConvNet(nn.Module):
    """Stem conv at full resolution, then one stage per entry of ``widths[1:]`` (stride-2 conv + conv).

    ``forward`` maps images (B, C, H, W) to tokens (B, N, D) with N = h · w of the last feature map and
    D = ``widths[-1]`` (= ``embed_dim``); ``pool`` maps tokens to (B, D) by averaging.
    """

    def __init__(self, in_channels: int = 1, widths: tuple[int, ...] = (32, 64, 128, 256)) -> None:
        super().__init__()
        if len(widths) < 2:
            raise ValueError(f"widths needs a stem width and at least one stage width, got {list(widths)}")
        layers = _conv_bn_relu(in_channels, widths[0], 1)
        for previous, width in zip(widths[:-1], widths[1:], strict=True):
            layers += _conv_bn_relu(previous, width, 2) + _conv_bn_relu(width, width, 1)
        self.features = nn.Sequential(*layers)
        self.embed_dim = widths[-1]

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """(B, C, H, W) -> tokens (B, h·w, D)."""
        feature_map = self.features(images.contiguous(memory_format=torch.channels_last))
        return feature_map.flatten(2).transpose(1, 2)

    def pool(self, tokens: torch.Tensor) -> torch.Tensor:
        """Tokens (B, N, D) -> (B, D) mean over tokens."""
        return tokens.mean(dim=1)
