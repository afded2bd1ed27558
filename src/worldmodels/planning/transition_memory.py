"""Closed-loop correction of a world model's errors during an episode: transitions the world did not follow, and
pushes into walls already tried."""

from __future__ import annotations

import torch


class TransitionMemory:
    """Per episode, remembered transitions: where each started (a latent (D,)) and its action heading (a unit (A,)).

    ``remember(episode, latent, direction)`` adds one; ``blocked(episode, paths (N, k, D), headings (N, A), radius)``
    says which transitions (the latents they pass through, from their start on) come within ``radius`` of a remembered
    one while heading the same way (cosine above ``cosine``). ``reset(batch)`` forgets everything (new episodes).
    """

    def __init__(self, cosine: float = 0.5) -> None:
        self.cosine = cosine
        self.latents: list[list[torch.Tensor]] = []
        self.directions: list[list[torch.Tensor]] = []

    def reset(self, batch: int) -> None:
        self.latents = [[] for _ in range(batch)]
        self.directions = [[] for _ in range(batch)]

    def __len__(self) -> int:
        """Transitions remembered over all episodes."""
        return sum(len(remembered) for remembered in self.latents)

    def starts(self, episode: int) -> list[torch.Tensor]:
        """The start latents (D,) remembered for ``episode`` (none for an episode never seen)."""
        return self.latents[episode] if episode < len(self.latents) else []

    def counts(self, batch: int) -> torch.Tensor:
        """Transitions remembered per episode (batch,)."""
        return torch.tensor([len(self.starts(b)) for b in range(batch)])

    def remember(self, episode: int, latent: torch.Tensor, direction: torch.Tensor) -> None:
        """Add the transition from ``latent`` (D,) heading ``direction`` (A,) (any non-zero length) to ``episode``."""
        while len(self.latents) <= episode:
            self.latents.append([])
            self.directions.append([])
        self.latents[episode].append(latent)
        self.directions[episode].append(direction / direction.norm())

    def blocked(self, episode: int, paths: torch.Tensor, headings: torch.Tensor, radius: float | torch.Tensor) -> torch.Tensor:
        """(N,) True where transition n (latents along it (N, k, D), action heading (N, A)) repeats one of ``episode``."""
        starts = self.starts(episode)
        if not starts:
            return torch.zeros(len(paths), dtype=torch.bool)
        near = (torch.cdist(paths, torch.stack(starts)[None]) < radius).any(dim=1)  # (N, K)
        unit = headings / headings.norm(dim=-1, keepdim=True).clamp_min(1e-12)
        same_way = unit @ torch.stack(self.directions[episode]).T > self.cosine  # (N, K)
        return (near & same_way).any(dim=1)


class StallMemory(TransitionMemory):
    """Per episode, the places where executed actions moved the latent far less than the model predicted.

    After each executed chunk of actions, ``record(before (B, D), actions (B, k, A), predicted (B, D), after (B, D))``
    compares the observed latent move ``|after − before|`` with the predicted one ``|predicted − before|``: when the
    model promised a move of at least ``min_move`` (latent units) and the world gave less than ``stall_ratio`` of it,
    the start latent and the chunk's mean action direction are remembered (the model predicted passing where the world
    blocks, e.g. a wall it thinks is a door). ``blocked`` then says which transitions of a graph search repeat a stall:
    the search drops them, so re-planning tries another way instead of pushing into the same wall again.
    """

    def __init__(self, stall_ratio: float = 0.3, cosine: float = 0.5, min_move: float = 0.0) -> None:
        super().__init__(cosine)
        self.stall_ratio, self.min_move = stall_ratio, min_move

    def record(self, before: torch.Tensor, actions: torch.Tensor, predicted: torch.Tensor, after: torch.Tensor) -> torch.Tensor:
        """Remember the episodes whose executed chunk stalled; returns which did (B,) bool."""
        if len(self.latents) != len(before):
            self.reset(len(before))
        promised = (predicted - before).norm(dim=-1)
        observed = (after - before).norm(dim=-1)
        direction = actions.mean(dim=1)
        stalled = (promised > self.min_move) & (observed < self.stall_ratio * promised) & (direction.norm(dim=-1) > 0)
        for episode in torch.nonzero(stalled).flatten().tolist():
            self.remember(episode, before[episode], direction[episode])
        return stalled
