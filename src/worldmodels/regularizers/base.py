"""The interface every collapse-preventing regularizer implements."""

from __future__ import annotations

import torch
from torch import nn


class Regularizer(nn.Module):
    """Prevents collapse of the embeddings of a multi-view JEPA.

    The pretrainer's loss is ``pred_weight · L_pred + forward(z)["loss"]`` where ``L_pred`` is the latent
    prediction error; each regularizer states its own weighting in its config. ``targets`` gives the
    prediction target (by default the mean of the global views' embeddings, with gradients: LeJEPA's
    centres); a teacher-based regularizer overrides it.
    """

    pred_weight: float = 1.0

    def setup(self, student: nn.Module) -> None:
        """Called once with the online network (images (B, C, H, W) -> embeddings (B, K)); no-op by default."""

    def targets(self, global_views: torch.Tensor, global_embeddings: torch.Tensor) -> torch.Tensor:
        """Global views (Vg, B, C, H, W) and their embeddings (Vg, B, K) -> prediction targets (B, K)."""
        return global_embeddings.mean(dim=0)

    def target_tokens(self, inputs: torch.Tensor) -> torch.Tensor:
        """Inputs (B, C, H, W) or clips -> target tokens (B, N, D) for the masked objective; needs a target encoder."""
        raise ValueError(
            "the masked objective (a masker that makes token masks) needs a target encoder for its targets: "
            f"use regularizer=ema, not {type(self).__name__}"
        )

    def forward(self, embeddings: torch.Tensor, step: int) -> dict[str, torch.Tensor]:
        """Embeddings (V, B, K) at optimisation ``step`` -> {"loss": weighted scalar, **diagnostics}."""
        raise NotImplementedError

    def on_optimizer_step(self, step: int, total_steps: int) -> None:
        """Called after every optimiser step (EMA updates); no-op by default."""
