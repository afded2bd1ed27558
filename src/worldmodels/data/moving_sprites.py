"""Bouncing sprites on a square canvas: the physics and the rendering behind Moving-MNIST-style clips.

A scene is described by arrays over T frames and O objects: top-left ``positions`` (T, O, 2) in pixels (row, col),
the sprite each object shows (``sprite_ids`` (T, O)) and whether it is drawn (``visible`` (T, O)). Objects move
in straight lines and bounce elastically off the canvas borders (their sprite box never leaves the canvas).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F


@dataclass
class Scene:
    """Where every object is, what it shows and whether it is drawn, frame by frame (shapes (T, O, 2), (T, O), (T, O))."""

    positions: np.ndarray
    sprite_ids: np.ndarray
    visible: np.ndarray


def resize_sprites(images: torch.Tensor, size: int) -> torch.Tensor:
    """uint8 images (N, h, w) -> uint8 sprites (N, size, size), area-averaged when shrinking."""
    if images.shape[-1] == size and images.shape[-2] == size:
        return images
    resized = F.interpolate(images[:, None].float(), size=(size, size), mode="area" if size < images.shape[-1] else "bilinear")
    return resized[:, 0].round().clamp(0, 255).to(torch.uint8)


def random_motion(rng: np.random.Generator, num_objects: int, travel: float, speed: tuple[float, float]) -> tuple[np.ndarray, np.ndarray]:
    """Start positions (O, 2) uniform in [0, travel]² and velocities (O, 2) of magnitude uniform in ``speed``, any direction."""
    start = rng.uniform(0.0, travel, (num_objects, 2))
    angle = rng.uniform(0.0, 2 * np.pi, num_objects)
    magnitude = rng.uniform(*speed, num_objects)
    return start, np.stack([np.sin(angle), np.cos(angle)], axis=1) * magnitude[:, None]


def bounce(start: np.ndarray, velocity: np.ndarray, length: int, travel: float, walls: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Positions and velocities (length, O, 2) from ``start`` (O, 2) moving at ``velocity`` (O, 2) for ``length`` frames.

    Frame 0 is ``start``. With ``walls`` a coordinate that leaves [0, travel] is reflected back and its velocity
    flips (an elastic bounce); without, objects move in straight lines and may leave the canvas.
    """
    positions, velocities = np.empty((length, *start.shape)), np.empty((length, *start.shape))
    position, speed = start.astype(float).copy(), velocity.astype(float).copy()
    for t in range(length):
        positions[t], velocities[t] = position, speed
        position = position + speed
        if walls:
            low, high = position < 0, position > travel
            position = np.where(low, -position, np.where(high, 2 * travel - position, position))
            speed = np.where(low | high, -speed, speed)
    return positions, velocities


def render(scene: Scene, sprites: torch.Tensor, canvas_size: int) -> torch.Tensor:
    """Draw a scene: uint8 frames (T, canvas_size, canvas_size), overlapping sprites combined by maximum.

    ``sprites`` (N, s, s) uint8 are indexed by ``scene.sprite_ids``; positions are rounded to pixels and sprites
    partly outside the canvas are clipped.
    """
    frames = torch.zeros(scene.positions.shape[0], canvas_size, canvas_size, dtype=torch.uint8)
    size = sprites.shape[-1]
    corners = np.rint(scene.positions).astype(int)
    for t, o in zip(*np.nonzero(scene.visible), strict=True):
        top, left = corners[t, o]
        rows = slice(max(top, 0), min(top + size, canvas_size))
        cols = slice(max(left, 0), min(left + size, canvas_size))
        if rows.start >= rows.stop or cols.start >= cols.stop:
            continue
        patch = sprites[scene.sprite_ids[t, o], rows.start - top : rows.stop - top, cols.start - left : cols.stop - left]
        frames[t, rows, cols] = torch.maximum(frames[t, rows, cols], patch)
    return frames
