"""Stop a run the moment training turns non-finite, before a single checkpoint can hold non-finite weights.

Three checks: the loss before its backward pass, every gradient before the optimizer step (no step is taken on a NaN
gradient), and every parameter and floating-point buffer after the step (a finite gradient times a huge learning rate
can still overflow). Lightning runs checkpoint callbacks after all others, and the guard sits before
``PreemptionCheckpoint`` in ``conf/callbacks``, so a step that broke the weights is never saved.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytorch_lightning as pl
import torch

SCALED_PRECISIONS = ("16-mixed", "16")  # a GradScaler skips the steps of inf gradients itself


class NonFiniteTrainingError(FloatingPointError):
    """The loss, a gradient or a weight became NaN or infinite; the message names it, the step and the valid checkpoints."""


def first_non_finite(named: Iterable[tuple[str, torch.Tensor | None]]) -> str | None:
    """The name of the first tensor in ``named`` holding a NaN or inf (one device sync for all), else None."""
    named = [(name, t) for name, t in named if t is not None and t.is_floating_point()]
    if not named:
        return None
    finite = torch.stack([torch.isfinite(t).all() for _, t in named])
    if bool(finite.all()):
        return None
    return named[int((~finite).nonzero()[0])][0]


def valid_checkpoints(trainer: pl.Trainer) -> list[str]:
    """ "<callback>: <last and best paths>" for every checkpoint callback (each written before the guard fired)."""
    lines = []
    for callback in trainer.checkpoint_callbacks:
        paths = {getattr(callback, attr, "") for attr in ("last_model_path", "best_model_path")}
        written = sorted(p for p in paths if p and Path(p).is_file())
        lines.append(f"{type(callback).__name__}({getattr(callback, 'dirpath', '')}): {', '.join(written) or 'none written yet'}")
    return lines


class FiniteTrainingGuard(pl.Callback):
    """Raises ``NonFiniteTrainingError`` on a non-finite loss, gradient or weight (see the module docstring)."""

    def _stop(self, trainer: pl.Trainer, what: str) -> None:
        checkpoints = "\n  ".join(valid_checkpoints(trainer))
        raise NonFiniteTrainingError(
            f"{what} at step {trainer.global_step} (epoch {trainer.current_epoch}); stopping. Every checkpoint written so far "
            f"holds finite weights; the newest of each checkpoint callback:\n  {checkpoints}\n"
            "Usual causes: a learning rate too high for this model (model.lr), no gradient clipping "
            "(trainer.gradient_clip_val), or non-finite inputs in the data."
        )

    def on_before_backward(self, trainer: pl.Trainer, pl_module: pl.LightningModule, loss: torch.Tensor) -> None:
        """Check the loss."""
        if not bool(torch.isfinite(loss).all()):
            self._stop(trainer, f"the training loss is {loss.detach().float().cpu().flatten()[0].item()}")

    def on_before_optimizer_step(self, trainer: pl.Trainer, pl_module: pl.LightningModule, optimizer: Any) -> None:
        """Check every gradient (not under a GradScaler, which skips inf steps by design)."""
        if str(trainer.precision) in SCALED_PRECISIONS:
            return
        name = first_non_finite((n, p.grad) for n, p in pl_module.named_parameters())
        if name is not None:
            self._stop(trainer, f"the gradient of {name} is not finite")

    def on_train_batch_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule, outputs: Any, batch: Any, batch_idx: int) -> None:
        """Check every parameter and floating-point buffer after the step (before any checkpoint callback runs)."""
        name = first_non_finite([*pl_module.named_parameters(), *pl_module.named_buffers()])
        if name is not None:
            self._stop(trainer, f"the weight {name} is not finite after the optimizer step")
