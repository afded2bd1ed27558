"""Two-level latent planning: a graph search over the model's k-step transitions picks subgoals, a flat planner
reaches them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch

from worldmodels.planning.base import CostFn, Planner
from worldmodels.planning.guardrail import Guardrail
from worldmodels.planning.latent_graph import LatentGraphSearch, LatentPath
from worldmodels.planning.layout_inference import LayoutInference
from worldmodels.planning.transition_memory import StallMemory
from worldmodels.planning.wall_probe import WallProbe
from worldmodels.planning.wall_sweep import WallSweep


class SubgoalPlanner(Planner):
    """The high level over a flat planner (``low``: CEM, MPPI, iCEM or GD).

    At every re-plan ``subgoals`` runs the high level (``search``): it finds a path of node latents from the current
    latent toward the goal latent through what the world model says is reachable, and the low level then plans toward
    the path's node ``subgoal_ahead`` macro-steps ahead (or toward the goal itself once the path is that short).
    ``LatentMPC`` calls ``subgoals`` before every plan and ``observe`` after every executed chunk; ``plan`` is the low
    level's. With a ``memory`` (``StallMemory``) the chunks that stalled where the model predicted a move are
    remembered for the episode, and the search avoids repeating them. With a ``probe`` (``WallProbe``) an episode the
    search leaves stuck in front of what the model says is a wall is led to an untried push into it, which ``plan``
    then executes for one chunk. An episode whose latent is within ``hold_radius`` macro-steps of its goal holds still
    (the action box's centre) instead of chasing the last fraction (None: never). With an ``inference``
    (``LayoutInference``) every stall the memory detects refits the episode's layout offsets, which ``LatentMPC`` adds
    (``offsets``) to the current and goal latents before the search and the low level plan. With a ``sweep``
    (``WallSweep``) an episode that stalled ``sweep.after`` times follows the wall it stalls at and pushes through it
    at intervals, instead of the low level's plan, until a push goes through.
    """

    def __init__(self, low: Planner, search: LatentGraphSearch, subgoal_ahead: int = 2, memory: StallMemory | None = None,
                 probe: WallProbe | None = None, hold_radius: float | None = None, inference: LayoutInference | None = None,
                 sweep: WallSweep | None = None) -> None:  # fmt: skip
        super().__init__(low.horizon, action_low=low.action_low, action_high=low.action_high)
        for name, needs_memory in (("inference", inference), ("sweep", sweep)):
            if needs_memory is not None and memory is None:
                raise ValueError(f"planner.{name} acts on the stalls planner.memory detects: set planner.memory (a StallMemory) or planner.{name}=null")
        self.low, self.search, self.subgoal_ahead, self.memory = low, search, subgoal_ahead, memory
        self.probe, self.hold_radius, self.inference, self.sweep = probe, hold_radius, inference, sweep
        self.last_paths: list[LatentPath] = []
        self.last_subgoals: torch.Tensor | None = None
        self.overrides: dict[int, torch.Tensor] = {}  # episode -> the action (A,) it takes this chunk instead of the low level's

    def reset(self) -> None:
        """Forget the last paths and the low level's kept state (new episodes)."""
        self.last_paths, self.last_subgoals, self.overrides = [], None, {}
        if hasattr(self.low, "reset"):
            self.low.reset()
        for memory in (self.memory, self.probe, self.inference, self.sweep):
            if memory is not None:
                memory.reset(0)

    def observe(self, world_model: Any, before: torch.Tensor, actions: torch.Tensor, predicted: torch.Tensor, after: torch.Tensor) -> None:
        """An executed chunk: latents before (B, D), its actions (B, k, A), the model's predicted and the observed latent
        after it (B, D), all without offsets."""
        if self.memory is not None:
            stalled = self.memory.record(before, actions, predicted, after)
            if self.inference is not None:
                self.inference.observe(world_model, before, actions, after, stalled)
            if self.sweep is not None:
                self.sweep.observe(before, actions, predicted, after, stalled)

    def offsets(self, latent: torch.Tensor) -> torch.Tensor:
        """Current latents (B, D) -> what to add to them and to their goals before planning (B, D): the inferred
        layout offsets, zeros without an ``inference``."""
        return torch.zeros_like(latent) if self.inference is None else self.inference.offsets(latent)

    def subgoals(self, world_model: Any, latent: torch.Tensor, goal: torch.Tensor, action_dim: int, guardrails: Sequence[Guardrail] = (),
                 offsets: torch.Tensor | None = None) -> torch.Tensor:  # fmt: skip
        """Current and goal latents (B, D), ``offsets`` (B, D) added -> the latents (B, D) the low level plans toward
        this re-plan; the search avoids nodes that ``guardrails`` put in a forbidden zone."""
        macros = self.search.macros(self.action_low.expand(action_dim), self.action_high.expand(action_dim))
        self.last_paths = self.search.search(world_model, latent, goal, macros, self.memory, guardrails, self.probe, offsets)
        self.last_subgoals = torch.stack([self._subgoal(path, g) for path, g in zip(self.last_paths, goal, strict=True)])
        self.overrides, holding = {}, set()
        centre = ((self.action_low + self.action_high) / 2).expand(action_dim)
        for episode, path in enumerate(self.last_paths):
            if self.hold_radius is not None and float((latent[episode] - goal[episode]).norm()) <= self.hold_radius * path.scale:
                self.overrides[episode] = centre
                holding.add(episode)
            elif path.push is not None and len(path.latents) == 1 and self.probe is not None:
                self.overrides[episode] = path.push
                self.probe.pushed(episode, latent[episode], path.push)
        if self.sweep is not None:
            shift = offsets if offsets is not None else torch.zeros_like(latent)
            stalls = [[start + shift[episode] for start in self.memory.starts(episode)] for episode in range(len(latent))]
            sweeping = self.sweep.actions(world_model, latent, stalls, self.action_low.expand(action_dim), self.action_high.expand(action_dim))
            self.overrides |= {episode: action for episode, action in sweeping.items() if episode not in holding}
        return self.last_subgoals

    def corrections(self, batch: int) -> dict[str, torch.Tensor]:
        """Per episode (batch,), the stalls the memory remembered, the wall pushes the probe tried and the sweeps started (those it has)."""
        counted = {"stalls": self.memory, "wall_pushes": self.probe, "wall_sweeps": self.sweep}
        return {name: memory.counts(batch) for name, memory in counted.items() if memory is not None}

    def _subgoal(self, path: LatentPath, goal: torch.Tensor) -> torch.Tensor:
        if path.push is not None:  # a probe: the wall site, never the goal behind it
            return path.latents[min(self.subgoal_ahead, len(path.latents) - 1)]
        return goal if len(path.latents) - 1 <= self.subgoal_ahead else path.latents[self.subgoal_ahead]

    def initial_mean(self, batch_size: int, action_dim: int) -> torch.Tensor:
        return self.low.initial_mean(batch_size, action_dim)

    def plan(self, cost_fn: CostFn, init: torch.Tensor) -> torch.Tensor:
        """The low level's plans (B, H, A), but held still or pushing for the episodes ``subgoals`` said so."""
        actions = self.low.plan(cost_fn, init)
        for episode, action in self.overrides.items():
            actions[episode] = action.to(actions)
        return actions
