"""Rebuilding a video JEPA's encoder, predictor and target encoder from a checkpoint, for surprise scoring."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hydra.utils import instantiate
from omegaconf import DictConfig
from torch import nn

from worldmodels.evaluation.checkpoint_encoder import encoder_state, load_encoder
from worldmodels.evaluation.surprise import FutureSurprise

PREFIXES = {"encoder": "network.encoder.", "predictor": "predictor.", "target_encoder": "regularizer.teacher.encoder."}


def default_context_frames(run_cfg: DictConfig) -> int:
    """The context the model was trained with: the future masker's first context length, else half the clip."""
    masker = run_cfg.get("masker") or {}
    if masker.get("context_frames"):
        return int(masker.context_frames[0])
    return int(run_cfg.data.num_frames) // 2


def load_predictor(checkpoint: dict[str, Any], path: Path, predictor_cfg: DictConfig, dim: int) -> nn.Module:
    """The checkpoint's token predictor (weights under ``predictor.``), rebuilt from its config at encoder width ``dim``."""
    predictor = instantiate(predictor_cfg, dim=dim)
    if not getattr(predictor, "predicts_tokens", False):
        raise ValueError(
            f"{path} has a {type(predictor).__name__}, which predicts pooled embeddings: surprise needs a token predictor "
            "(train with predictor=vit and a token masker, e.g. experiment=vjepa_future_moving_fmnist)"
        )
    predictor.load_state_dict(encoder_state(checkpoint, PREFIXES["predictor"], path))
    return predictor


def load_surprise_model(checkpoint: dict[str, Any], path: Path, run_cfg: DictConfig, context_frames: int) -> FutureSurprise:
    """Encoder, predictor and EMA target encoder of a masked video JEPA checkpoint as a ``FutureSurprise`` scorer (eval mode)."""
    encoder = load_encoder(checkpoint, path, run_cfg.encoder, run_cfg.encoder, PREFIXES["encoder"])
    target_encoder = load_encoder(checkpoint, path, run_cfg.encoder, run_cfg.encoder, PREFIXES["target_encoder"])
    predictor = load_predictor(checkpoint, path, run_cfg.predictor, encoder.embed_dim)
    return FutureSurprise(encoder, predictor, target_encoder, context_frames).eval()
