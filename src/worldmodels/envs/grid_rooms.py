"""A grid of rooms joined by doors (a maze of rooms): geometry, layout, moves, rendering and a batch of episodes.

Coordinates are pixel coordinates of a ``size`` × ``size`` image, as in Two Rooms: pixel i covers [i − 0.5, i + 0.5],
1-px border lines at ``border`` and ``size − 1 − border``. ``rooms`` × ``rooms`` rooms are separated by
``rooms − 1`` vertical and ``rooms − 1`` horizontal wall slabs ``2 · wall_half_width + 1`` px thick; each wall segment
between two neighbouring rooms either has a door ``2 · door_half_width + 1`` px wide or is closed. The doors form a
random spanning tree of the rooms (one way between any two rooms: a maze) drawn from ``layout_seed``, plus
``extra_doors`` random loops. The layout is fixed per geometry, so a world model learns it from the dot's moves alone.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

import torch

from worldmodels.envs.rooms import blob_image


def stop_at_walls(
    pos: torch.Tensor, displacement: torch.Tensor, is_free: Callable[[torch.Tensor], torch.Tensor], substeps: int
) -> torch.Tensor:
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


@dataclass(frozen=True)
class Door:
    """A door in the wall between room ``a`` and room ``b`` (room index = row · rooms + column).

    ``vertical``: the wall is vertical (the rooms are left/right neighbours) at x = ``wall``, and the door is centred on
    y = ``centre``; otherwise the wall is horizontal at y = ``wall`` and the door centred on x = ``centre``.
    """

    a: int
    b: int
    vertical: bool
    wall: float
    centre: float


@dataclass(frozen=True)
class GridRoomsGeometry:
    """A ``rooms`` × ``rooms`` grid of rooms in a ``size`` px image; doors from ``layout_seed`` (a maze plus ``extra_doors`` loops)."""

    rooms: int = 3
    size: int = 65
    border: int = 4
    wall_half_width: float = 1
    door_half_width: float = 3
    layout_seed: int = 0
    extra_doors: int = 0
    action_scale: float = 1.0
    substeps: int = 16
    blob_sigma: float = 1.3
    doors: tuple[Door, ...] = field(init=False)
    walls: torch.Tensor = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.rooms < 2:
            raise ValueError(f"rooms={self.rooms}: a grid needs at least 2 x 2 rooms")
        if min(self.room_spans()[i][1] - self.room_spans()[i][0] for i in range(self.rooms)) < 2 * self.door_half_width + 4:
            raise ValueError(
                f"size={self.size} is too small for {self.rooms} x {self.rooms} rooms with {2 * self.door_half_width + 1}-px doors"
            )
        object.__setattr__(self, "doors", self._draw_doors())
        object.__setattr__(self, "walls", self._draw_walls())  # fixed layout: rendered once, not on every observation

    @property
    def interior(self) -> tuple[float, float]:
        """Open interval of free coordinates inside the border walls."""
        return self.border + 0.5, self.size - 1 - self.border - 0.5

    @property
    def num_rooms(self) -> int:
        return self.rooms * self.rooms

    def wall_centres(self) -> list[float]:
        """The ``rooms − 1`` inner wall coordinates (the same for vertical walls' x and horizontal walls' y)."""
        low, high = self.interior
        thickness = 2 * self.wall_half_width + 1
        width = (high - low - (self.rooms - 1) * thickness) / self.rooms
        return [float(round(low + (i + 1) * width + i * thickness + thickness / 2 - 0.5)) for i in range(self.rooms - 1)]

    def room_spans(self) -> list[tuple[float, float]]:
        """Free coordinate interval of each room column (or row), (rooms,) pairs (low, high)."""
        low, high = self.interior
        edge = self.wall_half_width + 0.5
        centres = self.wall_centres()
        lows = [low] + [c + edge for c in centres]
        highs = [c - edge for c in centres] + [high]
        return list(zip(lows, highs, strict=True))

    def _draw_doors(self) -> tuple[Door, ...]:
        """A random spanning tree of the room grid (randomised Kruskal) plus ``extra_doors`` other wall segments."""
        generator = torch.Generator().manual_seed(self.layout_seed)
        n = self.rooms
        edges = [(r * n + c, r * n + c + 1) for r in range(n) for c in range(n - 1)] + [
            (r * n + c, (r + 1) * n + c) for r in range(n - 1) for c in range(n)
        ]
        order = torch.randperm(len(edges), generator=generator).tolist()
        parent = list(range(n * n))

        def root(i: int) -> int:
            while parent[i] != i:
                i = parent[i]
            return i

        tree, rest = [], []
        for index in order:
            a, b = edges[index]
            if root(a) != root(b):
                parent[root(a)] = root(b)
                tree.append(edges[index])
            else:
                rest.append(edges[index])
        chosen = sorted(tree + rest[: self.extra_doors])
        spans, centres = self.room_spans(), self.wall_centres()
        doors = []
        for a, b in chosen:
            vertical = b == a + 1
            along = spans[a // n] if vertical else spans[a % n]  # the door's row (vertical wall) or column (horizontal wall)
            lowest, highest = along[0] + self.door_half_width + 1.5, along[1] - self.door_half_width - 1.5
            centre = lowest + float(torch.randint(0, int(highest - lowest) + 1, (1,), generator=generator))
            wall = centres[a % n] if vertical else centres[a // n]
            doors.append(Door(a, b, vertical, wall, centre))
        return tuple(doors)

    def room_of(self, pos: torch.Tensor) -> torch.Tensor:
        """Positions (..., 2) -> room indices (...,) (row · rooms + column; a point inside a wall counts as the room before it)."""
        centres = torch.tensor(self.wall_centres(), dtype=pos.dtype)
        column = (pos[..., 0, None] > centres).sum(-1)
        row = (pos[..., 1, None] > centres).sum(-1)
        return row * self.rooms + column

    def room_distances(self) -> torch.Tensor:
        """(R, R) number of doors on the way between every two rooms (breadth-first search over the doors)."""
        neighbours: list[list[int]] = [[] for _ in range(self.num_rooms)]
        for door in self.doors:
            neighbours[door.a].append(door.b)
            neighbours[door.b].append(door.a)
        distances = torch.full((self.num_rooms, self.num_rooms), -1, dtype=torch.long)
        for source in range(self.num_rooms):
            distances[source, source] = 0
            queue = deque([source])
            while queue:
                room = queue.popleft()
                for other in neighbours[room]:
                    if distances[source, other] < 0:
                        distances[source, other] = distances[source, room] + 1
                        queue.append(other)
        return distances

    def is_free(self, pos: torch.Tensor) -> torch.Tensor:
        """Positions (..., 2) -> (...,) True where the dot is inside the border and not inside a wall (doors are free)."""
        low, high = self.interior
        x, y = pos[..., 0], pos[..., 1]
        free = (x > low) & (x < high) & (y > low) & (y < high)
        reach = self.wall_half_width + 0.5
        for centre in self.wall_centres():
            for across, along, vertical in ((x, y, True), (y, x, False)):
                in_slab = (across - centre).abs() < reach
                gaps = [
                    (along - d.centre).abs() <= self.door_half_width + 0.5
                    for d in self.doors
                    if d.vertical == vertical and d.wall == centre
                ]
                in_door = torch.stack(gaps).any(0) if gaps else torch.zeros_like(in_slab)
                free = free & (~in_slab | in_door)
        return free

    def move(self, pos: torch.Tensor, action: torch.Tensor) -> torch.Tensor:
        """One step: pos (B, 2) + action_scale · action (B, 2), stopped at the first wall on the segment."""
        return stop_at_walls(pos, self.action_scale * action, self.is_free, self.substeps)

    def wall_image(self) -> torch.Tensor:
        """(size, size) uint8, 255 on wall pixels: the border lines and the inner walls outside their doors."""
        return self.walls

    def _draw_walls(self) -> torch.Tensor:
        coords = torch.arange(self.size, dtype=torch.float32)
        ys, xs = torch.meshgrid(coords, coords, indexing="ij")
        low, high = self.border, self.size - 1 - self.border
        border = (((xs == low) | (xs == high)) & (ys >= low) & (ys <= high)) | (((ys == low) | (ys == high)) & (xs >= low) & (xs <= high))
        inside = (xs > low) & (xs < high) & (ys > low) & (ys < high)
        walls = border | (inside & ~self.is_free(torch.stack([xs, ys], dim=-1)))
        return (walls * 255).to(torch.uint8)

    def dot_image(self, pos: torch.Tensor) -> torch.Tensor:
        """Positions (B, 2) -> (B, size, size) uint8 Gaussian blobs."""
        return blob_image(pos, self.size, self.blob_sigma)

    def render(self, pos: torch.Tensor) -> torch.Tensor:
        """Positions (B, 2) -> observations (B, 2, size, size) uint8: the dot and the walls."""
        return torch.stack([self.dot_image(pos), self.wall_image().expand(len(pos), -1, -1)], dim=1)

    def sample_room_position(self, rooms: torch.Tensor, margin: float, generator: torch.Generator) -> torch.Tensor:
        """Positions (B, 2) uniform in the rooms (B,), ``margin`` px from their walls."""
        spans = torch.tensor(self.room_spans())
        column, row = spans[rooms % self.rooms], spans[rooms // self.rooms]  # (B, 2) each: (low, high)
        u = torch.rand(len(rooms), 2, generator=generator)
        x = column[:, 0] + margin + (column[:, 1] - column[:, 0] - 2 * margin) * u[:, 0]
        y = row[:, 0] + margin + (row[:, 1] - row[:, 0] - 2 * margin) * u[:, 1]
        return torch.stack([x, y], dim=1)

    def door_waypoints(self, door_index: torch.Tensor, room: torch.Tensor, pos: torch.Tensor, offset: float = 3.0) -> torch.Tensor:
        """Where to steer through doors (B,) from rooms (B,) at positions (B, 2): in front of the door on this side, or
        once level with it, ``offset`` px past the wall on the other side. (B, 2)."""
        table = torch.tensor([[d.a, d.vertical, d.wall, d.centre] for d in self.doors])[door_index]  # (B, 4)
        vertical, wall, centre = table[:, 1].bool(), table[:, 2], table[:, 3]
        before = torch.where(room == table[:, 0].long(), -1.0, 1.0)  # the side of the wall this room is on
        reach = self.wall_half_width + offset
        along = torch.where(vertical, pos[:, 1], pos[:, 0])
        level = (along - centre).abs() < self.door_half_width - 1
        across = torch.where(level, wall - before * reach, wall + before * reach)
        return torch.where(vertical[:, None], torch.stack([across, centre], 1), torch.stack([centre, across], 1))


class GridRoomsBatch:
    """B episodes of a grid-of-rooms world: positions and goals (B, 2); the walls (B, S, S) are the geometry's.

    Evaluation episodes put start and goal in rooms at least ``min_room_distance`` doors apart (``different_rooms``),
    ``margin`` px from the walls; otherwise both are uniform over the free space.
    """

    def __init__(self, geometry: GridRoomsGeometry, margin: float = 2.6, min_room_distance: int = 3) -> None:
        self.geometry, self.margin, self.min_room_distance = geometry, margin, min_room_distance
        self.pos = torch.zeros(0, 2)
        self.goal = torch.zeros(0, 2)
        self.walls = torch.zeros(0, geometry.size, geometry.size, dtype=torch.uint8)

    def reset(self, num_episodes: int, generator: torch.Generator, different_rooms: bool = True) -> None:
        """New starts and goals (rooms ``min_room_distance`` or more doors apart with ``different_rooms``)."""
        g = self.geometry
        if different_rooms:
            distances = g.room_distances()
            pairs = torch.nonzero(distances >= self.min_room_distance)
            if len(pairs) == 0:
                raise ValueError(
                    f"min_room_distance={self.min_room_distance}: no two rooms are that far apart "
                    f"(the farthest: {int(distances.max())} doors)"
                )
            chosen = pairs[torch.randint(0, len(pairs), (num_episodes,), generator=generator)]
            start_room, goal_room = chosen[:, 0], chosen[:, 1]
        else:
            start_room = torch.randint(0, g.num_rooms, (num_episodes,), generator=generator)
            goal_room = torch.randint(0, g.num_rooms, (num_episodes,), generator=generator)
        self.pos = g.sample_room_position(start_room, self.margin if different_rooms else 0.0, generator)
        self.goal = g.sample_room_position(goal_room, self.margin if different_rooms else 0.0, generator)
        self.walls = g.wall_image().expand(num_episodes, -1, -1).clone()

    def set_state(self, pos: torch.Tensor, goal: torch.Tensor) -> None:
        """Place episodes explicitly: positions and goals (B, 2)."""
        if not bool(self.geometry.is_free(pos).all()):
            raise ValueError(f"start positions {pos[~self.geometry.is_free(pos)].tolist()} lie inside a wall")
        self.pos, self.goal = pos.float().clone(), goal.float().clone()
        self.walls = self.geometry.wall_image().expand(len(pos), -1, -1).clone()

    def seed_noise(self, generator: torch.Generator) -> None:
        """Nothing to seed: the grid's walls stop the dot without noise."""

    def layouts(self) -> dict[str, torch.Tensor]:
        """Each episode's layout parameters: none (the grid's layout is the geometry's)."""
        return {}

    def step(self, action: torch.Tensor) -> torch.Tensor:
        """Actions (B, 2) -> new positions (B, 2)."""
        self.pos = self.geometry.move(self.pos, action.float())
        return self.pos

    def render(self, pos: torch.Tensor) -> torch.Tensor:
        """Observations (B, 2, S, S) uint8 of dots at positions (B, 2)."""
        return self.geometry.render(pos)

    def observation(self) -> torch.Tensor:
        """Current observations (B, 2, S, S) uint8."""
        return self.render(self.pos)

    def goal_observation(self) -> torch.Tensor:
        """Goal images (B, 2, S, S) uint8."""
        return self.geometry.render(self.goal)

    def distance_to_goal(self) -> torch.Tensor:
        """(B,) Euclidean pixel distance between the dot and its goal."""
        return (self.pos - self.goal).norm(dim=-1)

    def start_routes(self, generator: torch.Generator) -> torch.Tensor:
        """For the collection policy's door crossings: a random door of each episode's current room, (B,) door indices."""
        room = self.geometry.room_of(self.pos)
        touches = torch.tensor([[d.a == r or d.b == r for d in self.geometry.doors] for r in range(self.geometry.num_rooms)])[
            room
        ]  # (B, K)
        return torch.multinomial(touches.float(), 1, generator=generator)[:, 0]

    def region(self) -> torch.Tensor:
        """(B,) the room each dot is in."""
        return self.geometry.room_of(self.pos)

    def route_target(self, route: torch.Tensor) -> torch.Tensor:
        """Waypoints (B, 2) through the centres of the chosen doors ``route`` (B,)."""
        return self.geometry.door_waypoints(route, self.region(), self.pos)
