"""Action-conditioned latent predictors for world models: z_{t+1} = f(z_t, a_t)."""

from __future__ import annotations

import torch
from torch import nn

from worldmodels.dynamics.mlp import gelu_mlp


class StepwiseDynamics(nn.Module):
    """Dynamics defined by one step ``step(z_t (B, D), a_t (B, A)) -> z_{t+1} (B, D)``; rollout and teacher forcing
    follow from it."""

    def step(self, latent: torch.Tensor, action: torch.Tensor) -> torch.Tensor:
        """z_t (B, D) and a_t (B, A) -> z_{t+1} (B, D)."""
        raise NotImplementedError

    def teacher_forced(self, latents: torch.Tensor, actions: torch.Tensor) -> torch.Tensor:
        """True latents z_0..z_{T−1} (B, T, D) and actions (B, T, A) -> one-step predictions of z_1..z_T (B, T, D)."""
        return self.step(latents.flatten(0, 1), actions.flatten(0, 1)).view_as(latents)

    def forward(self, latent: torch.Tensor, actions: torch.Tensor) -> torch.Tensor:
        """z_0 (B, D) and actions (B, H, A) -> the predicted latents z_1..z_H (B, H, D)."""
        predictions = []
        for t in range(actions.shape[1]):
            latent = self.step(latent, actions[:, t])
            predictions.append(latent)
        return torch.stack(predictions, dim=1)


class GRUPredictor(StepwiseDynamics):
    """EB-JEPA's predictor: a GRU cell whose hidden state is the latent and whose input is the embedded action.

    ``step(z (B, D), a (B, A)) -> (B, D)``; ``forward`` rolls out from z_0 (B, D) over actions (B, H, A) and
    returns the predicted latents z_1..z_H (B, H, D); ``teacher_forced(latents (B, T, D), actions (B, T, A))``
    is one step from each true latent (B, T, D).
    """

    def __init__(self, latent_dim: int, action_dim: int, action_embed_dim: int = 16) -> None:
        super().__init__()
        self.action_encoder = nn.Linear(action_dim, action_embed_dim)
        self.cell = nn.GRUCell(action_embed_dim, latent_dim)

    def step(self, latent: torch.Tensor, action: torch.Tensor) -> torch.Tensor:
        """z_t (B, D) and a_t (B, A) -> z_{t+1} (B, D)."""
        return self.cell(self.action_encoder(action), latent)


class ResidualMLPPredictor(StepwiseDynamics):
    """z_{t+1} = z_t + MLP([z_t, embed(a_t)]): a cheap predictor for CPU planning (same interface as GRU)."""

    def __init__(self, latent_dim: int, action_dim: int, action_embed_dim: int = 16, hidden_dim: int = 256, depth: int = 2) -> None:
        super().__init__()
        self.action_encoder = nn.Linear(action_dim, action_embed_dim)
        self.mlp = gelu_mlp(latent_dim + action_embed_dim, hidden_dim, depth, latent_dim)

    def step(self, latent: torch.Tensor, action: torch.Tensor) -> torch.Tensor:
        """z_t (B, D) and a_t (B, A) -> z_{t+1} (B, D)."""
        return latent + self.mlp(torch.cat([latent, self.action_encoder(action)], dim=-1))
