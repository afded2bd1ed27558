"""AdamW without weight decay on biases and 1-D parameters, with a warmup-then-cosine schedule per step."""

from __future__ import annotations

from functools import partial
from typing import Any

import torch
from torch import nn

from worldmodels.modules.schedules import warmup_cosine


def adamw_with_warmup_cosine(
    model: nn.Module, lr: float, weight_decay: float, warmup_steps: int, total_steps: int, final_ratio: float = 0.0
) -> dict[str, Any]:
    """A Lightning ``configure_optimizers`` dict for the trainable parameters of ``model``."""
    trainable = [(name, p) for name, p in model.named_parameters() if p.requires_grad]
    decay = [p for _, p in trainable if p.ndim > 1]
    no_decay = [p for _, p in trainable if p.ndim <= 1]
    optimizer = torch.optim.AdamW(
        [{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}], lr=lr
    )
    # The multiplier is rebuilt from this run's total on resume (a partial's state is not checkpointed),
    # while the restored step count continues it.
    multiplier = partial(warmup_cosine, warmup_steps=warmup_steps, total_steps=total_steps, final_ratio=final_ratio)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, multiplier)
    return {"optimizer": optimizer, "lr_scheduler": {"scheduler": schedule, "interval": "step"}}
