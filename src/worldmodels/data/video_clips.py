"""Clips decoded with decord: sampled frame indices, resized and centre-cropped to uint8 (C, T, S, S)."""

from __future__ import annotations

import warnings

import torch
import torch.nn.functional as F
from torch.utils.data import Dataset

from worldmodels.data.clip_sampling import SAMPLINGS, clip_indices
from worldmodels.data.video_files import VideoEntry


def decode_frames(path: str, indices: torch.Tensor) -> torch.Tensor:
    """uint8 RGB frames (T, H, W, 3) of the video at ``path`` at ``indices`` (T,), decoded with decord."""
    import decord

    reader = decord.VideoReader(path, num_threads=1)
    return torch.from_numpy(reader.get_batch(indices.tolist()).asnumpy())


def resize_frames(frames: torch.Tensor, size: int, channels: int = 3) -> torch.Tensor:
    """uint8 frames (T, H, W, 3) -> uint8 clip (channels, T, size, size): shorter side resized to ``size``
    (antialiased), centre-cropped; ``channels`` 1 averages RGB to grey."""
    clip = frames.permute(0, 3, 1, 2).float()  # (T, 3, H, W)
    height, width = clip.shape[-2:]
    scale = size / min(height, width)
    new_size = (max(size, round(height * scale)), max(size, round(width * scale)))
    if new_size != (height, width):
        clip = F.interpolate(clip, size=new_size, mode="bilinear", antialias=True, align_corners=False)
    top, left = (new_size[0] - size) // 2, (new_size[1] - size) // 2
    clip = clip[..., top : top + size, left : left + size]
    if channels == 1:
        clip = clip.mean(dim=1, keepdim=True)
    return clip.round().clamp(0, 255).to(torch.uint8).transpose(0, 1).contiguous()


class VideoClips(Dataset):
    """One clip per video: ``num_frames`` frames chosen by ``sampling`` ("random", "center" or "uniform", see
    ``clip_indices``) ``frame_step`` apart, as (uint8 clip (channels, T, image_size, image_size), label).

    A video that fails while decoding (a corrupt stream that still opened) is skipped with a warning naming it and
    the next video is returned instead; ``failed`` lists them.
    """

    def __init__(
        self,
        entries: list[VideoEntry],
        num_frames: int = 16,
        frame_step: int = 4,
        sampling: str = "random",
        image_size: int = 224,
        channels: int = 3,
    ) -> None:
        if sampling not in SAMPLINGS:
            raise ValueError(f"clip sampling {sampling!r}; known: {list(SAMPLINGS)}")
        if channels not in (1, 3):
            raise ValueError(f"channels must be 1 (grey) or 3 (RGB), got {channels}")
        self.entries, self.num_frames, self.frame_step, self.sampling = entries, num_frames, frame_step, sampling
        self.image_size, self.channels = image_size, channels
        self.failed: list[str] = []

    def __len__(self) -> int:
        return len(self.entries)

    def read(self, index: int) -> tuple[torch.Tensor, int]:
        """The clip and label of video ``index``; decord's errors propagate."""
        entry = self.entries[index]
        indices = clip_indices(entry.num_frames, self.num_frames, self.frame_step, self.sampling)
        return resize_frames(decode_frames(str(entry.path), indices), self.image_size, self.channels), entry.label

    def __getitem__(self, index: int) -> tuple[torch.Tensor, int]:
        if not 0 <= index < len(self):
            raise IndexError(f"video {index} out of range for {len(self)} videos")
        for offset in range(len(self)):
            position = (index + offset) % len(self)
            try:
                return self.read(position)
            except Exception as error:  # decord's RuntimeError / DECORDError on a corrupt stream
                path = str(self.entries[position].path)
                self.failed.append(path)
                warnings.warn(
                    f"skipping video that failed to decode {path}: {str(error).splitlines()[0][:200]} ({len(self.failed)} failed so far)",
                    stacklevel=2,
                )
        raise RuntimeError(f"none of the {len(self)} videos could be decoded")
