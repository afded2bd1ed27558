"""A convnet read out by spatial softmax: keypoint coordinates, smooth in where things are (deep spatial autoencoders)."""

from __future__ import annotations

import torch
from torch import nn


class SpatialSoftmaxEncoder(nn.Module):
    """Images (B, C, H, W) -> conv feature maps (B, K, h, w) -> per map a softmax over positions -> its expected
    (x, y) in [−1, 1] -> one token (B, 1, 2K) = K keypoints (Levine et al. 2016, "deep spatial autoencoders").

    Keypoint coordinates move continuously and monotonically with the objects they track, so distances between
    latents made from them grow with distances in the scene: a planning energy without the bumps of a dense layer
    on pixels. ``input_pool`` average-pools first (65 -> 16 for Two Rooms at 4: a thin line's place inside a cell
    survives as its intensity); a learned temperature per keypoint sharpens its softmax. D = 2K = ``embed_dim``.
    """

    def __init__(
        self,
        in_channels: int = 2,
        image_size: int = 65,
        input_pool: int = 2,
        channels: tuple[int, ...] = (16, 32),
        keypoints: int = 16,
        kernel_size: int = 5,
    ) -> None:
        super().__init__()
        layers: list[nn.Module] = [nn.AvgPool2d(input_pool) if input_pool > 1 else nn.Identity()]
        width = in_channels
        for index, out in enumerate(channels):
            size = kernel_size if index == 0 else 3
            layers += [nn.Conv2d(width, out, size, padding=size // 2), nn.GELU()]
            width = out
        layers.append(nn.Conv2d(width, keypoints, 1))
        self.features = nn.Sequential(*layers)
        self.log_temperature = nn.Parameter(torch.zeros(keypoints))
        with torch.no_grad():
            hidden = self.features[:-1](torch.zeros(1, in_channels, image_size, image_size))  # (1, C', h, w), h = image_size // input_pool
        self.register_buffer("grid", torch.linspace(-1.0, 1.0, hidden.shape[-1]), persistent=False)
        self.embed_dim = 2 * keypoints
        self.in_channels, self.image_size = in_channels, image_size

    def keypoints(self, images: torch.Tensor) -> torch.Tensor:
        """(B, C, H, W) -> keypoints (B, K, 2) as (x, y) in [−1, 1]."""
        return self._keypoints(self.features(self._check(images)))

    def _check(self, images: torch.Tensor) -> torch.Tensor:
        """Images of the built size, as floats in [0, 1]."""
        if images.shape[-1] != self.image_size or images.shape[-2] != self.image_size:
            raise ValueError(
                f"SpatialSoftmaxEncoder was built for {self.image_size} x {self.image_size} images, got "
                f"{tuple(images.shape[-2:])}; set encoder.image_size"
            )
        return images.float() / 255.0 if images.dtype == torch.uint8 else images

    def _keypoints(self, maps: torch.Tensor) -> torch.Tensor:
        """Keypoint feature maps (B, K, h, w) -> their soft-argmax coordinates (B, K, 2)."""
        batch, count, height, width = maps.shape
        weights = torch.softmax((maps * self.log_temperature.exp()[:, None, None]).flatten(2), dim=-1).view(batch, count, height, width)
        x = (weights.sum(dim=2) * self.grid[:width]).sum(-1)
        y = (weights.sum(dim=3) * self.grid[:height]).sum(-1)
        return torch.stack([x, y], dim=-1)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """(B, C, H, W) -> tokens (B, 1, 2K): the keypoints' (x, y)."""
        return self.keypoints(images).flatten(1)[:, None]

    def pool(self, tokens: torch.Tensor) -> torch.Tensor:
        """Tokens (B, N, D) -> (B, D)."""
        return tokens.mean(dim=1)
