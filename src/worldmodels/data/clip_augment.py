"""Multi-view augmentation of clips: every frame of a clip gets the same crop, flip and jitter."""

from __future__ import annotations

import torch

from worldmodels.data.augment import MultiViewAugment


class ClipAugment(MultiViewAugment):
    """``MultiViewAugment`` for clips (B, C, T, H, W) in [0, 1]: the frames are stacked as channels, so one random
    resized crop, flip, brightness/contrast jitter and erased box apply to a whole clip (motion is unchanged).

    Returns ``{"global": (Vg, B, C, T, Sg, Sg), "local": (Vl, B, C, T, Sl, Sl)}`` normalised with ``mean`` / ``std``
    (one value, or one per channel). The defaults leave clips whole (scale 1, no flip, no jitter).
    """

    def __init__(
        self,
        num_global: int = 1,
        num_local: int = 0,
        global_size: int = 64,
        local_size: int = 32,
        global_scale: tuple[float, float] = (1.0, 1.0),
        local_scale: tuple[float, float] = (0.3, 0.6),
        ratio: tuple[float, float] = (1.0, 1.0),
        flip_prob: float = 0.0,
        jitter: float = 0.0,
        erase_prob: float = 0.0,
        mean: float | list[float] = 0.0,
        std: float | list[float] = 1.0,
    ) -> None:
        super().__init__(
            num_global, num_local, global_size, local_size, global_scale, local_scale, ratio, flip_prob, jitter, erase_prob, mean, std
        )

    def normalize(self, clips: torch.Tensor) -> torch.Tensor:
        """Standardise [0, 1] clips (B, C, T, H, W) per channel."""
        return super().normalize(clips.transpose(1, 2)).transpose(1, 2)

    def _views(self, clips: torch.Tensor, count: int, size: int, scale: tuple[float, float]) -> torch.Tensor:
        """``count`` augmented views (count, B, C, T, size, size) of clips (B, C, T, H, W)."""
        batch, channels, frames = clips.shape[:3]
        stacked = clips.flatten(1, 2)
        views = [self.photometric(self.crop(stacked, size, scale)).view(batch, channels, frames, size, size) for _ in range(count)]
        return torch.stack([self.normalize(view) for view in views])

    def __call__(self, clips: torch.Tensor) -> dict[str, torch.Tensor]:
        """(B, C, T, H, W) in [0, 1] -> {"global": (Vg, B, C, T, Sg, Sg), "local": (Vl, B, C, T, Sl, Sl) when asked}."""
        out = {"global": self._views(clips, self.num_global, self.global_size, self.global_scale)}
        if self.num_local:
            out["local"] = self._views(clips, self.num_local, self.local_size, self.local_scale)
        return out
