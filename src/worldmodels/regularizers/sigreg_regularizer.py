"""SIGReg as the pretrainer's regularizer, with LeJEPA's λ convention."""

from __future__ import annotations

import torch

from worldmodels.regularizers.base import Regularizer
from worldmodels.regularizers.sigreg import SIGReg


class SIGRegRegularizer(Regularizer):
    """loss = (1 − λ) · L_pred + λ · mean over views of SIGReg(z_v) (LeJEPA's convention, λ in [0, 1])."""

    def __init__(self, lambd: float = 0.05, num_slices: int = 1024, t_max: float = 3.0, num_points: int = 17, seed: int = 0) -> None:
        super().__init__()
        if not 0.0 <= lambd <= 1.0:
            raise ValueError(f"SIGReg λ uses the (1 − λ) L_pred + λ SIGReg convention and must lie in [0, 1], got {lambd}")
        self.lambd = lambd
        self.pred_weight = 1.0 - lambd
        self.sigreg = SIGReg(num_slices=num_slices, t_max=t_max, num_points=num_points, seed=seed)

    def forward(self, embeddings: torch.Tensor, step: int) -> dict[str, torch.Tensor]:
        """Embeddings (V, B, K) -> {"loss": λ · SIGReg, "sigreg": SIGReg}."""
        value = self.sigreg(embeddings, step=step)
        return {"loss": self.lambd * value, "sigreg": value.detach()}
