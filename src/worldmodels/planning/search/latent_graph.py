"""High-level planning: breadth-first search over the world model's own k-step transitions in latent space.

From the current latent, every node is expanded by a fixed set of macro-actions (one action held for ``k`` model
steps); a child that barely moves (pushed into an obstacle) or lands within ``merge`` of a known node is dropped.
The search floods what the model says is reachable, so its paths follow the obstacles the model has learned (walls,
doors) instead of the straight line a latent distance suggests. The path to the node nearest the goal gives the
subgoal latents a solver then chases. The search knows nothing of corrections: it takes ``filters``, anything with
``blocked(episode, paths, headings, radius)`` (a ``Correction``), and drops the transitions they rule out.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import torch

from worldmodels.interfaces import LatentWorldModel
from worldmodels.planning.guardrail import Guardrail


class TransitionFilter(Protocol):
    """What the search asks of a filter: which of an episode's transitions (the latents they pass (N, k, D), their action
    headings (N, A)) come within ``radius`` of something it rules out, (N,) bool."""

    def blocked(self, episode: int, paths: torch.Tensor, headings: torch.Tensor, radius: float | torch.Tensor) -> torch.Tensor: ...


@dataclass
class LatentPath:
    """A searched path: node latents from the start (P, D) (``latents[0]`` is the start), its macro-actions (P - 1, A),
    the number of nodes the search made, the last node's latent distance to the goal and the search's macro-step length
    (latent units)."""

    latents: torch.Tensor
    macros: torch.Tensor
    nodes: int
    goal_distance: float
    scale: float = 1.0


def macro_directions(action_dim: int, count: int, seed: int = 0) -> torch.Tensor:
    """``count`` directions (count, A) with max-norm 1: evenly spaced angles for A = 2, otherwise the 2A axis directions
    then seeded random directions."""
    if action_dim == 2:
        angles = torch.arange(count) * (2 * math.pi / count)
        directions = torch.stack([angles.cos(), angles.sin()], dim=-1)
    else:
        axes = torch.cat([torch.eye(action_dim), -torch.eye(action_dim)])
        extra = torch.randn(max(count - len(axes), 0), action_dim, generator=torch.Generator().manual_seed(seed))
        directions = torch.cat([axes, extra])[:count]
    return directions / directions.abs().amax(-1, keepdim=True)


class LatentGraphSearch:
    """Breadth-first search over macro-action transitions of a world model, proposing subgoals (``propose``).

    ``transition`` says which model moves a node by a macro-action: ``rollout`` rolls the low-level model out k steps
    (``rollout(latent (N, D), actions (N, k, A))`` -> (N, k, D)); ``high_level`` makes one call to the world model's
    learned k-step model (``macro_step(latent (N, D), actions (N, k, A))`` -> (N, D); train with ``high_level=macro_mlp``).

    Args:
        macro_steps: k, model steps one macro-action is held.
        directions: macro-actions per node (evenly spaced headings for 2-D actions).
        macro_scale: macro-action magnitude as a fraction of the action box's half-range.
        max_depth: macro-actions along the longest path searched.
        max_nodes: the search stops growing past this many nodes.
        merge: a child within ``merge`` × (median root step) of a known node is the same node.
        min_move: a child that moved less than ``min_move`` × (median root step) is dropped (blocked).
        filter_radius: the radius, × (median root step), the ``filters`` are asked about (a ``TransitionMemory`` drops
            transitions passing that close to a remembered stall, heading its way).
        goal_tolerance: the path ends at the shallowest node within ``goal_tolerance`` × (median root step) of the
            nearest node's goal distance (0: the nearest node). Predicted latents drift along long detours, so the
            nearest node is often a detour; a tolerance keeps the path short and stable between re-plans.
        transition: ``rollout`` (the low-level model, k calls per depth) or ``high_level`` (the learned k-step model).
        subgoal_ahead: ``propose`` returns the path's node this many macro-steps ahead (the goal itself once the path
            is that short).
    """

    TRANSITIONS = ("rollout", "high_level")

    def __init__(
        self,
        macro_steps: int = 4,
        directions: int = 8,
        macro_scale: float = 1.0,
        max_depth: int = 40,
        max_nodes: int = 2000,
        merge: float = 0.5,
        min_move: float = 0.25,
        filter_radius: float = 0.5,
        transition: str = "rollout",
        goal_tolerance: float = 0.0,
        subgoal_ahead: int = 1,
    ) -> None:
        if transition not in self.TRANSITIONS:
            raise ValueError(f"transition={transition!r}; allowed: {self.TRANSITIONS}")
        self.macro_steps, self.directions, self.macro_scale = macro_steps, directions, macro_scale
        self.max_depth, self.max_nodes, self.merge, self.min_move = max_depth, max_nodes, merge, min_move
        self.filter_radius, self.transition, self.goal_tolerance, self.subgoal_ahead = (
            filter_radius,
            transition,
            goal_tolerance,
            subgoal_ahead,
        )
        self.last_paths: list[LatentPath] = []

    def macros(self, action_low: torch.Tensor, action_high: torch.Tensor) -> torch.Tensor:
        """The macro-actions (M, A) within the box [action_low, action_high] ((A,) each)."""
        centre, half = (action_low + action_high) / 2, (action_high - action_low) / 2
        return centre + self.macro_scale * half * macro_directions(len(centre), self.directions)

    def propose(
        self,
        world_model: LatentWorldModel,
        latents: torch.Tensor,
        goals: torch.Tensor,
        action_low: torch.Tensor,
        action_high: torch.Tensor,
        filters: Sequence[TransitionFilter] = (),
        guardrails: Sequence[Guardrail] = (),
    ) -> torch.Tensor:
        """Current and goal latents (B, D) -> the subgoal latents (B, D) a solver plans toward this re-plan: each path's
        node ``subgoal_ahead`` macro-steps ahead, or the goal once the path is that short. The paths stay in
        ``last_paths``."""
        self.last_paths = self.search(world_model, latents, goals, self.macros(action_low, action_high), filters, guardrails)
        ahead = [
            goal if len(path.latents) - 1 <= self.subgoal_ahead else path.latents[self.subgoal_ahead]
            for path, goal in zip(self.last_paths, goals, strict=True)
        ]
        return torch.stack(ahead)

    @torch.no_grad()
    def search(
        self,
        world_model: LatentWorldModel,
        starts: torch.Tensor,
        goals: torch.Tensor,
        macros: torch.Tensor,
        filters: Sequence[TransitionFilter] = (),
        guardrails: Sequence[Guardrail] = (),
    ) -> list[LatentPath]:
        """For every episode, the path (of node latents) from its start to the searched node nearest its goal.

        ``starts`` and ``goals`` are (B, D); every node is expanded by ``macros`` (M, A) (see ``macros``). The B
        searches advance together, one batched model rollout per depth; each tree reads only its own rows, so an
        episode's path does not depend on the others. Transitions a filter calls blocked for that episode are dropped;
        so are children that a guardrail puts in its forbidden zone.
        """
        macros = macros.to(starts)
        held = macros[:, None].expand(-1, self.macro_steps, -1)
        if self.transition == "high_level":
            model = getattr(world_model, "high_level", None)
            if model is None or model.macro_steps != self.macro_steps:
                found = "none" if model is None else f"one of {model.macro_steps} steps"
                raise ValueError(
                    f"transition=high_level needs a world model trained with a {self.macro_steps}-step high-level model "
                    f"(high_level=macro_mlp high_level.macro_steps={self.macro_steps}); this model has {found}"
                )
        trees = [_Tree(start, episode) for episode, start in enumerate(starts)]
        for _ in range(self.max_depth):
            growing = [tree for tree in trees if tree.frontier and len(tree.latents) < self.max_nodes]
            if not growing:
                break
            parents = torch.cat([tree.latents[tree.frontier] for tree in growing])
            flat_parents = parents.repeat_interleave(len(macros), 0)
            rolled = self._transition(world_model, flat_parents, held.repeat(len(parents), 1, 1))  # (F·M, k, D)
            children = rolled[:, -1]
            moved = (children - flat_parents).norm(dim=-1)
            free = torch.ones_like(moved, dtype=torch.bool)  # not in a guardrail's zone, not ruled out by a filter
            for guardrail in guardrails:
                free &= ~guardrail.violates(rolled).any(dim=1)
            begin = 0
            for tree in growing:
                end = begin + len(tree.frontier) * len(macros)
                tree_moved, tree_free = moved[begin:end], free[begin:end]
                if tree.scale is None:
                    tree.scale = (
                        tree_moved.masked_fill(~tree_free, 0.0).median().clamp_min(1e-8)
                    )  # a free macro-step's length, from the root's children
                if filters:
                    paths = torch.cat([flat_parents[begin:end, None], rolled[begin:end, :-1]], dim=1)  # where each macro-step passes
                    headings = macros.repeat(len(tree.frontier), 1)
                    for transition_filter in filters:
                        tree_free = tree_free & ~transition_filter.blocked(tree.episode, paths, headings, self.filter_radius * tree.scale)
                tree.grow(children[begin:end], tree_moved, tree_free, len(macros), self.merge, self.min_move)
                begin = end
        return [tree.path(goal, macros, self.goal_tolerance) for tree, goal in zip(trees, goals, strict=True)]

    def _transition(self, world_model: LatentWorldModel, parents: torch.Tensor, actions: torch.Tensor) -> torch.Tensor:
        """Parents (N, D) and held macro-actions (N, k, A) -> the latents after each of the k steps (N, k, D); the
        high-level model predicts only the last, and the steps before it are taken on the straight line to it."""
        if self.transition == "rollout":
            return world_model.rollout(parents, actions)
        child = world_model.macro_step(parents, actions)
        fractions = torch.arange(1, self.macro_steps + 1, dtype=parents.dtype, device=parents.device) / self.macro_steps
        return parents[:, None] + fractions[None, :, None] * (child - parents)[:, None]


class _Tree:
    """One episode's search: node latents (N, D), each node's parent and macro-action index, and the current frontier."""

    def __init__(self, start: torch.Tensor, episode: int) -> None:
        self.episode = episode
        self.latents = start[None]
        self.parents, self.via, self.depths = [-1], [-1], [0]
        self.frontier = [0]
        self.scale: torch.Tensor | None = None

    def grow(self, children: torch.Tensor, moved: torch.Tensor, free: torch.Tensor, num_macros: int, merge: float, min_move: float) -> None:
        """Add the frontier's children (F·M, D) that moved (F·M,) far enough, are ``free`` (F·M,) (not ruled out by a
        filter, not in a guardrail's zone) and new; they become the frontier."""
        radius = merge * self.scale
        blocked = moved <= min_move * self.scale
        candidates = torch.nonzero(~blocked & free & (torch.cdist(children, self.latents).amin(-1) >= radius)).flatten()
        close = (torch.cdist(children[candidates], children[candidates]) < radius).numpy()
        alive = np.ones(len(candidates), dtype=bool)  # not within the radius of a child kept before it
        kept: list[int] = []
        for i in range(len(candidates)):
            if alive[i]:
                kept.append(i)
                alive &= ~close[i]
        first = len(self.latents)
        chosen = candidates[kept].tolist()
        self.parents += [self.frontier[index // num_macros] for index in chosen]
        self.via += [index % num_macros for index in chosen]
        self.depths += [self.depths[self.frontier[index // num_macros]] + 1 for index in chosen]
        self.latents = torch.cat([self.latents, children[chosen]])
        self.frontier = list(range(first, len(self.latents)))

    def path(self, goal: torch.Tensor, macros: torch.Tensor, tolerance: float = 0.0) -> LatentPath:
        """The chain of nodes from the start to the shallowest node within ``tolerance`` × scale of the smallest
        distance to ``goal`` (D,) (nearest first among equally deep ones), with its macro-actions."""
        distances = (self.latents - goal).norm(dim=-1)
        slack = tolerance * float(self.scale) if self.scale is not None else 0.0
        near = torch.nonzero(distances <= distances.min() + slack).flatten().tolist()
        return self._chain(min(near, key=lambda node: (self.depths[node], float(distances[node]))), goal, macros)

    def _chain(self, node: int, goal: torch.Tensor, macros: torch.Tensor) -> LatentPath:
        chain = [node]
        while self.parents[chain[-1]] != -1:
            chain.append(self.parents[chain[-1]])
        chain.reverse()
        path_macros = macros[[self.via[i] for i in chain[1:]]]
        return LatentPath(self.latents[chain], path_macros, len(self.latents), float((self.latents[node] - goal).norm()), self.step)

    @property
    def step(self) -> float:
        """The macro-step length (latent units); 1 before the root was expanded."""
        return float(self.scale) if self.scale is not None else 1.0
