"""Gradient-based planning: Adam on the action sequences through the differentiable world model."""

from __future__ import annotations

from collections.abc import Sequence

import torch

from worldmodels.planning.solvers.base import BoxSolver, CostFn, episode_randn


class GradientSolver(BoxSolver):
    """``samples`` restarts (the first at ``init``, the others Gaussian around it) optimised by Adam for
    ``iterations`` steps with learning rate ``lr`` (a fraction of the action range), projected to the bounds."""

    def __init__(
        self, horizon: int = 10, samples: int = 16, iterations: int = 20, lr: float = 0.1, init_std: float = 0.3, **bounds
    ) -> None:
        super().__init__(horizon, **bounds)
        self.samples, self.iterations, self.lr, self.init_std = samples, iterations, lr, init_std

    def solve(self, cost_fn: CostFn, init: torch.Tensor, generators: Sequence[torch.Generator]) -> torch.Tensor:
        noise = episode_randn(generators, self.samples, *init.shape[1:]) * self.init_std * self.action_range
        noise[:, 0] = 0
        actions = self.clip(init[:, None] + noise).requires_grad_(True)
        optimizer = torch.optim.Adam([actions], lr=self.lr * float(self.action_range.max()))
        with torch.enable_grad():
            for _ in range(self.iterations):
                costs = cost_fn(actions)
                optimizer.zero_grad()
                costs.sum().backward()
                optimizer.step()
                with torch.no_grad():
                    actions.copy_(self.clip(actions))
        with torch.no_grad():
            costs = cost_fn(actions)
            return actions.detach()[torch.arange(init.shape[0]), costs.argmin(1)]
