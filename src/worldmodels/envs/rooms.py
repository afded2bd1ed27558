"""Two-room geometry shared by the environments, the data collector and the tests: layouts, moves, rendering.

Coordinates are pixel coordinates of a ``size`` × ``size`` image: pixel i covers [i − 0.5, i + 0.5]. Collisions are
tested against planes through pixel centres, as in the reference's evaluation env: the border planes x, y = ``border``
and ``size − 1 − border`` (the dot moves in the open square between them); the inner wall is the slab
|x − wall_x| ≤ ``wall_half_width``, open only for |y − door_y| ≤ ``door_half_height``. Everything is batched over
environments: positions (B, 2) as (x, y), layouts as (B,) wall columns and door rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch


def blob_image(pos: torch.Tensor, size: int, sigma: float) -> torch.Tensor:
    """Positions (B, 2) -> (B, size, size) uint8 Gaussian blobs 255 · exp(−d² / (2σ²)) centred on (x, y) = (column, row)."""
    coords = torch.arange(size, dtype=torch.float32)
    columns = torch.exp(-(coords - pos[:, 0, None].float()).square() / (2 * sigma**2))  # (B, size): the Gaussian is separable
    rows = torch.exp(-(coords - pos[:, 1, None].float()).square() / (2 * sigma**2))
    return (255.0 * rows[:, :, None] * columns[:, None, :]).round().to(torch.uint8)


@dataclass(frozen=True)
class RoomsGeometry:
    """The fixed parameters of a two-room world (Two Rooms: 65 px, the slab |x − wall_x| ≤ 1, an 8-px passage).

    A move that meets a wall plane stops there, then moves by noise N(0, ``collision_noise``²) on each axis with its
    component normal to the wall pointing away from it, and is kept ``inside_margin`` px or more inside the free region
    (the reference's evaluation env). The noise is drawn by the caller (``move``'s ``noise``), so a replay is exact.
    """

    size: int = 65
    border: int = 4
    wall_half_width: float = 1.0
    door_half_height: float = 4.0
    wall_x_range: tuple[float, float] = (20, 44)
    door_y_range: tuple[float, float] = (10, 54)
    action_scale: float = 1.0
    collision_noise: float = 0.5
    inside_margin: float = 0.3
    blob_sigma: float = 1.3

    @property
    def interior(self) -> tuple[float, float]:
        """The border planes: the dot moves in the open square between them."""
        return float(self.border), float(self.size - 1 - self.border)

    def sample_layouts(self, n: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        """n random layouts: wall columns (n,) and door rows (n,), integers, uniform over the ranges."""
        wall_x = self.wall_x_range[0] + torch.randint(0, int(self.wall_x_range[1] - self.wall_x_range[0]) + 1, (n,), generator=generator)
        door_y = self.door_y_range[0] + torch.randint(0, int(self.door_y_range[1] - self.door_y_range[0]) + 1, (n,), generator=generator)
        return wall_x.float(), door_y.float()

    def is_free(self, pos: torch.Tensor, wall_x: torch.Tensor, door_y: torch.Tensor) -> torch.Tensor:
        """Positions (..., B, 2) -> (..., B) True where the dot is inside the border planes and not in the wall's slab
        outside the door."""
        low, high = self.interior
        x, y = pos[..., 0], pos[..., 1]
        inside = (x > low) & (x < high) & (y > low) & (y < high)
        in_slab = (x - wall_x).abs() <= self.wall_half_width
        in_door = (y - door_y).abs() <= self.door_half_height
        return inside & (~in_slab | in_door)

    def first_contact(
        self, pos: torch.Tensor, move: torch.Tensor, wall_x: torch.Tensor, door_y: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Where the segments pos (B, 2) → pos + move (B, 2) first meet a wall plane: the fraction of the move (B,)
        (inf where they meet none) and the plane's normal axis (B,) (0: a plane x = const, 1: y = const).

        Planes met: the four border planes, the slab's faces x = wall_x ± wall_half_width outside the door, and inside
        the slab the door's edges y = door_y ± door_half_height."""
        low, high = self.interior
        x, y, dx, dy = pos[:, 0], pos[:, 1], move[:, 0], move[:, 1]
        inf = torch.full_like(x, float("inf"))

        def reach(start: torch.Tensor, speed: torch.Tensor, plane: torch.Tensor | float) -> torch.Tensor:
            """The fraction at which a coordinate moving from ``start`` at ``speed`` reaches ``plane`` ((B,); inf never)."""
            t = (plane - start) / torch.where(speed == 0, torch.ones_like(speed), speed)
            return torch.where((speed != 0) & (t >= 0), t, inf)

        border_x = reach(x, dx, torch.where(dx > 0, high, low))
        border_y = reach(y, dy, torch.where(dy > 0, high, low))
        outside = (x - wall_x).abs() > self.wall_half_width
        enter = torch.where(outside, reach(x, dx, wall_x - torch.sign(dx) * self.wall_half_width), torch.zeros_like(x))  # into the slab
        leave = reach(x, dx, wall_x + torch.sign(dx) * self.wall_half_width)
        at_face = (y + enter.clamp_max(1) * dy - door_y).abs() > self.door_half_height
        t_face = torch.where(outside & at_face, enter, inf)  # a face outside the door
        edge = reach(y, dy, door_y + torch.sign(dy) * self.door_half_height)
        t_edge = torch.where((edge >= enter) & (edge <= leave) & torch.isfinite(enter), edge, inf)
        times = torch.stack([border_x, border_y, t_face, t_edge], dim=1)  # (B, 4)
        t, which = times.min(dim=1)
        axis = torch.tensor([0, 1, 0, 1])[which]
        return t, axis

    def move(
        self, pos: torch.Tensor, action: torch.Tensor, wall_x: torch.Tensor, door_y: torch.Tensor, noise: torch.Tensor | None = None
    ) -> torch.Tensor:
        """One step: pos (B, 2) + action_scale · action (B, 2). A move that meets a wall plane stops on it, adds
        ``collision_noise`` · ``noise`` (B, 2) standard normals (None: no noise) with the normal component pointing away
        from the wall, and is kept ``inside_margin`` px inside the free region."""
        displacement = self.action_scale * action
        t, axis = self.first_contact(pos, displacement, wall_x, door_y)
        blocked = t <= 1
        stop = pos + t.clamp_max(1)[:, None] * displacement  # on the plane where blocked
        normal = torch.nn.functional.one_hot(axis, 2).to(pos.dtype)  # (B, 2)
        heading = (displacement * normal).sum(1, keepdim=True).sign()  # the move's sign along the normal: into the wall
        jitter = torch.zeros_like(pos) if noise is None else self.collision_noise * noise
        jitter = jitter * (1 - normal) - heading * jitter.abs() * normal  # normal component away from the wall
        noisy = self._keep_inside(stop + jitter, stop, normal, heading)
        plain = self._keep_inside(stop, stop, normal, heading)
        landed = torch.where(
            self.is_free(noisy, wall_x, door_y)[:, None], noisy, torch.where(self.is_free(plain, wall_x, door_y)[:, None], plain, pos)
        )
        return torch.where(blocked[:, None], landed, pos + displacement)

    def _keep_inside(self, point: torch.Tensor, contact: torch.Tensor, normal: torch.Tensor, heading: torch.Tensor) -> torch.Tensor:
        """``point`` (B, 2) moved to at least ``inside_margin`` px before the plane through ``contact`` (B, 2) with unit
        ``normal`` (B, 2) that a move along ``heading`` (B, 1) (its sign on the normal) met, and inside the border planes."""
        low, high = self.interior
        m = self.inside_margin
        along = (point * normal).sum(1, keepdim=True)
        plane = (contact * normal).sum(1, keepdim=True)
        limited = torch.where(heading > 0, along.clamp_max(plane - m), along.clamp_min(plane + m))
        point = point * (1 - normal) + limited * normal
        return point.clamp(low + m, high - m)

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

    def sample_room_position(
        self, wall_x: torch.Tensor, side: torch.Tensor, margin: float, y_range: tuple[float, float], generator: torch.Generator
    ) -> torch.Tensor:
        """Positions (B, 2) uniform in the room on ``side`` (B,), ``margin`` px from the inner and outer walls."""
        low, high = self.interior
        wall_low = wall_x - self.wall_half_width
        wall_high = wall_x + self.wall_half_width
        x_min = torch.where(side == 0, torch.full_like(wall_x, low), wall_high) + margin
        x_max = torch.where(side == 0, wall_low, torch.full_like(wall_x, high)) - margin
        u = torch.rand(len(wall_x), 2, generator=generator)
        x = x_min + (x_max - x_min) * u[:, 0]
        y = y_range[0] + (y_range[1] - y_range[0]) * u[:, 1]
        return torch.stack([x, y], dim=1)


TWO_ROOMS = RoomsGeometry()
WALL = RoomsGeometry(
    wall_half_width=2.5, wall_x_range=(31.5, 31.5), action_scale=2.0, collision_noise=0.0
)  # DINO-WM: 6-px wall at x = 32, no noise
