"""Two-level latent planning: a graph search over the model's k-step transitions picks subgoals, a flat planner
reaches them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch

from worldmodels.planning.base import CostFn, Planner
from worldmodels.planning.guardrail import Guardrail
from worldmodels.planning.latent_graph import LatentGraphSearch, LatentPath
from worldmodels.planning.transition_memory import StallMemory


class SubgoalPlanner(Planner):
    """The high level over a flat planner (``low``: CEM, MPPI, iCEM or GD).

    At every re-plan ``subgoals`` runs the high level (``search``): it finds a path of node latents from the current
    latent toward the goal latent through what the world model says is reachable, and the low level then plans toward
    the path's node ``subgoal_ahead`` macro-steps ahead (or toward the goal itself once the path is that short).
    ``LatentMPC`` calls ``subgoals`` before every plan and ``observe`` after every executed chunk; ``plan`` is the low
    level's. With a ``memory`` (``StallMemory``) the chunks that stalled where the model predicted a move are
    remembered for the episode, and the search avoids repeating them.
    """

    def __init__(self, low: Planner, search: LatentGraphSearch, subgoal_ahead: int = 2, memory: StallMemory | None = None) -> None:
        super().__init__(low.horizon, action_low=low.action_low, action_high=low.action_high)
        self.low, self.search, self.subgoal_ahead, self.memory = low, search, subgoal_ahead, memory
        self.last_paths: list[LatentPath] = []
        self.last_subgoals: torch.Tensor | None = None

    def reset(self) -> None:
        """Forget the last paths and the low level's kept state (new episodes)."""
        self.last_paths, self.last_subgoals = [], None
        if hasattr(self.low, "reset"):
            self.low.reset()
        if self.memory is not None:
            self.memory.reset(0)

    def observe(self, before: torch.Tensor, actions: torch.Tensor, predicted: torch.Tensor, after: torch.Tensor) -> None:
        """An executed chunk: latents before (B, D), its actions (B, k, A), the model's predicted and the observed latent
        after it (B, D)."""
        if self.memory is not None:
            self.memory.record(before, actions, predicted, after)

    def subgoals(self, world_model: Any, latent: torch.Tensor, goal: torch.Tensor, action_dim: int, guardrails: Sequence[Guardrail] = ()) -> torch.Tensor:
        """Current and goal latents (B, D) -> the latents (B, D) the low level plans toward this re-plan; the search
        avoids nodes that ``guardrails`` put in a forbidden zone."""
        macros = self.search.macros(self.action_low.expand(action_dim), self.action_high.expand(action_dim))
        self.last_paths = self.search.search(world_model, latent, goal, macros, self.memory, guardrails)
        self.last_subgoals = torch.stack([self._subgoal(path, g) for path, g in zip(self.last_paths, goal, strict=True)])
        return self.last_subgoals

    def _subgoal(self, path: LatentPath, goal: torch.Tensor) -> torch.Tensor:
        return goal if len(path.latents) - 1 <= self.subgoal_ahead else path.latents[self.subgoal_ahead]

    def initial_mean(self, batch_size: int, action_dim: int) -> torch.Tensor:
        return self.low.initial_mean(batch_size, action_dim)

    def plan(self, cost_fn: CostFn, init: torch.Tensor) -> torch.Tensor:
        return self.low.plan(cost_fn, init)
