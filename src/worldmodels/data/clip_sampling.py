"""Which frames of a video make a clip: evenly over the whole video, or a strided run at a random or central start."""

from __future__ import annotations

import torch

SAMPLINGS = ("uniform", "random", "center")


def uniform_indices(num_video_frames: int, count: int) -> torch.Tensor:
    """``count`` frame indices (count,) spread evenly from the first to the last frame (repeats when the video is shorter)."""
    if num_video_frames < 1:
        raise ValueError("a video needs at least one frame")
    return torch.linspace(0, num_video_frames - 1, count).round().long()


def strided_indices(num_video_frames: int, count: int, step: int, mode: str, generator: torch.Generator | None = None) -> torch.Tensor:
    """``count`` indices (count,) ``step`` frames apart, starting at a random frame (``mode="random"``) or so that the
    run is centred in the video (``"center"``); a video shorter than the run repeats its last frame."""
    if num_video_frames < 1:
        raise ValueError("a video needs at least one frame")
    slack = max(num_video_frames - ((count - 1) * step + 1), 0)
    start = int(torch.randint(slack + 1, (), generator=generator)) if mode == "random" else slack // 2
    return (start + step * torch.arange(count)).clamp(max=num_video_frames - 1)


def clip_indices(num_video_frames: int, count: int, step: int, mode: str, generator: torch.Generator | None = None) -> torch.Tensor:
    """Frame indices (count,) of one clip: ``mode`` is "uniform" (over the whole video, ``step`` unused), "random" or
    "center" (``count`` frames ``step`` apart)."""
    if mode not in SAMPLINGS:
        raise ValueError(f"clip sampling {mode!r}; known: {list(SAMPLINGS)}")
    if mode == "uniform":
        return uniform_indices(num_video_frames, count)
    return strided_indices(num_video_frames, count, step, mode, generator)
