"""A high-level dynamics model: one prediction per k-step transition (a macro-action) instead of k low-level steps."""

from __future__ import annotations

import torch
from torch import nn

from worldmodels.dynamics.mlp import gelu_mlp


class MacroStepPredictor(nn.Module):
    """z_{t+k} = z_t + MLP([z_t, embed(a_t, ..., a_{t+k−1})]): the k-step transition of a world model in one call.

    Trained on the low-level model's latents (``loss``), it lets a high-level planner expand a search node by a macro-action
    (k actions) with one network call where the low-level predictor needs k. The k actions are concatenated (k · A), so a
    macro-action need not hold one action.
    """

    def __init__(
        self, latent_dim: int, action_dim: int, macro_steps: int = 4, action_embed_dim: int = 32, hidden_dim: int = 256, depth: int = 3
    ) -> None:
        super().__init__()
        self.macro_steps = macro_steps
        self.action_encoder = nn.Linear(macro_steps * action_dim, action_embed_dim)
        self.mlp = gelu_mlp(latent_dim + action_embed_dim, hidden_dim, depth, latent_dim)

    def forward(self, latent: torch.Tensor, actions: torch.Tensor) -> torch.Tensor:
        """z_t (N, D) and the macro-action's actions (N, k, A) -> z_{t+k} (N, D)."""
        if actions.shape[1] != self.macro_steps:
            raise ValueError(
                f"a macro-action of {actions.shape[1]} steps; this high-level model predicts {self.macro_steps}-step transitions"
            )
        return latent + self.mlp(torch.cat([latent, self.action_encoder(actions.flatten(1))], dim=-1))

    def loss(self, latents: torch.Tensor, actions: torch.Tensor) -> torch.Tensor:
        """Mean squared error of every k-step transition in windows of latents (B, T, D) with actions (B, T − 1, A)."""
        k = self.macro_steps
        starts = latents.shape[1] - k
        if starts < 1:
            raise ValueError(f"windows of {latents.shape[1]} frames are too short for {k}-step transitions (need at least {k + 1})")
        chunks = actions.unfold(1, k, 1)[:, :starts].transpose(-1, -2)  # (B, T − k, k, A)
        predicted = self(latents[:, :starts].flatten(0, 1), chunks.flatten(0, 1))
        return (predicted - latents[:, k:].flatten(0, 1)).square().mean()
