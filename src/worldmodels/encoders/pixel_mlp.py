"""An MLP on (pooled) pixels: the cheapest encoder for simple rendered scenes on CPU."""

from __future__ import annotations

import torch
from torch import nn


class PixelMLP(nn.Module):
    """Images (B, C, H, W) (uint8 scaled to [0, 1]) -> average-pool by ``input_pool`` -> MLP -> one token (B, 1, D).

    Rendered scenes such as Two Rooms (a blob and walls) are decoded well by a few dense layers, which run
    10–50x faster than a convnet of the same accuracy on a 2-core CPU. D = ``hidden_dims[-1]`` = ``embed_dim``.
    """

    def __init__(self, in_channels: int = 2, image_size: int = 65, input_pool: int = 2, hidden_dims: tuple[int, ...] = (512, 512)) -> None:
        super().__init__()
        side = image_size // input_pool
        layers: list[nn.Module] = [nn.AvgPool2d(input_pool) if input_pool > 1 else nn.Identity(), nn.Flatten(1)]
        width = in_channels * side * side
        for hidden in hidden_dims:
            layers += [nn.Linear(width, hidden), nn.GELU()]
            width = hidden
        self.mlp = nn.Sequential(*layers)
        self.embed_dim = width
        self.in_channels, self.image_size = in_channels, image_size

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """(B, C, H, W) -> tokens (B, 1, D)."""
        if images.shape[-1] != self.image_size or images.shape[-2] != self.image_size:
            raise ValueError(
                f"PixelMLP was built for {self.image_size} x {self.image_size} images, got {tuple(images.shape[-2:])}; "
                "set encoder.image_size"
            )
        if images.dtype == torch.uint8:
            images = images.float() / 255.0
        return self.mlp(images)[:, None]

    def pool(self, tokens: torch.Tensor) -> torch.Tensor:
        """Tokens (B, N, D) -> (B, D)."""
        return tokens.mean(dim=1)
