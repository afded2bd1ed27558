"""The interfaces between layers, in one place: what a planner needs of a world model, of a batch of episodes and of a
solver. Implementations satisfy them structurally (``typing.Protocol``); nothing needs to inherit from them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

import torch


class LatentWorldModel(Protocol):
    """An action-conditioned world model in latent space (``worldmodels.modules.WorldModel``)."""

    def encode(self, obs: torch.Tensor) -> torch.Tensor:
        """Observations (B, C, H, W) -> latents (B, D)."""
        ...

    def rollout(self, latent: torch.Tensor, actions: torch.Tensor) -> torch.Tensor:
        """z_0 (N, D) and actions (N, T, A) -> predicted latents z_1..z_T (N, T, D)."""
        ...


class EpisodeBatch(Protocol):
    """B goal-reaching episodes stepped together (``RoomsBatch``, ``GridRoomsBatch``, ``PointMazeBatch``)."""

    pos: torch.Tensor  # (B, 2) the agent's position in pixels of the observation
    goal: torch.Tensor  # (B, 2) the goal's position in the same frame
    walls: torch.Tensor  # (B, S, S) uint8 wall images, for plots

    def reset(self, num_episodes: int, generator: torch.Generator, different_rooms: bool = True) -> None:
        """New episodes drawn from ``generator``."""
        ...

    def step(self, action: torch.Tensor) -> torch.Tensor:
        """Actions (B, A) -> new positions (B, 2)."""
        ...

    def observation(self) -> torch.Tensor:
        """Current observations (B, C, H, W) uint8."""
        ...

    def goal_observation(self) -> torch.Tensor:
        """Goal observations (B, C, H, W) uint8."""
        ...

    def distance_to_goal(self) -> torch.Tensor:
        """(B,) distance to the goal in the units success is judged in."""
        ...

    def layouts(self) -> dict[str, torch.Tensor]:
        """Each episode's layout parameters, name -> (B,) (none for a fixed layout)."""
        ...


class Solver(Protocol):
    """Minimises a batched cost over action sequences in an action box (``worldmodels.planning.solvers``)."""

    horizon: int
    action_low: torch.Tensor
    action_high: torch.Tensor

    def initial_mean(self, batch_size: int, action_dim: int) -> torch.Tensor:
        """(B, H, A): the plan to start from without a warm start."""
        ...

    def reset(self) -> None:
        """Forget state kept between re-plans."""
        ...

    def solve(self, cost_fn: Callable[[torch.Tensor], torch.Tensor], init: torch.Tensor, generators: Sequence[torch.Generator]) -> torch.Tensor:
        """Costs of candidates (B, S, H, A) -> (B, S); start (B, H, A); one generator per episode -> best plans (B, H, A)."""
        ...
