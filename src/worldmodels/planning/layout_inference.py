"""Closed-loop correction of a world model's belief about the scene: infer, per episode, the static latent dims (the
layout: walls, doors) that make the model predict what the executed actions did."""

from __future__ import annotations

from collections import deque
from typing import Any

import torch


class LayoutInference:
    """Per episode, an offset (S,) on the latent's static dims ``static_from:`` fitted to the transitions observed.

    The world model reads the layout from the latent's static dims (a world model trained with
    ``regularizer.static_across_trajectories``: dims ``frame_dims:`` hold what does not move within an episode). A
    model that places a door only roughly predicts passes beside it; when the world stalls such a move, ``observe``
    fits the episode's offset δ by ``steps`` Adam steps (learning rate ``lr``) so that the model, started from the
    observed latents with δ added to their static dims, predicts the observed moves of the dynamic dims (squared error,
    mean over all the episode's stalls and its last ``window`` other chunks; ``l2`` × |δ|² keeps δ small). ``offsets``
    returns δ in full latent shape, for the planner to add to the current and goal latents (both see the same layout).
    An episode is fitted only once it has stalled: before, the model's own belief stands (δ = 0).
    """

    def __init__(self, static_from: int, steps: int = 30, lr: float = 0.1, window: int = 32, l2: float = 0.01) -> None:
        self.static_from, self.steps, self.lr, self.window, self.l2 = static_from, steps, lr, window, l2
        self.delta: torch.Tensor | None = None  # (B, S)
        self.moves: list[deque[tuple[torch.Tensor, torch.Tensor, torch.Tensor]]] = []  # per episode, the last ``window``: (before (D,), actions (k, A), after (D,))
        self.stalls: list[list[tuple[torch.Tensor, torch.Tensor, torch.Tensor]]] = []

    def reset(self, batch: int) -> None:
        self.delta, self.moves, self.stalls = None, [deque(maxlen=self.window) for _ in range(batch)], [[] for _ in range(batch)]

    def offsets(self, latent: torch.Tensor) -> torch.Tensor:
        """Current latents (B, D) -> the offsets (B, D) to add to them and to their goals (zeros on dynamic dims)."""
        offsets = torch.zeros_like(latent)
        if self.delta is not None and len(self.delta) == len(latent):
            offsets[:, self.static_from :] = self.delta.to(latent)
        return offsets

    def observe(self, world_model: Any, before: torch.Tensor, actions: torch.Tensor, after: torch.Tensor, stalled: torch.Tensor) -> None:
        """Executed chunks: latents before (B, D) and after (B, D) them, their actions (B, k, A), which stalled (B,)
        bool; refits the offsets of the episodes that stalled."""
        batch = len(before)
        if len(self.moves) != batch:
            self.reset(batch)
        if self.delta is None:
            self.delta = torch.zeros(batch, before.shape[1] - self.static_from)
        for episode in range(batch):
            (self.stalls if stalled[episode] else self.moves)[episode].append((before[episode], actions[episode], after[episode]))
        refit = torch.nonzero(stalled).flatten().tolist()
        if refit:
            self._fit(world_model, refit)

    def _fit(self, world_model: Any, episodes: list[int]) -> None:
        """Adam on the offsets of ``episodes``: the model's predicted dynamic dims against the observed ones."""
        rows = [(index, chunk) for index, episode in enumerate(episodes) for chunk in [*self.moves[episode], *self.stalls[episode]]]
        owner = torch.tensor([index for index, _ in rows])
        before, actions, after = (torch.stack(column) for column in zip(*(chunk for _, chunk in rows), strict=True))
        counts = torch.bincount(owner, minlength=len(episodes)).to(before)
        delta = self.delta[episodes].clone().requires_grad_(True)
        optimizer = torch.optim.Adam([delta], lr=self.lr)
        dynamic = slice(0, self.static_from)
        for _ in range(self.steps):
            with torch.enable_grad():
                start = torch.cat([before[:, dynamic], before[:, self.static_from :] + delta[owner]], dim=1)
                error = (world_model.rollout(start, actions)[:, -1, dynamic] - after[:, dynamic]).pow(2).sum(-1)
                loss = (torch.zeros_like(counts).index_add(0, owner, error) / counts).sum() + self.l2 * delta.pow(2).sum()
                (delta.grad,) = torch.autograd.grad(loss, delta)  # the model's own parameters get no gradients
            optimizer.step()
        self.delta[episodes] = delta.detach()
