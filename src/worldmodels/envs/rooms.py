"""Two-room geometry shared by the environments, the data collector and the tests: layouts, moves, rendering.

Coordinates are pixel coordinates of a ``size`` × ``size`` image: pixel i covers [i − 0.5, i + 0.5]. Border
walls are 1-px lines at ``border`` and ``size − 1 − border``; the inner wall is a vertical slab of
``2 · wall_half_width + 1`` pixels centred on column ``wall_x`` with a door of half-height
``door_half_height`` around row ``door_y``. Everything is batched over environments: positions (B, 2) as
(x, y), layouts as (B,) wall columns and door rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch


def stop_at_walls(pos: torch.Tensor, displacement: torch.Tensor, is_free: Callable[[torch.Tensor], torch.Tensor], substeps: int) -> torch.Tensor:
    """Move pos (B, 2) by displacement (B, 2), stopped at the first blocked point on the segment.

    The segment is checked at ``substeps`` points (``is_free`` maps points (S, B, 2) to (S, B) bool); the dot ends at
    the last free point before the first blocked one, so it never crosses a wall thicker than |displacement| / substeps
    and stops within that distance of it.
    """
    fractions = torch.arange(1, substeps + 1, dtype=pos.dtype, device=pos.device) / substeps
    points = pos + fractions[:, None, None] * displacement  # (S, B, 2)
    reachable = is_free(points).long().cumprod(0)  # 1 until the first blocked point
    last = reachable.sum(0)  # number of free points before the first blocked one
    start_and_points = torch.cat([pos[None], points])  # (S + 1, B, 2)
    return start_and_points.gather(0, last[None, :, None].expand(1, -1, 2))[0]


def blob_image(pos: torch.Tensor, size: int, sigma: float) -> torch.Tensor:
    """Positions (B, 2) -> (B, size, size) uint8 Gaussian blobs 255 · exp(−d² / (2σ²)) centred on (x, y) = (column, row)."""
    coords = torch.arange(size, dtype=torch.float32)
    columns = torch.exp(-(coords - pos[:, 0, None].float()).square() / (2 * sigma**2))  # (B, size): the Gaussian is separable
    rows = torch.exp(-(coords - pos[:, 1, None].float()).square() / (2 * sigma**2))
    return (255.0 * rows[:, :, None] * columns[:, None, :]).round().to(torch.uint8)


@dataclass(frozen=True)
class RoomsGeometry:
    """The fixed parameters of a two-room world (Two Rooms: 65 px, 3-px wall, 9-px door)."""

    size: int = 65
    border: int = 4
    wall_half_width: float = 1
    door_half_height: float = 4
    wall_x_range: tuple[float, float] = (20, 44)
    door_y_range: tuple[float, float] = (10, 54)
    action_scale: float = 1.0
    substeps: int = 16
    blob_sigma: float = 1.3

    @property
    def interior(self) -> tuple[float, float]:
        """Open interval of free coordinates inside the border walls."""
        return self.border + 0.5, self.size - 1 - self.border - 0.5

    def sample_layouts(self, n: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        """n random layouts: wall columns (n,) and door rows (n,), integers, uniform over the ranges."""
        wall_x = self.wall_x_range[0] + torch.randint(0, int(self.wall_x_range[1] - self.wall_x_range[0]) + 1, (n,), generator=generator)
        door_y = self.door_y_range[0] + torch.randint(0, int(self.door_y_range[1] - self.door_y_range[0]) + 1, (n,), generator=generator)
        return wall_x.float(), door_y.float()

    def is_free(self, pos: torch.Tensor, wall_x: torch.Tensor, door_y: torch.Tensor) -> torch.Tensor:
        """Positions (..., B, 2) -> (..., B) True where the dot is not inside a wall."""
        low, high = self.interior
        x, y = pos[..., 0], pos[..., 1]
        inside = (x > low) & (x < high) & (y > low) & (y < high)
        in_slab = (x - wall_x).abs() < self.wall_half_width + 0.5
        in_door = (y - door_y).abs() <= self.door_half_height + 0.5
        return inside & (~in_slab | in_door)

    def move(self, pos: torch.Tensor, action: torch.Tensor, wall_x: torch.Tensor, door_y: torch.Tensor) -> torch.Tensor:
        """One step: pos (B, 2) + action_scale · action (B, 2), stopped at the first wall on the segment (``stop_at_walls``)."""
        return stop_at_walls(pos, self.action_scale * action, lambda points: self.is_free(points, wall_x, door_y), self.substeps)

    def side(self, pos: torch.Tensor, wall_x: torch.Tensor) -> torch.Tensor:
        """(B, 2) -> (B,) 0 left of the wall, 1 right of it."""
        return (pos[..., 0] > wall_x).long()

    def wall_image(self, wall_x: torch.Tensor, door_y: torch.Tensor) -> torch.Tensor:
        """Layouts (B,) -> walls (B, size, size) uint8, 255 on wall pixels (border lines and the inner wall)."""
        coords = torch.arange(self.size, dtype=torch.float32)
        ys, xs = coords[:, None], coords[None, :]
        low, high = self.border, self.size - 1 - self.border
        border = (((xs == low) | (xs == high)) & (ys >= low) & (ys <= high)) | (((ys == low) | (ys == high)) & (xs >= low) & (xs <= high))
        in_slab = (xs - wall_x[:, None, None]).abs() <= self.wall_half_width
        in_door = (ys - door_y[:, None, None]).abs() <= self.door_half_height
        inner = in_slab & ~in_door & (ys > low) & (ys < high)
        return ((border | inner) * 255).to(torch.uint8)

    def dot_image(self, pos: torch.Tensor) -> torch.Tensor:
        """Positions (B, 2) -> (B, size, size) uint8 Gaussian blob 255 · exp(−d² / (2σ²))."""
        return blob_image(pos, self.size, self.blob_sigma)

    def render(self, pos: torch.Tensor, walls: torch.Tensor) -> torch.Tensor:
        """Positions (B, 2) and wall images (B, size, size) -> observations (B, 2, size, size) uint8."""
        return torch.stack([self.dot_image(pos), walls], dim=1)

    def sample_free_positions(self, wall_x: torch.Tensor, door_y: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        """Uniform free interior positions (B, 2) for the layouts (rejection sampling)."""
        low, high = self.interior
        pos = torch.empty(len(wall_x), 2)
        todo = torch.ones(len(wall_x), dtype=torch.bool)
        while todo.any():
            draw = low + (high - low) * torch.rand(int(todo.sum()), 2, generator=generator)
            pos[todo] = draw
            todo = ~self.is_free(pos, wall_x, door_y)
        return pos

    def sample_room_position(self, wall_x: torch.Tensor, side: torch.Tensor, margin: float, y_range: tuple[float, float], generator: torch.Generator) -> torch.Tensor:
        """Positions (B, 2) uniform in the room on ``side`` (B,), ``margin`` px from the inner and outer walls."""
        low, high = self.interior
        wall_low = wall_x - self.wall_half_width - 0.5
        wall_high = wall_x + self.wall_half_width + 0.5
        x_min = torch.where(side == 0, torch.full_like(wall_x, low), wall_high) + margin
        x_max = torch.where(side == 0, wall_low, torch.full_like(wall_x, high)) - margin
        u = torch.rand(len(wall_x), 2, generator=generator)
        x = x_min + (x_max - x_min) * u[:, 0]
        y = y_range[0] + (y_range[1] - y_range[0]) * u[:, 1]
        return torch.stack([x, y], dim=1)


TWO_ROOMS = RoomsGeometry()
WALL = RoomsGeometry(wall_half_width=2.5, wall_x_range=(31.5, 31.5), action_scale=2.0)  # DINO-WM: 6-px wall at x = 32
