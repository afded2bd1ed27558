"""Fitting probe heads on precomputed frozen features with a Lightning Trainer: one head, or a grid of them."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import pytorch_lightning as pl
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from worldmodels.modules.optim import decay_groups, warmup_cosine_adamw

FEATURE_KINDS = ("pooled", "tokens")


def _as_list(value: float | Sequence[float]) -> list[float]:
    return [float(v) for v in value] if isinstance(value, Sequence) else [float(value)]


class ProbeTrainer(pl.LightningModule):
    """Trains one head per (learning rate, weight decay) pair of ``lr`` × ``weight_decay`` with cross-entropy.

    All heads see the same batches in one pass over the frozen features; each has its own AdamW parameter
    groups (its lr and weight decay; none on biases), all under one warmup-then-cosine multiplier (the multi-head
    protocol of V-JEPA 2). Scalars for ``lr`` and ``weight_decay`` make the usual single probe.

    ``head(in_dim=D, num_classes=C)`` builds a head mapping features (B, D) — or tokens (B, T, D) when
    ``features="tokens"`` — to logits (B, C). ``features`` tells the extractor which to hand over.
    """

    def __init__(
        self,
        head: Callable[..., nn.Module],
        in_dim: int,
        num_classes: int,
        lr: float | Sequence[float] = 1e-2,
        weight_decay: float | Sequence[float] = 1e-4,
        epochs: int = 30,
        batch_size: int = 1024,
        warmup_steps: int = 50,
        features: str = "pooled",
        accelerator: str = "cpu",
    ) -> None:
        super().__init__()
        if features not in FEATURE_KINDS:
            raise ValueError(f"probe features must be one of {list(FEATURE_KINDS)}, got {features!r}")
        self.grid = [(rate, decay) for rate in _as_list(lr) for decay in _as_list(weight_decay)]
        self.save_hyperparameters(
            {
                "in_dim": in_dim,
                "num_classes": num_classes,
                "grid": self.grid,
                "epochs": epochs,
                "batch_size": batch_size,
                "warmup_steps": warmup_steps,
                "features": features,
                "accelerator": accelerator,
            }
        )
        self.heads = nn.ModuleList([head(in_dim=in_dim, num_classes=num_classes) for _ in self.grid])

    def training_step(self, batch: tuple[torch.Tensor, torch.Tensor], batch_idx: int) -> torch.Tensor:
        features, labels = batch
        losses = torch.stack([F.cross_entropy(head(features), labels) for head in self.heads])
        self.log("probe_fit/loss", losses.mean())
        return losses.sum()

    def test_step(self, batch: tuple[torch.Tensor, torch.Tensor], batch_idx: int) -> None:
        features, labels = batch
        self.log_dict({f"probe_fit/acc/{i}": (head(features).argmax(-1) == labels).float().mean() for i, head in enumerate(self.heads)})

    def param_groups(self) -> list[dict[str, Any]]:
        """AdamW groups: for each head, its weights with the head's weight decay and its 1-D parameters without,
        all at the head's learning rate."""
        return [group for head, (lr, decay) in zip(self.heads, self.grid, strict=True) for group in decay_groups(head, decay, lr=lr)]

    def configure_optimizers(self) -> dict[str, Any]:
        return warmup_cosine_adamw(self.param_groups(), self.hparams.warmup_steps, int(self.trainer.estimated_stepping_batches))

    def fit_and_score(
        self, train: tuple[torch.Tensor, torch.Tensor], test: tuple[torch.Tensor, torch.Tensor], seed: int = 0
    ) -> dict[str, Any]:
        """Fit every head on train features/labels and score each on test features/labels (a fresh quiet Trainer).

        Returns {"accuracy": the best head's, "best": its {"lr", "weight_decay"}, "grid": one
        {"lr", "weight_decay", "accuracy"} per head}.
        """
        pl.seed_everything(seed, workers=True, verbose=False)
        with quiet_lightning():
            accuracies = self._fit_and_score(train, test)
        grid = [
            {"lr": lr, "weight_decay": decay, "accuracy": accuracy} for (lr, decay), accuracy in zip(self.grid, accuracies, strict=True)
        ]
        best = max(grid, key=lambda entry: entry["accuracy"])
        return {"accuracy": best["accuracy"], "best": {"lr": best["lr"], "weight_decay": best["weight_decay"]}, "grid": grid}

    def _fit_and_score(self, train: tuple[torch.Tensor, torch.Tensor], test: tuple[torch.Tensor, torch.Tensor]) -> list[float]:
        trainer = pl.Trainer(
            max_epochs=self.hparams.epochs,
            accelerator=self.hparams.accelerator,
            devices=1,
            logger=False,
            enable_checkpointing=False,
            enable_progress_bar=False,
            enable_model_summary=False,
            deterministic=True,
        )
        train_loader = DataLoader(TensorDataset(*train), batch_size=self.hparams.batch_size, shuffle=True)
        trainer.fit(self, train_dataloaders=train_loader)
        test_loader = DataLoader(TensorDataset(*test), batch_size=4096)
        scores = trainer.test(self, dataloaders=test_loader, verbose=False)[0]
        return [float(scores[f"probe_fit/acc/{i}"]) for i in range(len(self.heads))]


@contextmanager
def quiet_lightning() -> Iterator[None]:
    """Silence Lightning's info messages (device banners, tips) for an inner fit."""
    lightning_log = logging.getLogger("pytorch_lightning")
    level = lightning_log.level
    lightning_log.setLevel(logging.WARNING)
    try:
        yield
    finally:
        lightning_log.setLevel(level)
