"""The no-masking option: the objective compares whole augmented views."""

from __future__ import annotations

import torch


class NoMasker:
    """Produces no kept-token indices: every view is encoded whole (the multi-view objective)."""

    def __call__(self, batch_size: int) -> dict[str, torch.Tensor]:
        """Batch size -> kept-index tensors to add to the batch (none here: {})."""
        return {}
