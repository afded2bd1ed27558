"""Gymnasium environments Two Rooms (EB-JEPA's random-wall setting), Wall (DINO-WM's) and Grid Rooms (a maze of rooms), pixels-in."""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np
import torch

from worldmodels.envs.grid_rooms import GridRoomsBatch, GridRoomsGeometry
from worldmodels.envs.rooms import TWO_ROOMS, WALL, RoomsGeometry
from worldmodels.envs.rooms_batch import RoomsBatch


class RoomsEnv(gym.Env):
    """A dot in two rooms joined by a door; the goal is a rendered goal image with the same walls.

    Observation: uint8 (2, S, S): channel 0 the dot as a Gaussian blob, channel 1 the walls. Action: 2-D
    displacement in [−max_action, max_action]². Reward: minus the pixel distance to the goal; episodes never
    terminate on their own (success is judged at the final step by the evaluation protocol); the registered
    ids add a 200-step time limit. ``reset(options={"pos", "goal", "wall_x", "door_y"})`` places an episode (a grid of
    rooms takes only "pos" and "goal": its layout is fixed).
    """

    metadata = {"render_modes": ["rgb_array"], "render_fps": 10}

    def __init__(
        self,
        geometry: RoomsGeometry | GridRoomsGeometry = TWO_ROOMS,
        max_action: float = 2.45,
        render_mode: str | None = "rgb_array",
        different_rooms: bool = True,
        batch: RoomsBatch | GridRoomsBatch | None = None,
    ) -> None:
        if render_mode not in (None, "rgb_array"):
            raise ValueError(f"render_mode={render_mode!r} is not supported; use 'rgb_array' or None")
        self.render_mode = render_mode
        self.geometry = geometry
        self.different_rooms = different_rooms
        self.batch = batch if batch is not None else RoomsBatch(geometry)
        size = geometry.size
        self.observation_space = gym.spaces.Box(0, 255, (2, size, size), np.uint8)
        self.action_space = gym.spaces.Box(-max_action, max_action, (2,), np.float32)
        self._generator = torch.Generator()

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None) -> tuple[np.ndarray, dict[str, Any]]:
        super().reset(seed=seed)
        self._generator.manual_seed(int(self.np_random.integers(2**62)))
        if options:
            state = {key: torch.as_tensor(np.asarray(value, dtype=np.float32)).reshape(1, -1).squeeze(-1) for key, value in options.items()}
            self.batch.set_state(**state)
            self.batch.seed_noise(self._generator)
        else:
            self.batch.reset(1, self._generator, self.different_rooms)
        return self._observation(), self._info()

    def step(self, action: np.ndarray) -> tuple[np.ndarray, float, bool, bool, dict[str, Any]]:
        clipped = np.clip(np.asarray(action, dtype=np.float32), self.action_space.low, self.action_space.high)
        self.batch.step(torch.as_tensor(clipped)[None])
        return self._observation(), -float(self.batch.distance_to_goal()[0]), False, False, self._info()

    def render(self) -> np.ndarray | None:
        """RGB (S, S, 3) uint8: walls grey, dot red, goal green."""
        if self.render_mode is None:
            return None
        obs = self.batch.observation()[0]
        goal = self.batch.geometry.dot_image(self.batch.goal)[0]
        walls = obs[1] // 2
        return torch.stack([torch.maximum(obs[0], walls), torch.maximum(goal, walls), walls], dim=-1).numpy()

    def goal_observation(self) -> np.ndarray:
        """The goal image (2, S, S) uint8."""
        return self.batch.goal_observation()[0].numpy()

    def _observation(self) -> np.ndarray:
        return self.batch.observation()[0].numpy()

    def _info(self) -> dict[str, Any]:
        b = self.batch
        return {
            "pos": b.pos[0].numpy().copy(),
            "goal": b.goal[0].numpy().copy(),
            **{name: float(values[0]) for name, values in b.layouts().items()},
            "distance": float(b.distance_to_goal()[0]),
        }


class TwoRoomsEnv(RoomsEnv):
    """EB-JEPA's Two Rooms: 65 × 65, 3-px wall at a random column in 20..44, a door at a random row in 10..54 (drawn 9
    rows, an 8-px passage for the dot)."""

    def __init__(self, render_mode: str | None = "rgb_array", different_rooms: bool = True) -> None:
        super().__init__(TWO_ROOMS, max_action=2.45, render_mode=render_mode, different_rooms=different_rooms)


class WallEnv(RoomsEnv):
    """DINO-WM's Wall: a 6-px wall at x = 32 with a door at a random row; the dot moves 2 · action per step."""

    def __init__(self, render_mode: str | None = "rgb_array", different_rooms: bool = True) -> None:
        super().__init__(WALL, max_action=1.0, render_mode=render_mode, different_rooms=different_rooms)


class GridRoomsEnv(RoomsEnv):
    """A 3 × 3 maze of rooms (65 px, 3-px walls, 7-px doors on a spanning tree drawn from ``layout_seed``); start and goal
    ``min_room_distance`` or more doors apart. Same observations, actions and reward as Two Rooms; 300-step limit."""

    def __init__(
        self,
        render_mode: str | None = "rgb_array",
        different_rooms: bool = True,
        rooms: int = 3,
        layout_seed: int = 0,
        extra_doors: int = 0,
        min_room_distance: int = 3,
    ) -> None:
        geometry = GridRoomsGeometry(rooms=rooms, layout_seed=layout_seed, extra_doors=extra_doors)
        batch = GridRoomsBatch(geometry, min_room_distance=min_room_distance)
        super().__init__(geometry, max_action=2.45, render_mode=render_mode, different_rooms=different_rooms, batch=batch)
