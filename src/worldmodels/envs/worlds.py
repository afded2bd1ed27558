"""Env-group options: what training and planning need from an environment, behind one small interface.

A world knows its gymnasium id, its action bounds, how to collect random trajectories (batched) and, for
goal-reaching worlds, how to start evaluation episodes. ``RoomsWorld`` serves Two Rooms and Wall, ``GridRoomsWorld``
a maze of rooms;
``GymPixelsWorld`` serves any registered gymnasium id with an ``rgb_array`` render.
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np
import torch
import torch.nn.functional as F

from worldmodels.envs.grid_rooms import GridRoomsBatch, GridRoomsGeometry
from worldmodels.envs.hazard import HazardRoomsBatch, in_box
from worldmodels.envs.policies import HeadingRandomWalk
from worldmodels.envs.rooms import TWO_ROOMS, WALL, RoomsGeometry
from worldmodels.envs.rooms_batch import RoomsBatch
from worldmodels.interfaces import EpisodeBatch

GEOMETRIES = {"two_rooms": TWO_ROOMS, "wall": WALL}


def random_walks(
    rooms: RoomsBatch | GridRoomsBatch, policy: HeadingRandomWalk, num_trajectories: int, length: int, generator: torch.Generator
) -> dict[str, np.ndarray]:
    """Reset ``rooms`` (a ``RoomsBatch`` or ``GridRoomsBatch``) to uniform free starts and walk ``policy`` for ``length``
    steps: obs (N, L + 1, 2, S, S) uint8, actions (N, L, 2), states (N, L + 1, 2)."""
    rooms.reset(num_trajectories, generator, different_rooms=False)
    policy.reset(rooms, generator)
    positions, actions = [rooms.pos.clone()], []
    for _ in range(length):
        action = policy(rooms, generator)
        actions.append(action)
        positions.append(rooms.step(action).clone())
    states = torch.stack(positions, dim=1)  # (N, L + 1, 2)
    obs = torch.stack([rooms.render(states[:, t]) for t in range(length + 1)], dim=1)
    return {
        "obs": obs.numpy(),
        "actions": torch.stack(actions, dim=1).numpy().astype(np.float32),
        "states": states.numpy().astype(np.float32),
    }


class _DotWorld:
    """What the room worlds share: a dot moved by 2-D displacements, seen as (dot, walls) images of ``geometry.size``."""

    geometry: RoomsGeometry | GridRoomsGeometry

    @property
    def action_dim(self) -> int:
        return 2

    @property
    def obs_shape(self) -> tuple[int, int, int]:
        return (2, self.geometry.size, self.geometry.size)


class RoomsWorld(_DotWorld):
    """Two Rooms or Wall: batched collection with the heading random walk, and goal-reaching episodes."""

    def __init__(
        self,
        name: str = "two_rooms",
        max_action: float = 2.45,
        policy: HeadingRandomWalk | None = None,
        margin: float = 2.6,
        goal_y_range: tuple[float, float] = (6.6, 57.4),
        hazard: tuple[float, float, float, float] | None = None,
        hazard_clearance: float = 5.0,
    ) -> None:
        if name not in GEOMETRIES:
            raise ValueError(f"unknown rooms world {name!r}; known: {sorted(GEOMETRIES)}")
        self.name = name
        self.geometry: RoomsGeometry = GEOMETRIES[name]
        self.max_action = max_action
        self.policy = policy or HeadingRandomWalk(max_action=max_action)
        self.margin, self.goal_y_range = margin, tuple(goal_y_range)
        self.hazard = tuple(hazard) if hazard is not None else None
        self.hazard_clearance = hazard_clearance
        self.gym_id = {"two_rooms": "worldmodels/TwoRooms-v0", "wall": "worldmodels/Wall-v0"}[name]

    def episodes(self) -> RoomsBatch:
        """An empty batch of evaluation episodes with this world's start/goal protocol (across the hazard when there is one)."""
        if self.hazard is not None:
            return HazardRoomsBatch(self.geometry, self.hazard, self.hazard_clearance, self.margin, self.goal_y_range)
        return RoomsBatch(self.geometry, self.margin, self.goal_y_range)

    def labelled_observations(self, count: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        """``count`` observations (N, 2, S, S) uint8 of random layouts with the dot near the hazard (uniform over the
        hazard box grown by half its size on every side, free positions only), and labels (N,) True inside it."""
        if self.hazard is None:
            raise ValueError(f"env {self.name!r} has no hazard to label; set env.hazard=[x0,y0,x1,y1] (e.g. env=two_rooms_hazard)")
        box = torch.tensor(self.hazard)
        grown = torch.cat([box[:2] - (box[2:] - box[:2]) / 2, box[2:] + (box[2:] - box[:2]) / 2])
        wall_x, door_y = self.geometry.sample_layouts(count, generator)
        pos = torch.zeros(count, 2)
        todo = torch.ones(count, dtype=torch.bool)
        while todo.any():
            pos[todo] = grown[:2] + (grown[2:] - grown[:2]) * torch.rand(int(todo.sum()), 2, generator=generator)
            todo = ~self.geometry.is_free(pos, wall_x, door_y)
        return self.geometry.render(pos, self.geometry.wall_image(wall_x, door_y)), in_box(pos, box)

    def collect(self, num_trajectories: int, length: int, generator: torch.Generator) -> dict[str, np.ndarray]:
        """Random-policy trajectories: obs (N, L + 1, 2, S, S) uint8, actions (N, L, 2), states (N, L + 1, 2), layout (N, 2)."""
        rooms = RoomsBatch(self.geometry)
        arrays = random_walks(rooms, self.policy, num_trajectories, length, generator)
        return arrays | {"layout": torch.stack([rooms.wall_x, rooms.door_y], dim=1).numpy().astype(np.float32)}

    def metadata(self) -> dict[str, Any]:
        return {"env": self.name, "gym_id": self.gym_id, "policy": type(self.policy).__name__, "policy_config": self.policy.config()}


class GridRoomsWorld(_DotWorld):
    """A grid of rooms joined by doors (a maze drawn from ``layout_seed``): collection with the heading random walk, and
    goal-reaching episodes whose start and goal lie ``min_room_distance`` or more doors apart."""

    def __init__(
        self,
        name: str = "grid_rooms",
        rooms: int = 3,
        layout_seed: int = 0,
        extra_doors: int = 0,
        door_half_width: float = 3,
        max_action: float = 2.45,
        policy: HeadingRandomWalk | None = None,
        margin: float = 2.6,
        min_room_distance: int = 3,
    ) -> None:
        self.name = name
        self.geometry = GridRoomsGeometry(rooms=rooms, layout_seed=layout_seed, extra_doors=extra_doors, door_half_width=door_half_width)
        self.max_action = max_action
        self.policy = policy or HeadingRandomWalk(max_action=max_action)
        self.margin, self.min_room_distance = margin, min_room_distance
        self.gym_id = "worldmodels/GridRooms-v0"

    def episodes(self) -> GridRoomsBatch:
        """An empty batch of evaluation episodes (start and goal ``min_room_distance`` doors apart)."""
        return GridRoomsBatch(self.geometry, self.margin, self.min_room_distance)

    def collect(self, num_trajectories: int, length: int, generator: torch.Generator) -> dict[str, np.ndarray]:
        """Random-policy trajectories: obs (N, L + 1, 2, S, S) uint8, actions (N, L, 2), states (N, L + 1, 2)."""
        return random_walks(GridRoomsBatch(self.geometry), self.policy, num_trajectories, length, generator)

    def metadata(self) -> dict[str, Any]:
        g = self.geometry
        layout = {"rooms": g.rooms, "layout_seed": g.layout_seed, "extra_doors": g.extra_doors, "door_half_width": g.door_half_width}
        return {
            "env": self.name,
            "gym_id": self.gym_id,
            "layout": layout,
            "policy": type(self.policy).__name__,
            "policy_config": self.policy.config(),
        }


class GymPixelsWorld:
    """Any gymnasium id with an ``rgb_array`` render, observed through its pixels resized to ``image_size``.

    Collection uses uniformly random actions (continuous action spaces only: the planners optimise real
    vectors). Goal-reaching evaluation needs a goal protocol that generic envs lack, so ``episodes`` raises.
    """

    def __init__(self, id: str = "MountainCarContinuous-v0", image_size: int = 64, env_kwargs: dict[str, Any] | None = None) -> None:
        self.name = self.gym_id = id
        self.image_size = image_size
        self.env_kwargs = dict(env_kwargs or {})
        probe = self._make()
        if not isinstance(probe.action_space, gym.spaces.Box):
            raise ValueError(f"{id} has a {type(probe.action_space).__name__} action space; latent planning needs a continuous Box space")
        self.action_low, self.action_high = probe.action_space.low, probe.action_space.high
        self.max_action = float(np.abs(np.concatenate([self.action_low, self.action_high])).max())
        probe.close()

    def _make(self) -> gym.Env:
        try:
            return gym.make(self.gym_id, render_mode="rgb_array", **self.env_kwargs)
        except gym.error.Error as error:
            raise ValueError(
                f"cannot make gymnasium env {self.gym_id!r}: {error}. Registered ids include e.g. Pendulum-v1, MountainCarContinuous-v0"
            ) from error

    @property
    def action_dim(self) -> int:
        return int(np.prod(self.action_low.shape))

    @property
    def obs_shape(self) -> tuple[int, int, int]:
        return (3, self.image_size, self.image_size)

    def episodes(self) -> EpisodeBatch:
        raise NotImplementedError(f"planning evaluation needs a goal-reaching env (two_rooms, wall); {self.gym_id} has no goal protocol")

    def _pixels(self, env: gym.Env) -> torch.Tensor:
        frame = torch.as_tensor(np.ascontiguousarray(env.render())).permute(2, 0, 1)[None].float()
        return F.interpolate(frame, size=(self.image_size, self.image_size), mode="area")[0].round().to(torch.uint8)

    def collect(self, num_trajectories: int, length: int, generator: torch.Generator) -> dict[str, np.ndarray]:
        """Random-action trajectories: obs (N, L + 1, 3, S, S) uint8 from renders, actions (N, L, A)."""
        env = self._make()
        obs, actions = [], []
        for _ in range(num_trajectories):
            env.reset(seed=int(torch.randint(2**31, (1,), generator=generator)))
            env.action_space.seed(int(torch.randint(2**31, (1,), generator=generator)))
            frames, acts = [self._pixels(env)], []
            for _ in range(length):
                action = env.action_space.sample().astype(np.float32)
                _, _, terminated, truncated, _ = env.step(action)
                if terminated or truncated:
                    env.reset(seed=int(torch.randint(2**31, (1,), generator=generator)))
                frames.append(self._pixels(env))
                acts.append(torch.as_tensor(action).reshape(-1))
            obs.append(torch.stack(frames))
            actions.append(torch.stack(acts))
        env.close()
        return {"obs": torch.stack(obs).numpy(), "actions": torch.stack(actions).numpy()}

    def metadata(self) -> dict[str, Any]:
        return {"env": self.name, "gym_id": self.gym_id, "policy": "uniform_random", "image_size": self.image_size}
