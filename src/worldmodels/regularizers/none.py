"""No regularizer: the prediction loss alone, which collapses (kept as the control that shows it)."""

from __future__ import annotations

import torch

from worldmodels.regularizers.base import Regularizer


class NoRegularizer(Regularizer):
    """Adds nothing to the prediction loss; the embeddings collapse, which the diagnostics make visible."""

    def forward(self, embeddings: torch.Tensor, step: int) -> dict[str, torch.Tensor]:
        """Embeddings (V, B, K) -> {"loss": 0}."""
        return {"loss": embeddings.new_zeros(())}
