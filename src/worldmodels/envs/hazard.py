"""Two Rooms with a forbidden zone: a hazard box between start and goal that the dot may cross but should not.

The hazard is invisible in the observations (the walls and the dot only): a planner can only avoid it through a
guardrail learned from labelled states (``RoomsWorld.labelled_observations``). Episodes put start and goal in the same
room on either side of the hazard, so the straight way between them crosses it.
"""

from __future__ import annotations

import torch

from worldmodels.envs.rooms import RoomsGeometry
from worldmodels.envs.rooms_batch import RoomsBatch


def in_box(pos: torch.Tensor, box: torch.Tensor, margin: float = 0.0) -> torch.Tensor:
    """Positions (..., 2) -> (...,) True inside the box (x0, y0, x1, y1) grown by ``margin`` px on every side."""
    return (
        (pos[..., 0] >= box[0] - margin)
        & (pos[..., 0] <= box[2] + margin)
        & (pos[..., 1] >= box[1] - margin)
        & (pos[..., 1] <= box[3] + margin)
    )


class HazardRoomsBatch(RoomsBatch):
    """Two-room episodes with a hazard box (4,) = (x0, y0, x1, y1) px: ``entered`` (B,) records which dots have been
    inside it. Starts and goals are uniform free positions in the same room, ``clearance`` px or more outside the
    hazard, whose straight segment crosses it (rejection sampling)."""

    def __init__(
        self,
        geometry: RoomsGeometry,
        hazard: tuple[float, float, float, float],
        clearance: float = 5.0,
        margin: float = 2.6,
        goal_y_range: tuple[float, float] = (6.6, 57.4),
    ) -> None:
        super().__init__(geometry, margin, goal_y_range)
        self.hazard = torch.tensor(hazard, dtype=torch.float32)
        self.clearance = clearance
        self.entered = torch.zeros(0, dtype=torch.bool)

    def reset(self, num_episodes: int, generator: torch.Generator, different_rooms: bool = True) -> None:
        """New layouts and start/goal pairs across the hazard (``different_rooms`` is ignored: both lie in one room)."""
        g = self.geometry
        self.wall_x, self.door_y = g.sample_layouts(num_episodes, generator)
        self.pos, self.goal = torch.zeros(num_episodes, 2), torch.zeros(num_episodes, 2)
        todo = torch.ones(num_episodes, dtype=torch.bool)
        fractions = torch.linspace(0, 1, 33)[:, None, None]
        for _ in range(10_000):
            if not todo.any():
                break
            start = g.sample_free_positions(self.wall_x[todo], self.door_y[todo], generator)
            goal = g.sample_free_positions(self.wall_x[todo], self.door_y[todo], generator)
            crosses = in_box(start + fractions * (goal - start), self.hazard).any(0)
            clear = ~in_box(start, self.hazard, self.clearance) & ~in_box(goal, self.hazard, self.clearance)
            same_room = g.side(start, self.wall_x[todo]) == g.side(goal, self.wall_x[todo])
            accepted = crosses & clear & same_room
            index = torch.nonzero(todo).flatten()[accepted]
            self.pos[index], self.goal[index] = start[accepted], goal[accepted]
            todo[index] = False
        if todo.any():
            raise ValueError(f"hazard {self.hazard.tolist()}: found no start/goal pairs across it in the same room; place it inside a room")
        self.walls = g.wall_image(self.wall_x, self.door_y)
        self.entered = torch.zeros(num_episodes, dtype=torch.bool)
        self.seed_noise(generator)

    def set_state(self, pos: torch.Tensor, goal: torch.Tensor, wall_x: torch.Tensor, door_y: torch.Tensor, noise_seed: int = 0) -> None:
        """Place episodes explicitly (see ``RoomsBatch.set_state``); none has entered the hazard yet."""
        super().set_state(pos, goal, wall_x, door_y, noise_seed)
        self.entered = in_box(self.pos, self.hazard)

    def step(self, action: torch.Tensor) -> torch.Tensor:
        """Actions (B, 2) -> new positions (B, 2); marks the episodes whose dot is now inside the hazard."""
        pos = super().step(action)
        self.entered = self.entered | in_box(pos, self.hazard)
        return pos
