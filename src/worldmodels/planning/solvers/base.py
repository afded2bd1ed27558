"""What every solver shares: an action box, the warm-start mean, and noise drawn from each episode's own generator."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch

CostFn = Callable[[torch.Tensor], torch.Tensor]
"""Maps action sequences (B, S, H, A) — S candidates for each of B episodes — to costs (B, S)."""


def episode_randn(generators: Sequence[torch.Generator], *shape: int) -> torch.Tensor:
    """(B, *shape) standard normals, row b drawn from ``generators[b]`` alone: an episode's draws do not depend on which
    other episodes share its batch."""
    return torch.stack([torch.randn(*shape, generator=generator) for generator in generators])


class BoxSolver:
    """Base class of the solvers: ``solve(cost_fn, init, generators)`` returns the best action sequences (B, H, A).

    ``init`` (B, H, A) is the starting mean (the shifted previous plan for warm starts, ``initial_mean`` otherwise);
    ``generators`` holds one ``torch.Generator`` per episode, so every row of the result depends only on its own
    episode. Actions are kept in [−``max_action``, ``max_action``], or in [``action_low``, ``action_high``] when given
    (scalars or (A,) bounds). ``reset`` forgets what a solver keeps between re-plans (new episodes).
    """

    def __init__(
        self,
        horizon: int,
        max_action: float | list[float] = 1.0,
        action_low: float | list[float] | None = None,
        action_high: float | list[float] | None = None,
    ) -> None:
        self.horizon = horizon
        bound = torch.as_tensor(max_action, dtype=torch.float32)
        self.action_low = -bound if action_low is None else torch.as_tensor(action_low, dtype=torch.float32)
        self.action_high = bound if action_high is None else torch.as_tensor(action_high, dtype=torch.float32)

    @property
    def action_range(self) -> torch.Tensor:
        return self.action_high - self.action_low

    def clip(self, actions: torch.Tensor) -> torch.Tensor:
        return torch.maximum(torch.minimum(actions, self.action_high), self.action_low)

    def initial_mean(self, batch_size: int, action_dim: int) -> torch.Tensor:
        """(B, H, A): the middle of the action box."""
        return ((self.action_low + self.action_high) / 2).expand(batch_size, self.horizon, action_dim).clone()

    def reset(self) -> None:
        """Forget state kept between re-plans (none by default)."""

    def solve(self, cost_fn: CostFn, init: torch.Tensor, generators: Sequence[torch.Generator]) -> torch.Tensor:
        raise NotImplementedError


def gather_samples(samples: torch.Tensor, indices: torch.Tensor) -> torch.Tensor:
    """samples (B, S, H, A), indices (B, E) -> (B, E, H, A)."""
    return samples.gather(1, indices[..., None, None].expand(-1, -1, *samples.shape[2:]))
