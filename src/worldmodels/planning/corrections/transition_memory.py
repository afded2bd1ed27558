"""The transition memory: executed transitions the world refused, pruned from the search for the rest of the episode."""

from __future__ import annotations

import torch

from worldmodels.planning.corrections.base import Correction, Transition


class TransitionMemory(Correction):
    """Per episode, the places where executed actions moved the latent far less than the model predicted.

    After each executed chunk ``observe`` compares the observed latent move ``|after − before|`` with the predicted one
    ``|predicted − before|``: when the model promised a move of more than ``min_move`` (latent units) and the world gave
    less than ``stall_ratio`` of it (a stall: the model predicted passing where the world blocks), the start latent and
    the chunk's mean action heading are remembered. ``blocked`` then says which transitions of a search repeat a stall
    (come within ``radius`` of its start latent while heading its way: cosine above ``cosine``), and the search drops
    them, so re-planning tries another way instead of pushing into the same obstacle again. Nothing here assumes a
    kind of environment or action space.
    """

    def __init__(self, stall_ratio: float = 0.3, cosine: float = 0.5, min_move: float = 0.0) -> None:
        self.stall_ratio, self.cosine, self.min_move = stall_ratio, cosine, min_move
        self.latents: list[list[torch.Tensor]] = []
        self.directions: list[list[torch.Tensor]] = []

    def reset(self, batch: int) -> None:
        self.latents = [[] for _ in range(batch)]
        self.directions = [[] for _ in range(batch)]

    def __len__(self) -> int:
        """Stalls remembered over all episodes."""
        return sum(len(remembered) for remembered in self.latents)

    def starts(self, episode: int) -> list[torch.Tensor]:
        """The start latents (D,) of ``episode``'s stalls (none for an episode never seen)."""
        return self.latents[episode] if episode < len(self.latents) else []

    def counts(self, batch: int) -> torch.Tensor:
        """Stalls remembered per episode (batch,)."""
        return torch.tensor([len(self.starts(b)) for b in range(batch)])

    def remember(self, episode: int, latent: torch.Tensor, direction: torch.Tensor) -> None:
        """Add the transition from ``latent`` (D,) heading ``direction`` (A,) (any non-zero length) to ``episode``."""
        while len(self.latents) <= episode:
            self.latents.append([])
            self.directions.append([])
        self.latents[episode].append(latent)
        self.directions[episode].append(direction / direction.norm())

    def observe(self, transition: Transition) -> None:
        """Remember the episodes whose executed chunk stalled."""
        before, after = transition.before, transition.after
        if len(self.latents) != len(before):
            self.reset(len(before))
        promised = (transition.predicted - before).norm(dim=-1)
        observed = (after - before).norm(dim=-1)
        direction = transition.actions.mean(dim=1)
        stalled = (promised > self.min_move) & (observed < self.stall_ratio * promised) & (direction.norm(dim=-1) > 0)
        for episode in torch.nonzero(stalled).flatten().tolist():
            self.remember(episode, before[episode], direction[episode])

    def blocked(self, episode: int, paths: torch.Tensor, headings: torch.Tensor, radius: float | torch.Tensor) -> torch.Tensor:
        """(N,) True where transition n (latents along it (N, k, D), action heading (N, A)) repeats a stall of ``episode``."""
        starts = self.starts(episode)
        if not starts:
            return torch.zeros(len(paths), dtype=torch.bool)
        near = (torch.cdist(paths, torch.stack(starts)[None]) < radius).any(dim=1)  # (N, K)
        unit = headings / headings.norm(dim=-1, keepdim=True).clamp_min(1e-12)
        same_way = unit @ torch.stack(self.directions[episode]).T > self.cosine  # (N, K)
        return (near & same_way).any(dim=1)
