"""Closed-loop correction of a model that believes a passage closed: push, in the world, where the model says wall."""

from __future__ import annotations

from typing import TYPE_CHECKING

import torch

from worldmodels.planning.transition_memory import TransitionMemory

if TYPE_CHECKING:
    from worldmodels.planning.latent_graph import LatentPath


class WallProbe:
    """Per episode, pushes into what the model says is a wall, nearest the goal first, each site tried once.

    A world model can believe a real passage closed (a door whose place it misreads). Its predictions then lead
    nowhere near it, and the graph search floods only the side the model believes reachable: the dot waits in front of
    the wall. ``StallMemory`` corrects the opposite error (a passage the model believes open); this corrects that one.
    When an episode is ``stuck`` (the searched path ends further than ``beyond`` macro-steps from the goal, and either
    at its start while the episode was already probing or, since the last re-plan, the dot neither came ``progress``
    macro-steps nearer the goal nor moved that far, or within
    ``dead_end`` macro-steps of a push already tried), the search asks ``choose`` for a wall to push at: among the
    (node, macro-action) pairs the model predicts blocked, the untried one with the least goal distance + ``travel`` ×
    its depth in macro-steps (× the macro-step length); at a node, the most blocked macro-action first. The planner
    leads the dot there and pushes for one chunk (``pushed`` remembers it). If the world blocks too, the next re-plan
    picks the next site; if the world lets the dot through, it is past what the model thought a wall and the search
    goes on from there. A site within ``radius`` macro-steps of a tried push, heading its way (cosine above
    ``cosine``), counts as tried.
    """

    def __init__(self, beyond: float = 0.25, progress: float = 0.25, travel: float = 1.0, radius: float = 0.3, dead_end: float = 1.0,
                 cosine: float = 0.5) -> None:  # fmt: skip
        self.beyond, self.progress, self.travel, self.radius, self.dead_end = beyond, progress, travel, radius, dead_end
        self.tried = TransitionMemory(cosine)
        self.last: dict[int, torch.Tensor] = {}  # episode -> its start latent at the last re-plan
        self.probing: set[int] = set()  # the episodes stuck at the last re-plan

    def reset(self, batch: int) -> None:
        """Forget the tried pushes and the last starts (new episodes)."""
        self.tried.reset(batch)
        self.last, self.probing = {}, set()

    def counts(self, batch: int) -> torch.Tensor:
        """Pushes tried per episode (batch,)."""
        return self.tried.counts(batch)

    def stuck(self, episode: int, path: LatentPath, goal: torch.Tensor) -> bool:
        """Whether ``episode``'s searched ``path`` toward ``goal`` (D,) ends further than ``beyond`` macro-steps from
        it, at its start while probing or with neither progress nor a move since the last re-plan, or near a tried push
        (a wall the world showed closed). Call once per re-plan: it remembers the start and whether it was stuck."""
        stuck = self._stuck(episode, path, goal)
        (self.probing.add if stuck else self.probing.discard)(episode)
        return stuck

    def _stuck(self, episode: int, path: LatentPath, goal: torch.Tensor) -> bool:
        start, previous = path.latents[0], self.last.get(episode)
        self.last[episode] = start
        if path.goal_distance <= self.beyond * path.scale:
            return False
        if len(path.latents) == 1:
            if episode in self.probing:
                return True
            step = self.progress * path.scale
            return (previous is not None and float((start - goal).norm()) > float((previous - goal).norm()) - step
                    and float((start - previous).norm()) < step)  # fmt: skip
        tried = self.tried.starts(episode)
        return bool(tried) and float(torch.cdist(path.latents[-1:], torch.stack(tried)).min()) < self.dead_end * path.scale

    def choose(self, episode: int, latents: torch.Tensor, depths: torch.Tensor, headings: torch.Tensor, moved: torch.Tensor,
               goal: torch.Tensor, scale: float) -> int | None:  # fmt: skip
        """Which of W wall pushes to try: their node latents (W, D), node depths (W,), macro-actions (W, A) and predicted
        moves (W,), for ``goal`` (D,) and macro-step length ``scale``; None when all were tried."""
        untried = ~self.tried.blocked(episode, latents[:, None], headings, self.radius * scale)
        if not untried.any():
            return None
        score = ((latents - goal).norm(dim=-1) + self.travel * depths * scale).masked_fill(~untried, float("inf"))
        site = score <= score.min() + 1e-6 * scale  # the best node's pushes
        return int(moved.masked_fill(~site, float("inf")).argmin())

    def pushed(self, episode: int, latent: torch.Tensor, push: torch.Tensor) -> None:
        """Remember that ``episode`` pushed with macro-action ``push`` (A,) from ``latent`` (D,)."""
        self.tried.remember(episode, latent, push)
