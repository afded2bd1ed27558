"""Fitting a probe head on precomputed frozen features with a Lightning Trainer."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytorch_lightning as pl
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from worldmodels.modules.optim import adamw_with_warmup_cosine


class ProbeTrainer(pl.LightningModule):
    """Trains ``head`` (features (B, D) -> logits (B, C)) with cross-entropy; reports accuracy on ``test``."""

    def __init__(
        self, head: nn.Module, lr: float = 1e-2, weight_decay: float = 1e-4, epochs: int = 30, batch_size: int = 1024, warmup_steps: int = 50
    ) -> None:
        super().__init__()
        self.save_hyperparameters(ignore=["head"])
        self.head = head

    def training_step(self, batch: tuple[torch.Tensor, torch.Tensor], batch_idx: int) -> torch.Tensor:
        features, labels = batch
        loss = F.cross_entropy(self.head(features), labels)
        self.log("probe_fit/loss", loss)
        return loss

    def test_step(self, batch: tuple[torch.Tensor, torch.Tensor], batch_idx: int) -> None:
        features, labels = batch
        self.log("probe_fit/acc", (self.head(features).argmax(-1) == labels).float().mean())

    def configure_optimizers(self) -> dict[str, Any]:
        return adamw_with_warmup_cosine(
            self.head, self.hparams.lr, self.hparams.weight_decay, self.hparams.warmup_steps, int(self.trainer.estimated_stepping_batches)
        )

    def fit_and_score(self, train: tuple[torch.Tensor, torch.Tensor], test: tuple[torch.Tensor, torch.Tensor], seed: int = 0) -> float:
        """Fit on train features/labels, return accuracy on test features/labels (a fresh quiet Trainer each call)."""
        pl.seed_everything(seed, workers=True, verbose=False)
        with quiet_lightning():
            return self._fit_and_score(train, test)

    def _fit_and_score(self, train: tuple[torch.Tensor, torch.Tensor], test: tuple[torch.Tensor, torch.Tensor]) -> float:
        trainer = pl.Trainer(
            max_epochs=self.hparams.epochs,
            accelerator="cpu",
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
        return float(trainer.test(self, dataloaders=test_loader, verbose=False)[0]["probe_fit/acc"])


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
