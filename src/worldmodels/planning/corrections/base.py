"""The hook interface of closed-loop corrections: what the controller tells them after every executed chunk, and what
they may tell it back."""

from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass
class Transition:
    """An executed chunk of B episodes: the latents before it (B, D), its actions (B, k, A), the model's predicted
    latents after it (B, D) and the observed latents after it (B, D)."""

    before: torch.Tensor
    actions: torch.Tensor
    predicted: torch.Tensor
    after: torch.Tensor


class Correction:
    """A closed-loop correction of the world model's errors during an episode; the defaults do nothing.

    The controller calls, for every correction alike: ``reset(batch)`` at new episodes; ``observe(transition)`` after
    every executed chunk; ``blocked(episode, paths, headings, radius)`` inside the search, to prune transitions the
    correction rules out; ``propose(latent, goal)`` before executing a plan, to replace the actions of some episodes;
    ``counts(batch)`` for the per-episode record.
    """

    def reset(self, batch: int) -> None:
        """Forget everything (new episodes)."""

    def observe(self, transition: Transition) -> None:
        """Learn from an executed chunk."""

    def blocked(self, episode: int, paths: torch.Tensor, headings: torch.Tensor, radius: float | torch.Tensor) -> torch.Tensor:
        """(N,) True where the search's transition n of ``episode`` (the latents it passes (N, k, D), its action heading
        (N, A)) is ruled out."""
        return torch.zeros(len(paths), dtype=torch.bool)

    def propose(self, latent: torch.Tensor, goal: torch.Tensor) -> torch.Tensor | None:
        """Current and goal latents (B, D) -> an action (B, A) for the episodes to act on instead of the plan's first
        action (NaN rows: follow the plan), or None for none."""
        return None

    def counts(self, batch: int) -> torch.Tensor:
        """What this correction did per episode (batch,), for episodes.csv."""
        return torch.zeros(batch, dtype=torch.long)
