"""Receding-horizon control with a world model: plan, execute the first k actions, shift, re-plan."""

from __future__ import annotations

from typing import Any

import torch

from worldmodels.planning.base import Planner
from worldmodels.planning.hierarchical import SubgoalPlanner
from worldmodels.planning.objective import LatentGoalEnergy


class LatentMPC:
    """Model-predictive control toward a goal image in the world model's latent space.

    ``act(obs (B, C, H, W), goal_obs (B, C, H, W))`` returns the next ``execute_steps`` actions (B, k, A).
    Each planned action is held for ``action_repeat`` model steps (so a plan of horizon H looks H · repeat
    steps ahead); with ``warm_start`` the previous plan, shifted by the executed steps, seeds the next one.
    A ``SubgoalPlanner`` is told (``observe``), at the next call, what the executed chunk did:
    the latent before it, its actions, the model's prediction and the observed latent; its ``offsets`` (inferred
    layout) are added to the current and goal latents before planning.
    Works with any model exposing ``encode`` and ``rollout`` (see ``WorldModel``).
    """

    def __init__(self, world_model: Any, planner: Planner, objective: LatentGoalEnergy, action_dim: int,
                 execute_steps: int = 1, action_repeat: int = 1, warm_start: bool = True) -> None:  # fmt: skip
        self.world_model, self.planner, self.objective = world_model, planner, objective
        self.action_dim, self.execute_steps, self.action_repeat, self.warm_start = action_dim, execute_steps, action_repeat, warm_start
        self.plan: torch.Tensor | None = None
        self.last_rollout: torch.Tensor | None = None
        self.executed: tuple[torch.Tensor, torch.Tensor, torch.Tensor] | None = None  # before, actions, predicted after

    def reset(self) -> None:
        """Forget the previous plan (new episodes)."""
        self.plan, self.last_rollout, self.executed = None, None, None
        if hasattr(self.planner, "reset"):
            self.planner.reset()

    def expand(self, actions: torch.Tensor) -> torch.Tensor:
        """Planned actions (..., H, A) -> per-model-step actions (..., H · repeat, A)."""
        return actions.repeat_interleave(self.action_repeat, dim=-2)

    @torch.no_grad()
    def encode(self, obs: torch.Tensor) -> torch.Tensor:
        return self.world_model.encode(obs)

    def cost_fn(self, latent: torch.Tensor, goal: torch.Tensor):
        """The planner's cost: candidates (B, S, H, A) -> (B, S) energies of their predicted rollouts."""

        def cost(candidates: torch.Tensor) -> torch.Tensor:
            batch, samples = candidates.shape[:2]
            flat = self.expand(candidates).flatten(0, 1)
            start = latent[:, None].expand(batch, samples, -1).flatten(0, 1)
            predicted = self.world_model.rollout(start, flat).view(batch, samples, flat.shape[1], -1)
            return self.objective(predicted, goal)

        return cost

    def act(self, obs: torch.Tensor, goal_obs: torch.Tensor) -> torch.Tensor:
        """Observations and goal images (B, C, H, W) -> the next ``execute_steps`` actions (B, k, A)."""
        return self.act_latent(self.encode(obs), self.encode(goal_obs))

    def act_latent(self, latent: torch.Tensor, goal: torch.Tensor) -> torch.Tensor:
        """Current and goal latents (B, D) -> the next ``execute_steps`` actions (B, k, A); a ``SubgoalPlanner``
        first replaces the goals by its subgoals."""
        offsets = torch.zeros_like(latent)
        if isinstance(self.planner, SubgoalPlanner):
            if self.executed is not None and self.executed[0].shape == latent.shape:
                self.planner.observe(self.world_model, *self.executed, latent)
            offsets = self.planner.offsets(latent)
            latent = latent + offsets
            goal = self.planner.subgoals(self.world_model, latent, goal + offsets, self.action_dim, self.objective.guardrails, offsets)
        batch = latent.shape[0]
        if self.plan is None or not self.warm_start or self.plan.shape[0] != batch:
            init = self.planner.initial_mean(batch, self.action_dim)
        else:
            init = self.plan
        self.plan = self.planner.plan(self.cost_fn(latent, goal), init)
        with torch.no_grad():
            self.last_rollout = self.world_model.rollout(latent, self.expand(self.plan)) - offsets[:, None]  # (B, H · repeat, D), for plots
        steps = self.expand(self.plan)[:, : self.execute_steps]
        self.executed = (latent - offsets, steps, self.last_rollout[:, steps.shape[1] - 1])
        executed_plan_steps = -(-self.execute_steps // self.action_repeat)
        self.plan = torch.cat([self.plan[:, executed_plan_steps:], self.plan[:, -1:].expand(-1, executed_plan_steps, -1)], dim=1)
        return steps
