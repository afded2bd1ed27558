"""Env-group options: what training and planning need from an environment, behind one small interface.

A world knows its gymnasium id, its action bounds, how to collect random trajectories (batched) and, for
goal-reaching worlds, how to start evaluation episodes. ``RoomsWorld`` serves Two Rooms and Wall;
``GymPixelsWorld`` serves any registered gymnasium id with an ``rgb_array`` render.
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np
import torch
import torch.nn.functional as F

from worldmodels.envs.policies import HeadingRandomWalk
from worldmodels.envs.rooms import TWO_ROOMS, WALL, RoomsGeometry
from worldmodels.envs.rooms_batch import RoomsBatch

GEOMETRIES = {"two_rooms": TWO_ROOMS, "wall": WALL}


class RoomsWorld:
    """Two Rooms or Wall: batched collection with the heading random walk, and goal-reaching episodes."""

    def __init__(self, name: str = "two_rooms", max_action: float = 2.45, policy: HeadingRandomWalk | None = None,
                 margin: float = 2.6, goal_y_range: tuple[float, float] = (6.6, 57.4)) -> None:  # fmt: skip
        if name not in GEOMETRIES:
            raise ValueError(f"unknown rooms world {name!r}; known: {sorted(GEOMETRIES)}")
        self.name = name
        self.geometry: RoomsGeometry = GEOMETRIES[name]
        self.max_action = max_action
        self.policy = policy or HeadingRandomWalk(max_action=max_action)
        self.margin, self.goal_y_range = margin, tuple(goal_y_range)
        self.gym_id = {"two_rooms": "worldmodels/TwoRooms-v0", "wall": "worldmodels/Wall-v0"}[name]

    @property
    def action_dim(self) -> int:
        return 2

    @property
    def obs_shape(self) -> tuple[int, int, int]:
        return (2, self.geometry.size, self.geometry.size)

    def episodes(self) -> RoomsBatch:
        """An empty batch of evaluation episodes with this world's start/goal protocol."""
        return RoomsBatch(self.geometry, self.margin, self.goal_y_range)

    def collect(self, num_trajectories: int, length: int, generator: torch.Generator) -> dict[str, np.ndarray]:
        """Random-policy trajectories: obs (N, L + 1, 2, S, S) uint8, actions (N, L, 2), states (N, L + 1, 2), layout (N, 2)."""
        rooms = RoomsBatch(self.geometry)
        rooms.reset(num_trajectories, generator, different_rooms=False)
        self.policy.reset(rooms, generator)
        positions, actions = [rooms.pos.clone()], []
        for _ in range(length):
            action = self.policy(rooms, generator)
            actions.append(action)
            positions.append(rooms.step(action).clone())
        states = torch.stack(positions, dim=1)  # (N, L + 1, 2)
        obs = torch.stack([self.geometry.render(states[:, t], rooms.walls) for t in range(length + 1)], dim=1)
        return {
            "obs": obs.numpy(),
            "actions": torch.stack(actions, dim=1).numpy().astype(np.float32),
            "states": states.numpy().astype(np.float32),
            "layout": torch.stack([rooms.wall_x, rooms.door_y], dim=1).numpy().astype(np.float32),
        }

    def metadata(self) -> dict[str, Any]:
        return {"env": self.name, "gym_id": self.gym_id, "policy": type(self.policy).__name__, "policy_config": self.policy.config()}


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
            raise ValueError(f"cannot make gymnasium env {self.gym_id!r}: {error}. Registered ids include e.g. Pendulum-v1, MountainCarContinuous-v0") from error

    @property
    def action_dim(self) -> int:
        return int(np.prod(self.action_low.shape))

    @property
    def obs_shape(self) -> tuple[int, int, int]:
        return (3, self.image_size, self.image_size)

    def episodes(self) -> Any:
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
