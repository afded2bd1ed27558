"""A convnet read out by spatial softmax: keypoint coordinates, smooth in where things are (deep spatial autoencoders)."""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import nn


class SpatialSoftmaxEncoder(nn.Module):
    """Images (B, C, H, W) -> conv feature maps (B, K, h, w) -> per map a softmax over positions -> its expected
    (x, y) in [−1, 1] -> one token (B, 1, 2K) = K keypoints (Levine et al. 2016, "deep spatial autoencoders").

    Keypoint coordinates move continuously and monotonically with the objects they track, so distances between
    latents made from them grow with distances in the scene: a planning energy without the bumps of a dense layer
    on pixels. ``input_pool`` pools first (65 -> 32 for Two Rooms) by ``pool_mode``: ``avg`` (a thin line's place
    inside a cell survives as its intensity), ``max`` (a 1-px line fills its cell), ``avg_max`` (both, as 2C
    channels) or ``conv`` (learned: the first conv reads the full-resolution image with a kernel of 2·``input_pool``
    at stride ``input_pool``, where fixed pooling would precede it); a learned temperature per keypoint sharpens its
    softmax. With ``global_features`` G > 0, a linear map of the last hidden feature maps (flattened) adds G numbers
    to the keypoints: what a weighted sum over the image places exactly and a softmax peak only roughly, such as the
    row of a gap in a wall (a row-weighted sum of wall pixels is linear in it). D = 2K + G = ``embed_dim``.
    """

    POOL_MODES = {"avg": (F.avg_pool2d,), "max": (F.max_pool2d,), "avg_max": (F.avg_pool2d, F.max_pool2d), "conv": ()}  # conv: the first conv strides

    def __init__(self, in_channels: int = 2, image_size: int = 65, input_pool: int = 2, channels: tuple[int, ...] = (16, 32),
                 keypoints: int = 16, kernel_size: int = 5, pool_mode: str = "avg", global_features: int = 0) -> None:  # fmt: skip
        super().__init__()
        if pool_mode not in self.POOL_MODES:
            raise ValueError(f"pool_mode={pool_mode!r}; allowed: {tuple(self.POOL_MODES)}")
        pools = self.POOL_MODES[pool_mode] if input_pool > 1 else ()
        layers: list[nn.Module] = [_InputPool(input_pool, pools) if pools else nn.Identity()]
        width = in_channels * max(len(pools), 1)
        strided = pool_mode == "conv" and input_pool > 1
        first = (2 * input_pool, input_pool, input_pool // 2) if strided else (kernel_size, 1, kernel_size // 2)  # kernel, stride, padding
        for index, out in enumerate(channels):
            size, stride, padding = first if index == 0 else (3, 1, 1)
            layers += [nn.Conv2d(width, out, size, stride=stride, padding=padding), nn.GELU()]
            width = out
        layers.append(nn.Conv2d(width, keypoints, 1))
        self.features = nn.Sequential(*layers)
        self.log_temperature = nn.Parameter(torch.zeros(keypoints))
        with torch.no_grad():
            hidden = self.features[:-1](torch.zeros(1, in_channels, image_size, image_size))  # (1, C', h, w), h = image_size // input_pool
        self.register_buffer("grid", torch.linspace(-1.0, 1.0, hidden.shape[-1]), persistent=False)
        self.global_features = nn.Linear(hidden.numel(), global_features) if global_features > 0 else None
        self.embed_dim = 2 * keypoints + global_features
        self.in_channels, self.image_size = in_channels, image_size

    def keypoints(self, images: torch.Tensor) -> torch.Tensor:
        """(B, C, H, W) -> keypoints (B, K, 2) as (x, y) in [−1, 1]."""
        return self._keypoints(self.features(self._check(images)))

    def _check(self, images: torch.Tensor) -> torch.Tensor:
        """Images of the built size, as floats in [0, 1]."""
        if images.shape[-1] != self.image_size or images.shape[-2] != self.image_size:
            raise ValueError(f"SpatialSoftmaxEncoder was built for {self.image_size} x {self.image_size} images, got "
                             f"{tuple(images.shape[-2:])}; set encoder.image_size")  # fmt: skip
        return images.float() / 255.0 if images.dtype == torch.uint8 else images

    def _keypoints(self, maps: torch.Tensor) -> torch.Tensor:
        """Keypoint feature maps (B, K, h, w) -> their soft-argmax coordinates (B, K, 2)."""
        batch, count, height, width = maps.shape
        weights = torch.softmax((maps * self.log_temperature.exp()[:, None, None]).flatten(2), dim=-1).view(batch, count, height, width)
        x = (weights.sum(dim=2) * self.grid[:width]).sum(-1)
        y = (weights.sum(dim=3) * self.grid[:height]).sum(-1)
        return torch.stack([x, y], dim=-1)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """(B, C, H, W) -> tokens (B, 1, 2K + G): the keypoints' (x, y), then the global features."""
        if self.global_features is None:
            return self.keypoints(images).flatten(1)[:, None]
        hidden = self.features[:-1](self._check(images))
        keypoints = self._keypoints(self.features[-1](hidden)).flatten(1)
        return torch.cat([keypoints, self.global_features(hidden.flatten(1))], dim=1)[:, None]

    def pool(self, tokens: torch.Tensor) -> torch.Tensor:
        """Tokens (B, N, D) -> (B, D)."""
        return tokens.mean(dim=1)


class _InputPool(nn.Module):
    """(B, C, H, W) -> (B, P·C, H / f, W / f): each of the P pooling functions (average, max) by factor f, stacked
    along channels."""

    def __init__(self, factor: int, pools: tuple[Callable[..., torch.Tensor], ...]) -> None:
        super().__init__()
        self.factor, self.pools = factor, pools

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return torch.cat([pool(images, self.factor) for pool in self.pools], dim=1)
