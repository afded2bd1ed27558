"""The action-conditioned world model: composes encoder, latent head, dynamics (its ``predictor``) and regularizer."""

from __future__ import annotations

from typing import Any

import pytorch_lightning as pl
import torch
import torch.nn.functional as F
from torch import nn

from worldmodels.interfaces import Dynamics
from worldmodels.modules.log_steps import is_logging_step
from worldmodels.modules.optim import adamw_with_warmup_cosine
from worldmodels.regularizers import embedding_std


class WorldModel(pl.LightningModule):
    """Latent dynamics trained in representation space from windows of frames and actions.

    With latents z_t = head(encoder(o_t)) (B, T, D) and the dynamics f (``predictor``, the ``dynamics`` config group):

        loss = teacher_weight · mean_t ‖f(z_{≤t}, a_{≤t}) − z_{t+1}‖² + rollout_weight · mean_{h≤H} ‖ẑ_h − z_h‖²
               + regularizer(z, a) + decoder_weight · decoder(z, o)

    where ẑ_h is the autoregressive rollout from z_0 over ``rollout_steps`` = H actions. A linear position probe
    on detached latents reports ``probe/pos_err`` in pixels; validation logs the rollout error by horizon.
    An optional ``high_level`` model (e.g. ``MacroStepPredictor``) learns k-step transitions on the detached latents
    (weight ``high_level_weight``; it does not shape the latent). An optional ``decoder`` (e.g. ``PooledPixelDecoder``)
    reconstructs the observations from the latents and does shape it. Planners use ``encode``, ``rollout`` and ``macro_step``.
    """

    def __init__(
        self,
        encoder: nn.Module,
        head: nn.Module,
        predictor: Dynamics,
        regularizer: nn.Module,
        state_dim: int = 2,
        rollout_steps: int = 8,
        teacher_weight: float = 1.0,
        rollout_weight: float = 1.0,
        state_scale: float = 64.0,
        lr: float = 1e-3,
        weight_decay: float = 0.0,
        warmup_steps: int = 50,
        final_lr_ratio: float = 0.0,
        high_level: nn.Module | None = None,
        high_level_weight: float = 1.0,
        decoder: nn.Module | None = None,
        decoder_weight: float = 1.0,
        run_config: dict[str, Any] | None = None,
    ) -> None:
        super().__init__()
        self.save_hyperparameters(ignore=["encoder", "head", "predictor", "regularizer", "high_level", "decoder"])
        self.encoder, self.head, self.predictor, self.regularizer = encoder, head, predictor, regularizer
        self.high_level, self.decoder = high_level, decoder
        self.position_probe = nn.Linear(head.out_dim, state_dim) if state_dim else None

    def encode(self, obs: torch.Tensor) -> torch.Tensor:
        """Observations (..., C, H, W) (uint8 or float) -> latents (..., D)."""
        lead = obs.shape[:-3]
        return self.head(self.encoder(obs.reshape(-1, *obs.shape[-3:]))).view(*lead, -1)

    def rollout(self, latent: torch.Tensor, actions: torch.Tensor) -> torch.Tensor:
        """z_0 (N, D) and actions (N, H, A) -> predicted latents z_1..z_H (N, H, D)."""
        return self.predictor(latent, actions)

    def macro_step(self, latent: torch.Tensor, actions: torch.Tensor) -> torch.Tensor:
        """z_t (N, D) and k actions (N, k, A) -> z_{t+k} (N, D): the high-level model's one call when it predicts
        k-step transitions, otherwise the last latent of the low-level rollout."""
        if self.high_level is not None and actions.shape[1] == self.high_level.macro_steps:
            return self.high_level(latent, actions)
        return self.rollout(latent, actions)[:, -1]

    def _losses(self, batch: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        latents = self.encode(batch["obs"])  # (B, T, D)
        actions = batch["actions"].float()  # (B, T − 1, A)
        teacher = self.predictor.teacher_forced(latents[:, :-1], actions)  # (B, T − 1, D): z_1.. from the true history
        horizon = min(self.hparams.rollout_steps, actions.shape[1])
        rolled = self.rollout(latents[:, 0], actions[:, :horizon])
        rollout_err = (rolled - latents[:, 1 : horizon + 1]).square().mean(dim=(0, 2))  # (H,)
        out = {"latents": latents, "teacher": (teacher - latents[:, 1:]).square().mean(), "rollout_by_h": rollout_err}
        if self.high_level is not None:
            out["high_level"] = self.high_level.loss(latents.detach(), actions)
        if self.decoder is not None:
            out["reconstruction"] = self.decoder(latents, batch["obs"])
        if self.position_probe is not None and "states" in batch:
            pred = self.position_probe(latents.detach()) * self.hparams.state_scale
            out["probe_loss"] = F.mse_loss(pred / self.hparams.state_scale, batch["states"].float() / self.hparams.state_scale)
            out["pos_err"] = (pred - batch["states"].float()).norm(dim=-1).mean()
        return out

    def training_step(self, batch: dict[str, torch.Tensor], batch_idx: int) -> torch.Tensor:
        out = self._losses(batch)
        regularization = self.regularizer(out["latents"], batch["actions"].float(), step=self.global_step)
        rollout = out["rollout_by_h"].mean()
        loss = self.hparams.teacher_weight * out["teacher"] + self.hparams.rollout_weight * rollout + regularization["loss"]
        if "reconstruction" in out:
            loss = loss + self.hparams.decoder_weight * out["reconstruction"]
        if is_logging_step(self):
            metrics = {
                "train/loss": loss,
                "train/teacher_loss": out["teacher"],
                "train/rollout_loss": rollout,
                "train/reg_loss": regularization["loss"],
            }
            metrics |= {f"reg/{k}": v for k, v in regularization.items() if k != "loss"}
            metrics["collapse/std"] = embedding_std(out["latents"][:, 0].detach())
            if "pos_err" in out:
                metrics["probe/pos_err"] = out["pos_err"]
            if "high_level" in out:
                metrics["train/high_level_loss"] = out["high_level"]
            if "reconstruction" in out:
                metrics["train/reconstruction"] = out["reconstruction"]
            self.log_dict(metrics, prog_bar=False)
            self.log("loss", loss, prog_bar=True, logger=False)
        return loss + out.get("probe_loss", 0.0) + self.hparams.high_level_weight * out.get("high_level", 0.0)

    def validation_step(self, batch: dict[str, torch.Tensor], batch_idx: int) -> None:
        out = self._losses(batch)
        metrics = {f"val/rollout_err_h{h + 1}": err for h, err in enumerate(out["rollout_by_h"])}
        metrics["val/rollout_err"] = out["rollout_by_h"].mean()
        if "pos_err" in out:
            metrics["val/pos_err"] = out["pos_err"]
        if "high_level" in out:
            metrics["val/high_level_err"] = out["high_level"]  # compare with val/rollout_err_h{k}: the low level's k-step error
        if "reconstruction" in out:
            metrics["val/reconstruction"] = out["reconstruction"]
        self.log_dict(metrics, prog_bar=False)

    def configure_optimizers(self) -> dict[str, Any]:
        return adamw_with_warmup_cosine(
            self,
            lr=self.hparams.lr,
            weight_decay=self.hparams.weight_decay,
            warmup_steps=self.hparams.warmup_steps,
            total_steps=int(self.trainer.estimated_stepping_batches),
            final_ratio=self.hparams.final_lr_ratio,
        )
