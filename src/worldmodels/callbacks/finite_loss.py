"""Stop a run on a NaN or infinite loss before it can touch the weights or the checkpoints."""

from __future__ import annotations

import pytorch_lightning as pl
import torch


class NonFiniteLossError(FloatingPointError):
    """The training loss became NaN or infinite; the message names the step and the last good checkpoint."""


class FiniteLossGuard(pl.Callback):
    """Raises before the backward pass of a non-finite loss, so no optimiser step and no checkpoint sees it."""

    def on_before_backward(self, trainer: pl.Trainer, pl_module: pl.LightningModule, loss: torch.Tensor) -> None:
        if torch.isfinite(loss).all():
            return
        last = getattr(trainer.checkpoint_callback, "last_model_path", "") or "none written yet"
        raise NonFiniteLossError(
            f"training loss is {loss.item()} at step {trainer.global_step} (epoch {trainer.current_epoch}); "
            f"stopping. The last good checkpoint is {last}. Lower model.lr or check the data."
        )
