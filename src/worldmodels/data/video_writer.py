"""Writing frames to an mp4 with the ffmpeg binary that imageio-ffmpeg ships (no system ffmpeg needed)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch


def write_video(path: str | Path, frames: torch.Tensor | np.ndarray, fps: float = 8.0, quality: float = 9.0, scale: int = 1) -> Path:
    """Write uint8 frames (T, H, W) grey or (T, H, W, 3) RGB to ``path`` (H.264, yuv420p; odd sides are rounded up
    to even ones by ffmpeg), each pixel repeated ``scale`` × ``scale`` times (for a look at small frames).
    ``quality`` 1-10 (10: nearly lossless). Needs the ``imageio-ffmpeg`` package."""
    try:
        import imageio_ffmpeg
    except ImportError as error:
        raise ImportError("writing videos needs imageio-ffmpeg: pip install imageio-ffmpeg") from error
    array = np.asarray(frames, dtype=np.uint8)
    if array.ndim == 3:
        array = np.repeat(array[..., None], 3, axis=-1)
    if array.ndim != 4 or array.shape[-1] != 3:
        raise ValueError(f"frames must be (T, H, W) or (T, H, W, 3) uint8, got shape {tuple(array.shape)}")
    array = array.repeat(scale, axis=1).repeat(scale, axis=2)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = imageio_ffmpeg.write_frames(str(path), (array.shape[2], array.shape[1]), fps=fps, quality=quality, macro_block_size=2)
    writer.send(None)
    for frame in array:
        writer.send(np.ascontiguousarray(frame))
    writer.close()
    return path
