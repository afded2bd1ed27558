"""The JEPA pretrainer: composes encoder, projector, predictor and regularizer; owns no model code."""

from __future__ import annotations

from typing import Any

import pytorch_lightning as pl
import torch
import torch.nn.functional as F
from torch import nn

from worldmodels.encoders.projected import ProjectedEncoder
from worldmodels.modules.masked import masked_prediction_loss, rollout_prediction_loss
from worldmodels.modules.optim import adamw_with_warmup_cosine
from worldmodels.regularizers import Regularizer, embedding_std, rankme


class JEPAPretrainer(pl.LightningModule):
    """Joint-embedding prediction in representation space: multi-view, or masked when the batch carries token masks.

    Multi-view (no ``masks`` in the batch): for views x_v (global then local) with embeddings
    z_v = projector(pool(encoder(x_v))) (V, B, K), the predictor maps each z_v toward the target t (B, K) given by
    the regularizer (the mean of the global views' embeddings, or an EMA teacher's):

        loss = pred_weight · mean_v ‖predictor(z_v) − t‖² / K + regularizer(z)

    Masked (the masker put ``masks`` in the batch; I-JEPA / V-JEPA): the encoder sees the context tokens of the first
    global view, a token predictor (``predicts_tokens``) predicts the tokens at the target indices, and the targets
    are the regularizer's target encoder's (the EMA teacher's) layer-normed tokens of the whole view; the loss is
    ``pred_weight · smooth-L1 + regularizer(pooled context features)`` (see ``masked_prediction_loss``; with
    ``rollout`` and future masks, ``rollout_prediction_loss`` predicts the later frames one at a time). Collapse
    diagnostics and the online probe then use the pooled context features.

    An online linear probe on detached pooled features of the first global view (its context) tracks ``probe/acc``;
    the same probe is evaluated on clean images in validation (``val/probe_acc``).
    """

    def __init__(
        self,
        encoder: nn.Module,
        projector: nn.Module,
        predictor: nn.Module,
        regularizer: Regularizer,
        num_classes: int = 10,
        lr: float = 2e-3,
        weight_decay: float = 0.05,
        warmup_steps: int = 100,
        final_lr_ratio: float = 0.0,
        diagnostics_every: int = 25,
        rollout: bool = False,
        run_config: dict[str, Any] | None = None,
    ) -> None:
        super().__init__()
        self.save_hyperparameters(ignore=["encoder", "projector", "predictor", "regularizer"])
        self.network = ProjectedEncoder(encoder, projector)
        self.predictor = predictor
        self.regularizer = regularizer
        self.regularizer.setup(self.network)
        self.online_probe = nn.Linear(encoder.embed_dim, num_classes)

    @property
    def encoder(self) -> nn.Module:
        return self.network.encoder

    def _embed_views(self, views: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Views (V, B, C, S, S) -> pooled features (V, B, D) and embeddings (V, B, K)."""
        num_views, batch = views.shape[:2]
        features = self.network.features(views.flatten(0, 1))
        embeddings = self.network.projector(features)
        return features.view(num_views, batch, -1), embeddings.view(num_views, batch, -1)

    def _multiview_step(self, batch: dict[str, Any]) -> tuple[torch.Tensor, dict[str, torch.Tensor], torch.Tensor, torch.Tensor]:
        """Whole views -> prediction loss, regularizer terms, probe features (B, D), embeddings to diagnose (B, K)."""
        if getattr(self.predictor, "predicts_tokens", False):
            raise ValueError(
                f"{type(self.predictor).__name__} predicts masked tokens, but the batch has no token masks: "
                "use a masker that makes them (masker=multiblock, multiblock3d or random) or a multi-view predictor (identity, mlp)"
            )
        views = batch["views"]
        global_features, global_embeddings = self._embed_views(views["global"])
        embeddings = global_embeddings
        if "local" in views:
            embeddings = torch.cat([global_embeddings, self._embed_views(views["local"])[1]])
        targets = self.regularizer.targets(views["global"], global_embeddings)
        pred_loss = (self.predictor(embeddings) - targets).square().mean()
        regularization = self.regularizer(embeddings, step=self.global_step)
        return pred_loss, regularization, global_features[0], global_embeddings[0]

    def _masked_step(self, batch: dict[str, Any]) -> tuple[torch.Tensor, dict[str, torch.Tensor], torch.Tensor, torch.Tensor]:
        """First global view + token masks -> prediction loss, regularizer terms, probe features and diagnosed features (B, D)."""
        if not getattr(self.predictor, "predicts_tokens", False):
            raise ValueError(
                f"the batch has token masks (the masked objective), but {type(self.predictor).__name__} predicts pooled "
                "embeddings: use predictor=vit, or masker=none for the multi-view objective"
            )
        inputs = batch["views"]["global"][0]
        target_tokens = self.regularizer.target_tokens(inputs)
        loss_fn = rollout_prediction_loss if self.hparams.rollout else masked_prediction_loss
        pred_loss, context = loss_fn(self.encoder, self.predictor, inputs, target_tokens, batch["masks"])
        features = self.encoder.pool(context)
        return pred_loss, self.regularizer(features[None], step=self.global_step), features, features

    def training_step(self, batch: dict[str, Any], batch_idx: int) -> torch.Tensor:
        step = self._masked_step if "masks" in batch else self._multiview_step
        pred_loss, regularization, probe_features, diagnosed = step(batch)
        loss = self.regularizer.pred_weight * pred_loss + regularization["loss"]

        logits = self.online_probe(probe_features.detach())
        probe_loss = F.cross_entropy(logits, batch["label"])
        self.log_dict(
            {
                "train/loss": loss,
                "train/pred_loss": pred_loss,
                "train/reg_loss": regularization["loss"],
                "probe/loss": probe_loss,
                "probe/acc": (logits.argmax(-1) == batch["label"]).float().mean(),
            },
            prog_bar=True,
        )
        self.log_dict({f"reg/{k}": v for k, v in regularization.items() if k != "loss"})
        if self.global_step % self.hparams.diagnostics_every == 0:
            self.log_dict({"collapse/std": embedding_std(diagnosed), "collapse/rankme": rankme(diagnosed)})
        return loss + probe_loss

    def on_train_batch_end(self, outputs: Any, batch: Any, batch_idx: int) -> None:
        self.regularizer.on_optimizer_step(self.global_step, int(self.trainer.estimated_stepping_batches))

    def validation_step(self, batch: dict[str, Any], batch_idx: int) -> None:
        features = self.network.features(batch["image"])
        logits = self.online_probe(features)
        self.log_dict(
            {
                "val/probe_acc": (logits.argmax(-1) == batch["label"]).float().mean(),
                "val/embedding_std": embedding_std(self.network.projector(features)),
                "val/feature_rankme": rankme(features),
            },
            prog_bar=True,
            sync_dist=True,  # DDP: averaged over ranks (each validates its shard of the test split)
        )

    def configure_optimizers(self) -> dict[str, Any]:
        return adamw_with_warmup_cosine(
            self,
            lr=self.hparams.lr,
            weight_decay=self.hparams.weight_decay,
            warmup_steps=self.hparams.warmup_steps,
            total_steps=int(self.trainer.estimated_stepping_batches),
            final_ratio=self.hparams.final_lr_ratio,
        )
