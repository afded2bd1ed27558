"""Guardrail objectives: a constraint learned from a few labelled states, added to the planning energy.

A guardrail is a tiny head on the world model's latents (linear, or an MLP with one hidden layer) that gives the
probability of a violation (e.g. "inside the forbidden zone"), fitted on at most a hundred labelled observations. The
planner then minimises task energy + ``weight`` × guardrail cost over the predicted rollout; a ``hard`` guardrail also
rejects candidate sequences that enter the zone (a large penalty per violating step), and the high-level search drops
nodes it predicts inside the zone. In a few lines::

    guardrail = Guardrail.fit(world_model.encode(observations), labels, weight=10.0)
    mpc.objective.guardrails = [guardrail]
"""

from __future__ import annotations

import math
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from worldmodels.interfaces import LatentWorldModel, World


class GuardrailHead(nn.Module):
    """Latents (..., D) -> violation logits (...,): linear when ``hidden_dim`` is 0, else one hidden GELU layer."""

    def __init__(self, latent_dim: int, hidden_dim: int = 32) -> None:
        super().__init__()
        if hidden_dim:
            self.net = nn.Sequential(nn.Linear(latent_dim, hidden_dim), nn.GELU(), nn.Linear(hidden_dim, 1))
        else:
            self.net = nn.Linear(latent_dim, 1)

    def forward(self, latents: torch.Tensor) -> torch.Tensor:
        return self.net(latents).squeeze(-1)


class Guardrail:
    """A learned constraint in the planning energy: ``cost(predicted (B, S, H, D))`` -> (B, S).

    Soft cost: ``weight`` × the mean over the H predicted steps of the violation probability, recentred on ``threshold``
    (a step at probability ``threshold`` costs weight / 2; a lower threshold gives the zone a wider berth, which a head
    fitted on a hundred labels needs at the zone's corners). ``hard``: also ``hard_penalty`` × the fraction of steps
    whose probability exceeds ``threshold``, so any violating candidate loses to every safe one.
    ``violates(latents (..., D))`` says which latents the head puts inside the zone.
    """

    def __init__(
        self, head: GuardrailHead, weight: float = 10.0, hard: bool = False, threshold: float = 0.5, hard_penalty: float = 1e4
    ) -> None:
        if not 0 < threshold < 1:
            raise ValueError(f"threshold={threshold}: a probability strictly between 0 and 1")
        self.head, self.weight, self.hard, self.threshold, self.hard_penalty = head.eval(), weight, hard, threshold, hard_penalty
        self.logit_shift = math.log(threshold / (1 - threshold))
        self.fit_report: dict[str, Any] = {}

    @classmethod
    def fit(
        cls,
        latents: torch.Tensor,
        labels: torch.Tensor,
        hidden_dim: int = 32,
        steps: int = 500,
        lr: float = 1e-2,
        weight_decay: float = 1e-3,
        seed: int = 0,
        **options: Any,
    ) -> Guardrail:
        """Fit a head on labelled latents (N, D) with labels (N,) (1: violation) by full-batch AdamW on the class-balanced
        binary cross-entropy; ``options`` go to the constructor (weight, hard, threshold)."""
        if len(latents) != len(labels):
            raise ValueError(f"{len(latents)} latents but {len(labels)} labels")
        labels = labels.float()
        positives = float(labels.sum())
        if positives in (0.0, float(len(labels))):
            raise ValueError(
                f"the {len(labels)} labels are all {'violations' if positives else 'safe'}; a guardrail needs examples of both"
            )
        torch.manual_seed(seed)
        latents = latents.detach()
        head = GuardrailHead(latents.shape[-1], hidden_dim)
        optimizer = torch.optim.AdamW(head.parameters(), lr=lr, weight_decay=weight_decay)
        pos_weight = torch.tensor((len(labels) - positives) / positives)
        with torch.enable_grad():
            for _ in range(steps):
                loss = F.binary_cross_entropy_with_logits(head(latents), labels, pos_weight=pos_weight)
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
        guardrail = cls(head, **options)
        with torch.no_grad():
            accuracy = float(((head(latents) > 0).float() == labels).float().mean())
        guardrail.fit_report = {"labels": len(labels), "positives": int(positives), "train_accuracy": accuracy, "hidden_dim": hidden_dim}
        return guardrail

    @torch.no_grad()
    def probability(self, latents: torch.Tensor) -> torch.Tensor:
        """Latents (..., D) -> violation probabilities (...,)."""
        return torch.sigmoid(self.head(latents))

    def violates(self, latents: torch.Tensor) -> torch.Tensor:
        """Latents (..., D) -> (...,) True where the head predicts a violation."""
        return self.probability(latents) > self.threshold

    def cost(self, predicted: torch.Tensor) -> torch.Tensor:
        """Predicted latents (B, S, H, D) -> (B, S) guardrail cost (differentiable unless ``hard``)."""
        shifted = torch.sigmoid(self.head(predicted) - self.logit_shift)  # (B, S, H): 0.5 at the threshold
        cost = self.weight * shifted.mean(-1)
        if self.hard:
            cost = cost + self.hard_penalty * (shifted > 0.5).float().mean(-1)
        return cost


class GuardrailRecipe:
    """The config's guardrail: label ``labels`` observations of the env (``world.labelled_observations``), encode them
    with the world model and fit a ``Guardrail`` (head ``hidden_dim``, ``weight``, ``hard``, ``threshold``)."""

    def __init__(
        self, labels: int = 100, hidden_dim: int = 32, weight: float = 10.0, hard: bool = False, threshold: float = 0.5, steps: int = 500
    ) -> None:
        self.labels, self.hidden_dim, self.steps = labels, hidden_dim, steps
        self.options = {"weight": weight, "hard": hard, "threshold": threshold}

    def build(self, world_model: LatentWorldModel, world: World, seed: int = 0) -> Guardrail:
        """Label observations of ``world`` and fit the guardrail on their latents."""
        if not hasattr(world, "labelled_observations"):
            raise ValueError(f"env {world.name!r} has no forbidden zone to label; use an env with a hazard (e.g. env=two_rooms_hazard)")
        observations, labels = world.labelled_observations(self.labels, torch.Generator().manual_seed(seed))
        with torch.no_grad():
            latents = world_model.encode(observations)
        return Guardrail.fit(latents, labels, hidden_dim=self.hidden_dim, steps=self.steps, seed=seed, **self.options)
