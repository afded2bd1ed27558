"""AdamW without weight decay on biases and 1-D parameters, with a warmup-then-cosine schedule per step."""

from __future__ import annotations

from functools import partial
from typing import Any

import torch
from torch import nn

from worldmodels.modules.schedules import warmup_cosine


def decay_groups(model: nn.Module, weight_decay: float, **options: Any) -> list[dict[str, Any]]:
    """AdamW parameter groups of ``model``'s trainable parameters: weights (ndim > 1) with ``weight_decay``,
    biases and other 1-D parameters without; ``options`` (e.g. ``lr``) go into both. Empty groups are left out."""
    trainable = [p for p in model.parameters() if p.requires_grad]
    groups = [
        {"params": [p for p in trainable if p.ndim > 1], "weight_decay": weight_decay, **options},
        {"params": [p for p in trainable if p.ndim <= 1], "weight_decay": 0.0, **options},
    ]
    return [group for group in groups if group["params"]]


def warmup_cosine_adamw(groups: list[dict[str, Any]], warmup_steps: int, total_steps: int, final_ratio: float = 0.0) -> dict[str, Any]:
    """A Lightning ``configure_optimizers`` dict: AdamW over ``groups`` (each with its own ``lr`` and ``weight_decay``),
    every group's learning rate scaled by the same warmup-then-cosine multiplier each step."""
    optimizer = torch.optim.AdamW(groups)
    # The multiplier is rebuilt from this run's total on resume (a partial's state is not checkpointed),
    # while the restored step count continues it.
    multiplier = partial(warmup_cosine, warmup_steps=warmup_steps, total_steps=total_steps, final_ratio=final_ratio)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, multiplier)
    return {"optimizer": optimizer, "lr_scheduler": {"scheduler": schedule, "interval": "step"}}


def adamw_with_warmup_cosine(
    model: nn.Module, lr: float, weight_decay: float, warmup_steps: int, total_steps: int, final_ratio: float = 0.0
) -> dict[str, Any]:
    """A Lightning ``configure_optimizers`` dict for the trainable parameters of ``model``."""
    return warmup_cosine_adamw(decay_groups(model, weight_decay, lr=lr), warmup_steps, total_steps, final_ratio)
