"""Honest planning budgets: every call a planner makes to the world model, counted by phase."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import torch

from worldmodels.interfaces import LatentWorldModel


class ModelCalls:
    """A world model seen through a counter: ``encode``, ``rollout`` and ``macro_step`` pass through and add to
    ``transitions[phase]`` the latent transitions they predict (rows × steps; a learned k-step model's call is one per
    row), to ``calls[phase]`` one per call, and to ``encoded`` the images they encode. ``phase(name)`` sets the phase
    (e.g. "search", "solver"); other attributes are the model's."""

    def __init__(self, world_model: LatentWorldModel) -> None:
        self.world_model = world_model
        self._phase = "other"
        self.clear()

    def clear(self) -> None:
        """Start counting from zero."""
        self.transitions: Counter[str] = Counter()
        self.calls: Counter[str] = Counter()
        self.encoded = 0

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        previous, self._phase = self._phase, name
        try:
            yield
        finally:
            self._phase = previous

    def encode(self, obs: torch.Tensor) -> torch.Tensor:
        """Observations (B, C, H, W) -> latents (B, D)."""
        self.encoded += obs.shape[0]
        return self.world_model.encode(obs)

    def rollout(self, latent: torch.Tensor, actions: torch.Tensor) -> torch.Tensor:
        """z_0 (N, D), actions (N, T, A) -> (N, T, D); counts N · T transitions."""
        self.transitions[self._phase] += actions.shape[0] * actions.shape[1]
        self.calls[self._phase] += 1
        return self.world_model.rollout(latent, actions)

    def macro_step(self, latent: torch.Tensor, actions: torch.Tensor) -> torch.Tensor:
        """z_t (N, D), k actions (N, k, A) -> z_{t+k} (N, D); counts N transitions of the learned k-step model."""
        self.transitions[f"{self._phase}_macro"] += actions.shape[0]
        self.calls[self._phase] += 1
        return self.world_model.macro_step(latent, actions)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.world_model, name)

    def totals(self) -> dict[str, int]:
        """Transitions by phase and in all, and calls in all."""
        return {
            **{f"transitions_{phase}": count for phase, count in sorted(self.transitions.items())},
            "transitions": sum(self.transitions.values()),
            "calls": sum(self.calls.values()),
            "encoded": self.encoded,
        }
