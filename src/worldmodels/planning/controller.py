"""Receding-horizon control with a world model: propose subgoals, solve, let corrections act, execute k actions, re-plan."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import torch

from worldmodels.interfaces import LatentWorldModel, Solver
from worldmodels.planning.budget import ModelCalls
from worldmodels.planning.corrections import Correction, Transition
from worldmodels.planning.objective import LatentGoalEnergy
from worldmodels.planning.protocol import seeded_generator
from worldmodels.planning.search import LatentGraphSearch
from worldmodels.planning.solvers import CostFn


class LatentMPC:
    """Model-predictive control toward goal images in a world model's latent space, in three layers.

    At every re-plan: the ``search`` (optional, a ``LatentGraphSearch``) replaces the goal latents by subgoals; the
    ``solver`` (CEM, MPPI, iCEM or GD) finds action sequences (B, H, A) that minimise the ``objective`` of their
    predicted rollouts; each of the ``corrections`` may propose an action that replaces the plan's for some episodes;
    the first ``execute_steps`` actions run. After every executed chunk, every correction observes what it did
    (``Transition``), and the search asks every correction which of its transitions to drop. Each planned action is
    held for ``action_repeat`` model steps; with ``warm_start`` the previous plan, shifted by the executed steps, seeds
    the next. ``reset(episode_seeds)`` starts new episodes, each with its own generator (from ``seed`` and its seed), so
    an episode's actions do not depend on the episodes planned beside it. Every model call goes through ``calls``
    (``ModelCalls``), which counts the predicted transitions of the search and of the solver.
    """

    def __init__(
        self,
        world_model: LatentWorldModel,
        solver: Solver,
        objective: LatentGoalEnergy,
        action_dim: int,
        search: LatentGraphSearch | None = None,
        corrections: Mapping[str, Correction | None] | None = None,
        execute_steps: int = 1,
        action_repeat: int = 1,
        warm_start: bool = True,
        seed: int = 0,
    ) -> None:
        if execute_steps < 1 or action_repeat < 1:
            raise ValueError(f"execute_steps={execute_steps} and action_repeat={action_repeat} must be >= 1")
        self.calls = ModelCalls(world_model)
        self.world_model, self.solver, self.objective, self.search = world_model, solver, objective, search
        self.corrections = {name: correction for name, correction in (corrections or {}).items() if correction is not None}
        self.action_dim, self.execute_steps, self.action_repeat, self.warm_start, self.seed = (
            action_dim,
            execute_steps,
            action_repeat,
            warm_start,
            seed,
        )
        self.generators: list[torch.Generator] = []
        self.plan: torch.Tensor | None = None
        self.last_rollout: torch.Tensor | None = None
        self.last_subgoals: torch.Tensor | None = None
        self.executed: tuple[torch.Tensor, torch.Tensor, torch.Tensor] | None = None  # before, actions, predicted after

    def reset(self, episode_seeds: Sequence[int]) -> None:
        """New episodes, one per seed: forget plans, kept solver state and what the corrections learned."""
        self.generators = [seeded_generator(self.seed, int(seed)) for seed in episode_seeds]
        self.plan, self.last_rollout, self.last_subgoals, self.executed = None, None, None, None
        self.solver.reset()
        for correction in self.corrections.values():
            correction.reset(len(episode_seeds))

    def expand(self, actions: torch.Tensor) -> torch.Tensor:
        """Planned actions (..., H, A) -> per-model-step actions (..., H · repeat, A)."""
        return actions.repeat_interleave(self.action_repeat, dim=-2)

    def cost_fn(self, latent: torch.Tensor, goal: torch.Tensor) -> CostFn:
        """The solver's cost: candidates (B, S, H, A) -> (B, S) energies of their predicted rollouts."""

        def cost(candidates: torch.Tensor) -> torch.Tensor:
            batch, samples = candidates.shape[:2]
            flat = self.expand(candidates).flatten(0, 1)
            start = latent[:, None].expand(batch, samples, -1).flatten(0, 1)
            predicted = self.calls.rollout(start, flat).view(batch, samples, flat.shape[1], -1)
            return self.objective(predicted, goal)

        return cost

    @torch.no_grad()
    def act(self, obs: torch.Tensor, goal_obs: torch.Tensor) -> torch.Tensor:
        """Observations and goal images (B, C, H, W) -> the next ``execute_steps`` actions (B, k, A)."""
        return self.act_latent(self.calls.encode(obs), self.calls.encode(goal_obs))

    def act_latent(self, latent: torch.Tensor, goal: torch.Tensor) -> torch.Tensor:
        """Current and goal latents (B, D) -> the next ``execute_steps`` actions (B, k, A). Without a ``reset`` for this
        batch size, the episodes get seeds 0..B−1."""
        batch = latent.shape[0]
        if len(self.generators) != batch:
            self.reset(range(batch))
        if self.executed is not None:
            transition = Transition(*self.executed, after=latent)
            for correction in self.corrections.values():
                correction.observe(transition)
        if self.search is not None:
            with self.calls.phase("search"):
                goal = self.search.propose(
                    self.calls,
                    latent,
                    goal,
                    self.solver.action_low.expand(self.action_dim),
                    self.solver.action_high.expand(self.action_dim),
                    list(self.corrections.values()),
                    self.objective.guardrails,
                )
            self.last_subgoals = goal
        init = self.plan if self.warm_start and self.plan is not None else self.solver.initial_mean(batch, self.action_dim)
        with self.calls.phase("solver"):
            plan = self.solver.solve(self.cost_fn(latent, goal), init, self.generators)
        executed_plan_steps = -(-self.execute_steps // self.action_repeat)
        for correction in self.corrections.values():
            proposed = correction.propose(latent, goal)
            if proposed is not None:
                chosen = ~proposed.isnan().any(dim=-1)
                plan[chosen, :executed_plan_steps] = proposed[chosen, None].to(plan)
        with self.calls.phase("controller"):
            self.last_rollout = self.calls.rollout(latent, self.expand(plan))  # (B, H · repeat, D): what the executed chunk should do
        steps = self.expand(plan)[:, : self.execute_steps]
        self.executed = (latent, steps, self.last_rollout[:, steps.shape[1] - 1])
        self.plan = torch.cat([plan[:, executed_plan_steps:], plan[:, -1:].expand(-1, executed_plan_steps, -1)], dim=1)
        return steps
