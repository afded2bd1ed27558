"""A batch of two-room episodes: the one implementation of the dynamics that every caller steps.

The gymnasium environments wrap a batch of one; data collection steps many episodes at once, the planning evaluation
one batch per episode (each from its own seed). Start and goal follow the Two Rooms evaluation protocol: different
rooms, x uniform in each room ``margin`` px from the wall planes, y uniform in ``goal_y_range``, sides swapped with
probability 0.5. The collision noise comes from the batch's own generator, seeded from the reset's, so a replay of the
same seed and actions is exact.
"""

from __future__ import annotations

import torch

from worldmodels.envs.rooms import RoomsGeometry


class RoomsBatch:
    """B episodes of a two-room world: positions (B, 2), layouts (B,), goals (B, 2), wall images (B, S, S)."""

    def __init__(self, geometry: RoomsGeometry, margin: float = 2.6, goal_y_range: tuple[float, float] = (6.6, 57.4)) -> None:
        self.geometry = geometry
        self.margin = margin
        self.goal_y_range = tuple(goal_y_range)
        self.pos = torch.zeros(0, 2)
        self.goal = torch.zeros(0, 2)
        self.wall_x = torch.zeros(0)
        self.door_y = torch.zeros(0)
        self.walls = torch.zeros(0, geometry.size, geometry.size, dtype=torch.uint8)
        self.noise = torch.Generator().manual_seed(0)

    def seed_noise(self, generator: torch.Generator) -> None:
        """Seed the collision noise from one draw of ``generator`` (after the episode's layout, start and goal)."""
        self.noise = torch.Generator().manual_seed(int(torch.randint(2**62, (1,), generator=generator)))

    def reset(self, num_episodes: int, generator: torch.Generator, different_rooms: bool = True) -> None:
        """New layouts, starts and goals; with ``different_rooms`` start and goal lie in different rooms."""
        g = self.geometry
        self.wall_x, self.door_y = g.sample_layouts(num_episodes, generator)
        if different_rooms:
            side = (torch.rand(num_episodes, generator=generator) < 0.5).long()
            self.pos = g.sample_room_position(self.wall_x, side, self.margin, self.goal_y_range, generator)
            self.goal = g.sample_room_position(self.wall_x, 1 - side, self.margin, self.goal_y_range, generator)
        else:
            self.pos = g.sample_free_positions(self.wall_x, self.door_y, generator)
            self.goal = g.sample_free_positions(self.wall_x, self.door_y, generator)
        self.walls = g.wall_image(self.wall_x, self.door_y)
        self.seed_noise(generator)

    def set_state(self, pos: torch.Tensor, goal: torch.Tensor, wall_x: torch.Tensor, door_y: torch.Tensor, noise_seed: int = 0) -> None:
        """Place episodes explicitly: positions and goals (B, 2), layouts (B,); the collision noise from ``noise_seed``."""
        if not bool(self.geometry.is_free(pos, wall_x, door_y).all()):
            raise ValueError(f"start positions {pos[~self.geometry.is_free(pos, wall_x, door_y)].tolist()} lie inside a wall")
        self.pos, self.goal = pos.float().clone(), goal.float().clone()
        self.wall_x, self.door_y = wall_x.float().clone(), door_y.float().clone()
        self.walls = self.geometry.wall_image(self.wall_x, self.door_y)
        self.noise = torch.Generator().manual_seed(noise_seed)

    def step(self, action: torch.Tensor) -> torch.Tensor:
        """Actions (B, 2) in the action box -> new positions (B, 2); two standard normals per episode and step are drawn
        for the collision noise, whether or not a wall is met."""
        noise = torch.randn(len(self.pos), 2, generator=self.noise)
        self.pos = self.geometry.move(self.pos, action.float(), self.wall_x, self.door_y, noise)
        return self.pos

    def render(self, pos: torch.Tensor) -> torch.Tensor:
        """Observations (B, 2, S, S) uint8 of dots at positions (B, 2) in the episodes' layouts."""
        return self.geometry.render(pos, self.walls)

    def observation(self) -> torch.Tensor:
        """Current observations (B, 2, S, S) uint8."""
        return self.render(self.pos)

    def goal_observation(self) -> torch.Tensor:
        """Goal images (B, 2, S, S) uint8, rendered with the episode's walls."""
        return self.geometry.render(self.goal, self.walls)

    def distance_to_goal(self) -> torch.Tensor:
        """(B,) Euclidean pixel distance between the dot and its goal."""
        return (self.pos - self.goal).norm(dim=-1)

    def layouts(self) -> dict[str, torch.Tensor]:
        """Each episode's layout parameters, (B,) each: its wall column and door row."""
        return {"wall_x": self.wall_x, "door_y": self.door_y}

    def region(self) -> torch.Tensor:
        """(B,) the room each dot is in: 0 left of the wall, 1 right of it."""
        return self.geometry.side(self.pos, self.wall_x)

    def start_routes(self, generator: torch.Generator) -> torch.Tensor:
        """The door each episode's crossing steers through (B,): the only one (draws nothing from ``generator``)."""
        return torch.zeros(len(self.pos), dtype=torch.long)

    def route_target(self, route: torch.Tensor) -> torch.Tensor:
        """(B, 2): a point past the wall when level with the door's row, else the point just in front of it on this side."""
        g = self.geometry
        side = g.side(self.pos, self.wall_x).float()
        offset = (g.wall_half_width + 3.0) * (1 - 2 * side)  # toward the other side of the wall
        level = (self.pos[:, 1] - self.door_y).abs() < g.door_half_height - 1
        x = torch.where(level, self.wall_x + offset, self.wall_x - offset)
        return torch.stack([x, self.door_y], dim=1)
