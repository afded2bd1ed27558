"""Planning energies: distance between predicted latents and the goal latent."""

from __future__ import annotations

import torch

from worldmodels.planning.guardrail import Guardrail


class LatentGoalEnergy:
    """Cost of predicted latents (B, S, H, D) toward goal latents (B, D) -> (B, S).

    ``distance``: ``l2`` (mean squared error, DINO-WM / EB-JEPA) or ``l1`` (mean absolute error, V-JEPA 2-AC);
    ``steps``: ``all`` (mean over the H steps, EB-JEPA) or ``final`` (last step only, DINO-WM). ``guardrails``
    (``Guardrail``) add their costs over all H predicted steps.
    """

    DISTANCES = ("l1", "l2")
    STEPS = ("all", "final")

    def __init__(self, distance: str = "l2", steps: str = "all") -> None:
        if distance not in self.DISTANCES:
            raise ValueError(f"distance={distance!r}; allowed: {self.DISTANCES}")
        if steps not in self.STEPS:
            raise ValueError(f"steps={steps!r}; allowed: {self.STEPS}")
        self.distance, self.steps = distance, steps
        self.guardrails: list[Guardrail] = []

    def __call__(self, predicted: torch.Tensor, goal: torch.Tensor) -> torch.Tensor:
        scored = predicted[:, :, -1:] if self.steps == "final" else predicted
        diff = scored - goal[:, None, None]
        per_step = diff.abs().mean(-1) if self.distance == "l1" else diff.square().mean(-1)
        return sum((guardrail.cost(predicted) for guardrail in self.guardrails), per_step.mean(-1))
