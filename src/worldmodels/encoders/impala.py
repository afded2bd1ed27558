"""The IMPALA CNN (Espeholt et al. 2018), the encoder of EB-JEPA's Two Rooms world model."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class _Residual(nn.Module):
    def __init__(self, channels: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.conv2(F.relu(self.conv1(F.relu(x))))


class ImpalaCNN(nn.Module):
    """Stacks of conv 3×3 → max-pool 3×3 stride 2 → ``blocks_per_stack`` residual blocks, one per width.

    Images (B, C, H, W) (uint8 or float; uint8 is scaled to [0, 1]) are first average-pooled by
    ``input_pool`` (1 keeps full resolution; 2 quarters the cost on 65 × 65 Two Rooms frames). ``forward``
    returns tokens (B, h·w, D) with D = ``widths[-1]`` (= ``embed_dim``); ``pool`` averages them to (B, D),
    and ``num_tokens(image_size)`` gives h·w for flattening heads.
    """

    def __init__(
        self, in_channels: int = 2, widths: tuple[int, ...] = (16, 32, 32), blocks_per_stack: int = 2, input_pool: int = 1
    ) -> None:
        super().__init__()
        layers: list[nn.Module] = [nn.AvgPool2d(input_pool)] if input_pool > 1 else []
        previous = in_channels
        for width in widths:
            layers += [nn.Conv2d(previous, width, 3, padding=1), nn.MaxPool2d(3, stride=2, padding=1)]
            layers += [_Residual(width) for _ in range(blocks_per_stack)]
            previous = width
        layers.append(nn.ReLU())
        self.features = nn.Sequential(*layers)
        self.embed_dim = widths[-1]
        self.in_channels = in_channels

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """(B, C, H, W) -> tokens (B, h·w, D)."""
        if images.dtype == torch.uint8:
            images = images.float() / 255.0
        return self.features(images).flatten(2).transpose(1, 2)

    def pool(self, tokens: torch.Tensor) -> torch.Tensor:
        """Tokens (B, N, D) -> (B, D) mean over tokens."""
        return tokens.mean(dim=1)

    @torch.no_grad()
    def num_tokens(self, image_size: int) -> int:
        """Number of tokens h·w for square inputs of side ``image_size``."""
        return self.forward(torch.zeros(1, self.in_channels, image_size, image_size)).shape[1]
