"""The planner interface: minimise a batched cost over action sequences within action bounds."""

from __future__ import annotations

from collections.abc import Callable

import torch

CostFn = Callable[[torch.Tensor], torch.Tensor]
"""Maps action sequences (B, S, H, A) — S candidates for each of B problems — to costs (B, S)."""


class Planner:
    """Base class: ``plan(cost_fn, init)`` returns the best action sequences (B, H, A) found.

    ``init`` (B, H, A) is the starting mean (the shifted previous plan for warm starts, zeros otherwise).
    Actions are kept in [−``max_action``, ``max_action``], or in [``action_low``, ``action_high``] when given
    (scalars or (A,) bounds).
    """

    def __init__(self, horizon: int, max_action: float | list[float] = 1.0, action_low: float | list[float] | None = None,
                 action_high: float | list[float] | None = None, seed: int = 0) -> None:  # fmt: skip
        self.horizon = horizon
        bound = torch.as_tensor(max_action, dtype=torch.float32)
        self.action_low = -bound if action_low is None else torch.as_tensor(action_low, dtype=torch.float32)
        self.action_high = bound if action_high is None else torch.as_tensor(action_high, dtype=torch.float32)
        self.generator = torch.Generator().manual_seed(seed)

    @property
    def action_range(self) -> torch.Tensor:
        return self.action_high - self.action_low

    def clip(self, actions: torch.Tensor) -> torch.Tensor:
        return torch.maximum(torch.minimum(actions, self.action_high), self.action_low)

    def initial_mean(self, batch_size: int, action_dim: int) -> torch.Tensor:
        """(B, H, A): the middle of the action box."""
        return ((self.action_low + self.action_high) / 2).expand(batch_size, self.horizon, action_dim).clone()

    def randn(self, *shape: int) -> torch.Tensor:
        return torch.randn(*shape, generator=self.generator)

    def plan(self, cost_fn: CostFn, init: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError


def gather_samples(samples: torch.Tensor, indices: torch.Tensor) -> torch.Tensor:
    """samples (B, S, H, A), indices (B, E) -> (B, E, H, A)."""
    return samples.gather(1, indices[..., None, None].expand(-1, -1, *samples.shape[2:]))
