"""Small videos written with imageio-ffmpeg for the decord readers: class folders, a CSV, a corrupt file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from worldmodels.data import write_video

CLASSES = ("ball", "cube")


def moving_square(label: int, num_frames: int, size: int = 32, shift: int = 0) -> np.ndarray:
    """uint8 RGB frames (T, size, size, 3): a square that moves right one pixel per frame, red for class 0, green for 1,
    with a brightness ramp over time so frame order can be checked."""
    frames = np.zeros((num_frames, size, size, 3), np.uint8)
    for t in range(num_frames):
        frames[t, 8:20, 2 + shift + t : 14 + shift + t, label] = 60 + 10 * t
    return frames


@pytest.fixture
def square_frames() -> Callable[..., np.ndarray]:
    """``moving_square`` for tests that write their own videos."""
    return moving_square


@pytest.fixture
def video_root(tmp_path: Path) -> Path:
    """``train/<class>/<i>.mp4`` (3 per class, 12-20 frames) and ``val/<class>/<i>.mp4`` (1 per class) at 32 × 24 px."""
    for split, count in (("train", 3), ("val", 1)):
        for label, name in enumerate(CLASSES):
            for i in range(count):
                frames = moving_square(label, 12 + 4 * i)[:, 4:28]  # 24 rows: not square, to test the centre crop
                write_video(tmp_path / split / name / f"{i}.mp4", frames, fps=8, quality=10)
    return tmp_path
