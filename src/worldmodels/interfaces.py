"""The interfaces between layers, in one place: what a planner needs of a world model, of its dynamics, of an env (a
world and its batches of episodes) and of a solver, and what the evaluation protocol needs of a planner.
Implementations satisfy them structurally (``typing.Protocol``); nothing needs to inherit from them. Every protocol
is ``runtime_checkable``, so ``isinstance(obj, Protocol)`` checks that the members exist (not their signatures)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np
import torch

if TYPE_CHECKING:
    from worldmodels.planning.budget import ModelCalls
    from worldmodels.planning.corrections import Correction


@runtime_checkable
class Dynamics(Protocol):
    """Action-conditioned latent dynamics z_{t+1} = f(z_{≤t}, a_{≤t}) (``worldmodels.dynamics``: ``GRUPredictor``,
    ``ResidualMLPPredictor``, ``BlockCausalTransformerPredictor``), built with ``latent_dim`` D and ``action_dim`` A."""

    def __call__(self, latent: torch.Tensor, actions: torch.Tensor) -> torch.Tensor:
        """The module's ``forward``: z_0 (B, D) and actions (B, H, A) -> the autoregressive rollout z_1..z_H (B, H, D)."""
        ...

    def teacher_forced(self, latents: torch.Tensor, actions: torch.Tensor) -> torch.Tensor:
        """True latents z_0..z_{T−1} (B, T, D) and actions a_0..a_{T−1} (B, T, A) -> one-step predictions of z_1..z_T (B, T, D)."""
        ...

    def step(self, latent: torch.Tensor, action: torch.Tensor) -> torch.Tensor:
        """One step from a single frame: z (B, D) and a (B, A) -> z' (B, D)."""
        ...


@runtime_checkable
class LatentWorldModel(Protocol):
    """An action-conditioned world model in latent space (``worldmodels.modules.WorldModel``, or the counting view of
    one a planner works through, ``worldmodels.planning.ModelCalls``)."""

    def encode(self, obs: torch.Tensor) -> torch.Tensor:
        """Observations (B, C, H, W) -> latents (B, D)."""
        ...

    def rollout(self, latent: torch.Tensor, actions: torch.Tensor) -> torch.Tensor:
        """z_0 (N, D) and actions (N, T, A) -> predicted latents z_1..z_T (N, T, D)."""
        ...

    def macro_step(self, latent: torch.Tensor, actions: torch.Tensor) -> torch.Tensor:
        """z_t (N, D) and k actions (N, k, A) -> z_{t+k} (N, D) (a learned high-level model's one call, or the last
        latent of the rollout); only the search's ``transition=high_level`` calls it."""
        ...


@runtime_checkable
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


@runtime_checkable
class World(Protocol):
    """An env-group option (``RoomsWorld``, ``GridRoomsWorld``, ``PointMazeWorld``, ``GymPixelsWorld``): what training
    collects from an environment and what the evaluation protocol starts episodes with."""

    name: str  # the env's name ("two_rooms", ...): run dirs, results and the check that a model plans where it was trained

    @property
    def action_dim(self) -> int:
        """A: the width of an action."""
        ...

    @property
    def obs_shape(self) -> tuple[int, int, int]:
        """(C, H, W) of one uint8 observation."""
        ...

    def collect(self, num_trajectories: int, length: int, generator: torch.Generator) -> dict[str, np.ndarray]:
        """Random-policy trajectories: obs (N, L + 1, C, H, W) uint8, actions (N, L, A) (and states (N, L + 1, 2) when known)."""
        ...

    def episodes(self) -> EpisodeBatch:
        """An empty batch of goal-reaching episodes (``reset`` fills it); raises for an env without a goal protocol."""
        ...

    def metadata(self) -> dict[str, Any]:
        """What the collected data came from (env, gymnasium id, policy), for the data's manifest."""
        ...


@runtime_checkable
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

    def solve(
        self, cost_fn: Callable[[torch.Tensor], torch.Tensor], init: torch.Tensor, generators: Sequence[torch.Generator]
    ) -> torch.Tensor:
        """Costs of candidates (B, S, H, A) -> (B, S); start (B, H, A); one generator per episode -> best plans (B, H, A)."""
        ...


@runtime_checkable
class Planner(Protocol):
    """A receding-horizon controller of B episodes at once (``worldmodels.planning.LatentMPC``): what the evaluation
    protocol (``worldmodels.planning.evaluate_planning``) calls and reads."""

    action_dim: int  # A
    execute_steps: int  # env steps each ``act`` returns (the re-planning period)
    solver: Solver  # its action box (``action_low``, ``action_high``) bounds the random floor's actions
    calls: ModelCalls  # the world model seen through a counter: ``clear()`` before, ``totals()`` after the evaluation
    corrections: dict[str, Correction]  # name -> correction; ``counts(B)`` is what each did per episode
    last_rollout: torch.Tensor | None  # (B, H, D) the latents the last plan predicts (plotted for episode 0)
    last_subgoals: torch.Tensor | None  # (B, D) the subgoals of the last re-plan, when a search proposed them

    def reset(self, episode_seeds: Sequence[int]) -> None:
        """New episodes, one per seed (each with its own generator): forget plans and what was learned in the last ones."""
        ...

    def act(self, obs: torch.Tensor, goal_obs: torch.Tensor) -> torch.Tensor:
        """Observations and goal images (B, C, H, W) -> the next ``execute_steps`` actions (B, k, A)."""
        ...
