"""Cross-entropy method (CEM) and MPPI: sample around a Gaussian, refit it to the best samples."""

from __future__ import annotations

from collections.abc import Sequence

import torch

from worldmodels.planning.solvers.base import BoxSolver, CostFn, episode_randn, gather_samples


class CEMSolver(BoxSolver):
    """CEM: ``iterations`` rounds of ``samples`` Gaussian sequences (sample 0 = current mean), refit to ``elites``.

    ``init_std`` is a fraction of the action range; the std never falls below ``min_std`` (same units).
    """

    def __init__(
        self,
        horizon: int = 10,
        samples: int = 256,
        iterations: int = 5,
        elites: int = 16,
        init_std: float = 0.5,
        min_std: float = 0.02,
        **bounds,
    ) -> None:
        super().__init__(horizon, **bounds)
        if not 1 < elites <= samples:
            raise ValueError(f"elites={elites} must lie in [2, samples={samples}]")
        self.samples, self.iterations, self.elites = samples, iterations, elites
        self.init_std, self.min_std = init_std, min_std

    def sample(self, mean: torch.Tensor, std: torch.Tensor, generators: Sequence[torch.Generator]) -> torch.Tensor:
        """(B, H, A) mean and std -> clipped candidates (B, S, H, A) with candidate 0 the mean."""
        noise = episode_randn(generators, self.samples, *mean.shape[1:])
        noise[:, 0] = 0
        return self.clip(mean[:, None] + std[:, None] * noise)

    def refit(
        self, candidates: torch.Tensor, costs: torch.Tensor, mean: torch.Tensor, std: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        return self.fit_elites(gather_samples(candidates, costs.topk(self.elites, dim=1, largest=False).indices))

    def fit_elites(self, elite: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Elites (B, E, H, A) -> the Gaussian's mean and std (B, H, A), the std at least ``min_std`` of the range."""
        return elite.mean(1), elite.std(1).clamp_min(self.min_std * self.action_range)

    @torch.no_grad()
    def solve(self, cost_fn: CostFn, init: torch.Tensor, generators: Sequence[torch.Generator]) -> torch.Tensor:
        mean = init.clone()
        std = torch.ones_like(mean) * self.init_std * self.action_range
        best, best_cost = mean, torch.full((mean.shape[0],), float("inf"))
        for _ in range(self.iterations):
            candidates = self.sample(mean, std, generators)
            costs = cost_fn(candidates)
            top = costs.argmin(1)
            improved = costs.gather(1, top[:, None])[:, 0] < best_cost
            best = torch.where(improved[:, None, None], candidates[torch.arange(len(top)), top], best)
            best_cost = torch.minimum(best_cost, costs.gather(1, top[:, None])[:, 0])
            mean, std = self.refit(candidates, costs, mean, std)
        return best


class MPPISolver(CEMSolver):
    """MPPI (TD-MPC2 style): elites weighted by exp(−(c − c_min) / temperature); std clamped to [min_std, max_std]."""

    def __init__(self, temperature: float = 0.5, max_std: float = 2.0, **kwargs) -> None:
        super().__init__(**kwargs)
        self.temperature, self.max_std = temperature, max_std

    def refit(
        self, candidates: torch.Tensor, costs: torch.Tensor, mean: torch.Tensor, std: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        top = costs.topk(self.elites, dim=1, largest=False)
        elite = gather_samples(candidates, top.indices)
        weights = torch.softmax(-(top.values - top.values[:, :1]) / self.temperature, dim=1)[..., None, None]
        new_mean = (weights * elite).sum(1)
        new_std = (weights * (elite - new_mean[:, None]).square()).sum(1).sqrt()
        scale = self.action_range
        return new_mean, torch.minimum(new_std.clamp_min(self.min_std * scale), self.max_std * scale)
