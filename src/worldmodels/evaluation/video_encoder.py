"""The frozen encoder that `worldmodels extract` encodes videos with, and the input it expects."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch
from hydra.utils import instantiate
from omegaconf import DictConfig
from torch import nn

from worldmodels.evaluation.checkpoint_encoder import load_encoder
from worldmodels.runs import resolve_checkpoint, resolve_group, saved_run_config

IMAGENET = ([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])
"""ImageNet's per-channel mean and std: the normalisation of an encoder without a checkpoint's data config."""


def frozen_encoder(cfg: DictConfig) -> tuple[nn.Module, DictConfig, DictConfig | None]:
    """The encoder to extract with: ``cfg.ckpt``'s weights (in its own or the named encoder), else ``cfg.encoder`` as
    it builds itself (random or pretrained weights); its config and the checkpoint's run config."""
    if not cfg.ckpt:
        if cfg.get("encoder") is None:
            raise ValueError("choose an encoder (encoder=vjepa2_vitl, encoder=vit_tiny_video, ...) or give ckpt=")
        return instantiate(cfg.encoder), cfg.encoder, None
    path = Path(resolve_checkpoint(cfg.ckpt, key="ckpt"))
    checkpoint = torch.load(path, weights_only=True, map_location="cpu")
    saved = saved_run_config(path, checkpoint)
    encoder_cfg = resolve_group("encoder", cfg.get("encoder"), saved)
    return load_encoder(checkpoint, path, encoder_cfg, saved.encoder if saved else None, cfg.encoder_prefix), encoder_cfg, saved


def input_options(cfg: DictConfig, encoder: nn.Module, encoder_cfg: DictConfig, saved: DictConfig | None) -> dict[str, Any]:
    """Frame size, channels, frames per encoder call and normalisation: from ``cfg`` where set, else from the encoder
    (its image_size and num_frames attributes, else its config's; in_channels) and the checkpoint's data (mean, std;
    ImageNet's without a checkpoint)."""
    augment = saved.data.get("augment", {}) if saved is not None else {}
    return {
        "image_size": int(cfg.image_size or getattr(encoder, "image_size", encoder_cfg.get("image_size", 224))),
        "channels": int(cfg.channels or encoder_cfg.get("in_channels", 3)),
        "clip_frames": int(cfg.clip_frames or getattr(encoder, "num_frames", encoder_cfg.get("num_frames", 16))),
        "mean": cfg.mean if cfg.mean is not None else augment.get("mean", IMAGENET[0]),
        "std": cfg.std if cfg.std is not None else augment.get("std", IMAGENET[1]),
    }
