"""The two ways of training one model that the throughput benchmark compares, each timed per step.

``bare_loop``: a plain torch loop (forward, the same loss as the module's ``training_step`` written from its public
parts, backward, the trainer's gradient-norm clipping, AdamW with the same warmup-cosine schedule), no logging, no
hooks. ``lightning_loop``: the module under a ``pl.Trainer`` with the run's own trainer settings, callbacks and
loggers, validation off. Both return the ``perf_counter`` timestamp at the end of every step and the first step's loss.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytorch_lightning as pl
import torch
import torch.nn.functional as F
from hydra.utils import instantiate
from omegaconf import DictConfig
from torch.utils.data import DataLoader

from worldmodels.modules.optim import adamw_with_warmup_cosine

Batch = dict[str, Any]


def jepa_loss(model: Any, batch: Batch, step: int) -> torch.Tensor:
    """``JEPAPretrainer.training_step``'s multi-view loss (prediction + regularizer + online probe), no logging.

    ``batch["views"]["global"]`` (V, B, C, S, S), optional ``["local"]``, ``batch["label"]`` (B,).
    """
    views = batch["views"]
    num_views, size = views["global"].shape[:2]
    features = model.network.features(views["global"].flatten(0, 1))  # (V · B, D)
    global_embeddings = model.network.projector(features).view(num_views, size, -1)  # (V, B, K)
    embeddings = global_embeddings
    if "local" in views:
        local = views["local"]
        local_embeddings = model.network.projector(model.network.features(local.flatten(0, 1))).view(*local.shape[:2], -1)
        embeddings = torch.cat([global_embeddings, local_embeddings])
    targets = model.regularizer.targets(views["global"], global_embeddings)
    pred_loss = (model.predictor(embeddings) - targets).square().mean()
    regularization = model.regularizer(embeddings, step=step)["loss"]
    probe_loss = F.cross_entropy(model.online_probe(features.view(num_views, size, -1)[0].detach()), batch["label"])
    return model.regularizer.pred_weight * pred_loss + regularization + probe_loss


def world_model_loss(model: Any, batch: Batch, step: int) -> torch.Tensor:
    """``WorldModel.training_step``'s loss (teacher forcing + rollout + regularizer + position probe), no logging.

    ``batch["obs"]`` (B, T, C, H, W), ``["actions"]`` (B, T − 1, A), optional ``["states"]`` (B, T, 2).
    """
    hparams = model.hparams
    latents = model.encode(batch["obs"])  # (B, T, D)
    actions = batch["actions"].float()
    teacher = model.predictor.step(latents[:, :-1].flatten(0, 1), actions.flatten(0, 1)).view_as(latents[:, 1:])
    horizon = min(hparams.rollout_steps, actions.shape[1])
    rollout = (model.rollout(latents[:, 0], actions[:, :horizon]) - latents[:, 1 : horizon + 1]).square().mean()
    loss = hparams.teacher_weight * (teacher - latents[:, 1:]).square().mean() + hparams.rollout_weight * rollout
    loss = loss + model.regularizer(latents, actions, step=step)["loss"]
    if model.position_probe is not None and "states" in batch:
        predicted = model.position_probe(latents.detach())
        loss = loss + F.mse_loss(predicted, batch["states"].float() / hparams.state_scale)
    return loss


def bare_loop(
    model: Any, batches: Sequence[Batch], loss_fn: Callable[[Any, Batch, int], torch.Tensor], gradient_clip_val: float | None = None
) -> tuple[list[float], float]:
    """Train ``model`` on ``batches`` with a plain loop (clipping the gradient norm to ``gradient_clip_val`` when set,
    as the run's trainer does); returns step-end timestamps and the first loss."""
    hparams = model.hparams
    total = len(batches)
    config = adamw_with_warmup_cosine(model, hparams.lr, hparams.weight_decay, hparams.warmup_steps, total, hparams.final_lr_ratio)
    optimizer, schedule = config["optimizer"], config["lr_scheduler"]["scheduler"]
    on_step = getattr(model.regularizer, "on_optimizer_step", None)
    model.train()
    stamps, first_loss = [], float("nan")
    for step, batch in enumerate(batches):
        loss = loss_fn(model, batch, step)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if gradient_clip_val:
            torch.nn.utils.clip_grad_norm_(model.parameters(), gradient_clip_val)
        optimizer.step()
        schedule.step()
        if on_step is not None:
            on_step(step, total)
        if step == 0:
            first_loss = loss.item()
        stamps.append(time.perf_counter())
    return stamps, first_loss


class StepClock(pl.Callback):
    """Records ``perf_counter`` at the end of every training batch, and the first batch's loss."""

    def __init__(self) -> None:
        self.stamps: list[float] = []
        self.first_loss = float("nan")

    def on_train_batch_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule, outputs: Any, batch: Any, batch_idx: int) -> None:
        if not self.stamps:
            self.first_loss = float(outputs["loss"])
        self.stamps.append(time.perf_counter())


def lightning_loop(
    cfg: DictConfig,
    model: pl.LightningModule,
    steps: int,
    root: Path,
    batches: Sequence[Batch] | None = None,
    datamodule: pl.LightningDataModule | None = None,
) -> tuple[list[float], float]:
    """Fit ``model`` for ``steps`` steps on cached ``batches`` (or ``datamodule``) with the run's trainer, callbacks
    and loggers (validation off); returns step-end timestamps and the first loss."""
    clock = StepClock()
    callbacks = [instantiate(c) for c in (cfg.get("callbacks") or {}).values() if c is not None]
    loggers = [instantiate(c) for c in (cfg.get("logger") or {}).values() if c is not None]
    trainer = instantiate(
        cfg.trainer,
        callbacks=[*callbacks, clock],
        logger=loggers or False,
        default_root_dir=str(root),
        max_steps=steps,
        limit_val_batches=0,
        num_sanity_val_steps=0,
    )
    if batches is not None:
        trainer.fit(model, train_dataloaders=DataLoader(list(batches), batch_size=None))
    else:
        trainer.fit(model, datamodule=datamodule)
    return clock.stamps, clock.first_loss


def throughput(stamps: list[float], warmup: int, batch_size: int) -> float:
    """Samples per second over the steps after the first ``warmup`` (from step-end timestamps)."""
    timed = stamps[warmup - 1 :]
    return (len(timed) - 1) * batch_size / (timed[-1] - timed[0])
