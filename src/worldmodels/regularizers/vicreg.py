"""VICReg's variance and covariance terms (the invariance term is the pretrainer's prediction loss)."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from worldmodels.regularizers.base import Regularizer


class VICRegRegularizer(Regularizer):
    """loss = inv_weight · L_pred + var_weight · mean_v var(z_v) + cov_weight · mean_v cov(z_v).

    var: mean over dimensions of relu(gamma − sqrt(Var + eps)); cov: sum of squared off-diagonal
    covariances divided by the dimension. Defaults are VICReg's 25 / 25 / 1.
    """

    def __init__(
        self, inv_weight: float = 25.0, var_weight: float = 25.0, cov_weight: float = 1.0, gamma: float = 1.0, eps: float = 1e-4
    ) -> None:
        super().__init__()
        self.pred_weight = inv_weight
        self.var_weight, self.cov_weight, self.gamma, self.eps = var_weight, cov_weight, gamma, eps

    def forward(self, embeddings: torch.Tensor, step: int) -> dict[str, torch.Tensor]:
        """Embeddings (V, B, K) -> {"loss", "variance", "covariance"}."""
        centred = embeddings.float() - embeddings.float().mean(dim=1, keepdim=True)
        batch, dim = centred.shape[1], centred.shape[2]
        std = (centred.var(dim=1) + self.eps).sqrt()  # (V, K)
        variance = F.relu(self.gamma - std).mean()
        cov = centred.transpose(1, 2) @ centred / (batch - 1)  # (V, K, K)
        off_diagonal = cov - torch.diag_embed(torch.diagonal(cov, dim1=1, dim2=2))
        covariance = off_diagonal.square().sum(dim=(1, 2)).mean() / dim
        loss = self.var_weight * variance + self.cov_weight * covariance
        return {"loss": loss, "variance": variance.detach(), "covariance": covariance.detach()}
