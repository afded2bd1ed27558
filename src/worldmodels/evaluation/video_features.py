"""Frozen features of whole videos: N frames sampled evenly, encoded clip by clip, kept as tokens or pooled."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import torch
from torch import nn

from worldmodels.data.clip_sampling import uniform_indices
from worldmodels.data.video_clips import decode_frames, resize_frames
from worldmodels.data.video_files import count_frames


def sample_video(path: Path, num_frames: int, image_size: int, channels: int = 3) -> tuple[torch.Tensor, torch.Tensor]:
    """``num_frames`` frames spread evenly over the video -> uint8 clip (channels, num_frames, S, S) and the indices (N,)."""
    indices = uniform_indices(count_frames(path), num_frames)
    return resize_frames(decode_frames(str(path), indices), image_size, channels), indices


@torch.no_grad()
def encode_video(encoder: nn.Module, clip: torch.Tensor, clip_frames: int, batch_size: int = 8, tokens: bool = False) -> torch.Tensor:
    """A normalised clip (C, N, H, W) cut into N / ``clip_frames`` consecutive clips, encoded ``batch_size`` at a time
    on the encoder's device -> tokens (N / clip_frames · K, D) in time order, or their mean (D,); on the CPU."""
    channels, frames = clip.shape[:2]
    if frames % clip_frames:
        raise ValueError(f"{frames} sampled frames do not split into clips of {clip_frames}: make num_frames a multiple of clip_frames")
    device = next(encoder.parameters()).device
    clips = clip.view(channels, frames // clip_frames, clip_frames, *clip.shape[2:]).transpose(0, 1)  # (chunks, C, clip_frames, H, W)
    outputs = [encoder(clips[i : i + batch_size].to(device)).flatten(0, 1).cpu() for i in range(0, len(clips), batch_size)]
    features = torch.cat(outputs)
    return features if tokens else features.mean(dim=0)


def normalizer(mean: float | list[float], std: float | list[float]) -> Callable[[torch.Tensor], torch.Tensor]:
    """uint8 clips (C, T, H, W) -> float, scaled to [0, 1] and standardised per channel."""
    mean_t = torch.tensor(mean, dtype=torch.float32).reshape(-1, 1, 1, 1)
    std_t = torch.tensor(std, dtype=torch.float32).reshape(-1, 1, 1, 1)
    return lambda clip: (clip.float() / 255.0 - mean_t) / std_t
