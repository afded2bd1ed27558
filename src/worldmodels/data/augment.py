"""Batched multi-view augmentation, run on the device after the batch is transferred."""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
import torch.nn.functional as F


def _per_channel(value: float | Sequence[float]) -> torch.Tensor:
    """A statistic for all channels or one per channel -> (C or 1, 1, 1), to broadcast over (..., C, H, W)."""
    values = [float(v) for v in value] if isinstance(value, Sequence) else [float(value)]
    return torch.tensor(values).view(-1, 1, 1)


class MultiViewAugment:
    """Make ``num_global`` + ``num_local`` augmented views of a batch of images.

    Each view is a random resized crop (area fraction in ``*_scale``, aspect ratio in ``ratio``,
    log-uniform), a random horizontal flip, brightness/contrast jitter and random erasing, all done
    for the whole batch at once with one ``grid_sample`` per view.

    Input images (B, C, H, W) in [0, 1]; output ``{"global": (Vg, B, C, Sg, Sg), "local": (Vl, B, C, Sl, Sl)}``,
    normalised with ``mean`` / ``std`` (one value for all channels, or one per channel).
    """

    def __init__(
        self,
        num_global: int = 2,
        num_local: int = 0,
        global_size: int = 28,
        local_size: int = 14,
        global_scale: tuple[float, float] = (0.3, 1.0),
        local_scale: tuple[float, float] = (0.05, 0.3),
        ratio: tuple[float, float] = (0.75, 1.333),
        flip_prob: float = 0.5,
        jitter: float = 0.4,
        erase_prob: float = 0.0,
        mean: float | Sequence[float] = 0.286,
        std: float | Sequence[float] = 0.353,
    ) -> None:
        if num_global < 1:
            raise ValueError(f"num_global must be >= 1 (the views' centre is the mean of the global views), got {num_global}")
        self.num_global, self.num_local = num_global, num_local
        self.global_size, self.local_size = global_size, local_size
        self.global_scale, self.local_scale = tuple(global_scale), tuple(local_scale)
        self.ratio, self.flip_prob, self.jitter, self.erase_prob = tuple(ratio), flip_prob, jitter, erase_prob
        self.mean, self.std = _per_channel(mean), _per_channel(std)

    def crop(self, images: torch.Tensor, size: int, scale: tuple[float, float]) -> torch.Tensor:
        """Random resized crop + flip of every image: (B, C, H, W) -> (B, C, size, size)."""
        batch, device = images.shape[0], images.device
        area = torch.empty(batch, device=device).uniform_(*scale)
        log_ratio = torch.empty(batch, device=device).uniform_(math.log(self.ratio[0]), math.log(self.ratio[1]))
        aspect = log_ratio.exp()
        width = (area * aspect).sqrt().clamp(max=1.0)
        height = (area / aspect).sqrt().clamp(max=1.0)
        centre_x = (torch.rand(batch, device=device) * 2 - 1) * (1 - width)
        centre_y = (torch.rand(batch, device=device) * 2 - 1) * (1 - height)
        flip = torch.where(torch.rand(batch, device=device) < self.flip_prob, -1.0, 1.0)
        theta = torch.zeros(batch, 2, 3, device=device)
        theta[:, 0, 0], theta[:, 0, 2] = width * flip, centre_x
        theta[:, 1, 1], theta[:, 1, 2] = height, centre_y
        grid = F.affine_grid(theta, [batch, images.shape[1], size, size], align_corners=False)
        return F.grid_sample(images, grid, mode="bilinear", padding_mode="zeros", align_corners=False)

    def photometric(self, views: torch.Tensor) -> torch.Tensor:
        """Brightness/contrast jitter and random erasing of (B, C, S, S) views in [0, 1]."""
        batch, device = views.shape[0], views.device
        if self.jitter > 0:
            brightness = 1 + torch.empty(batch, 1, 1, 1, device=device).uniform_(-self.jitter, self.jitter)
            contrast = 1 + torch.empty(batch, 1, 1, 1, device=device).uniform_(-self.jitter, self.jitter)
            mean = views.mean(dim=(1, 2, 3), keepdim=True)
            views = ((views - mean) * contrast + mean) * brightness
        if self.erase_prob > 0:
            size = views.shape[-1]
            side = (torch.empty(batch, device=device).uniform_(0.2, 0.5) * size).long().clamp(min=1)
            top = (torch.rand(batch, device=device) * (size - side + 1)).long()
            left = (torch.rand(batch, device=device) * (size - side + 1)).long()
            rows = torch.arange(size, device=device)
            in_rows = (rows[None] >= top[:, None]) & (rows[None] < (top + side)[:, None])
            in_cols = (rows[None] >= left[:, None]) & (rows[None] < (left + side)[:, None])
            box = in_rows[:, :, None] & in_cols[:, None, :]
            erase = box & (torch.rand(batch, 1, 1, device=device) < self.erase_prob)
            views = views.masked_fill(erase[:, None], 0.0)
        return views.clamp(0, 1)

    def normalize(self, images: torch.Tensor) -> torch.Tensor:
        """Standardise [0, 1] images (..., C, H, W) with the dataset statistics."""
        return (images - self.mean.to(images)) / self.std.to(images)

    def __call__(self, images: torch.Tensor) -> dict[str, torch.Tensor]:
        """(B, C, H, W) in [0, 1] -> {"global": (Vg, B, C, Sg, Sg), "local": (Vl, B, C, Sl, Sl)}."""
        global_views = [self.crop(images, self.global_size, self.global_scale) for _ in range(self.num_global)]
        local_views = [self.crop(images, self.local_size, self.local_scale) for _ in range(self.num_local)]
        out = {"global": torch.stack([self.normalize(self.photometric(v)) for v in global_views])}
        if local_views:
            out["local"] = torch.stack([self.normalize(self.photometric(v)) for v in local_views])
        return out
