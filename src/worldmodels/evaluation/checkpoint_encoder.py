"""Rebuilding a trained encoder from a checkpoint's state dict, with a clear error when the encoder does not fit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch
from hydra.utils import instantiate
from omegaconf import DictConfig, OmegaConf
from torch import nn


class EncoderMismatchError(ValueError):
    """The requested encoder cannot hold the checkpoint's encoder weights; the message names both encoders."""


def describe_encoder(cfg: DictConfig | None) -> str:
    """``ClassName(key=value, ...)`` of an encoder config, e.g. ``ConvNet(in_channels=1, widths=[32, 64])``."""
    if cfg is None:
        return "an unknown encoder (no config.yaml beside the checkpoint and no run_config inside it)"
    options = OmegaConf.to_container(cfg, resolve=True)
    name = str(options.pop("_target_", "?")).rsplit(".", 1)[-1]
    return f"{name}({', '.join(f'{key}={value}' for key, value in options.items() if not key.startswith('_'))})"


def encoder_state(checkpoint: dict[str, Any], prefix: str, path: Path) -> dict[str, torch.Tensor]:
    """The tensors under ``prefix`` in the checkpoint's ``state_dict``, with the prefix removed."""
    state = checkpoint.get("state_dict", checkpoint)
    found = {key[len(prefix) :]: value for key, value in state.items() if key.startswith(prefix)}
    if not found:
        roots = sorted({key.split(".")[0] + "." for key in state})
        raise KeyError(f"checkpoint {path} has no weights under {prefix!r} (encoder_prefix); its state_dict holds {roots}")
    return found


def _differences(expected: dict[str, torch.Tensor], given: dict[str, torch.Tensor]) -> str:
    """The first few missing, unexpected and mis-shaped keys between two state dicts, in one line."""
    missing = sorted(set(expected) - set(given))
    unexpected = sorted(set(given) - set(expected))
    shapes = [
        f"{k} {tuple(given[k].shape)} vs {tuple(expected[k].shape)}"
        for k in sorted(set(expected) & set(given))
        if given[k].shape != expected[k].shape
    ]
    parts = [
        f"{label}: {', '.join(keys[:3])}{' …' if len(keys) > 3 else ''}"
        for label, keys in (("missing", missing), ("unexpected", unexpected), ("checkpoint vs requested shape", shapes))
        if keys
    ]
    return "; ".join(parts)


def load_encoder(
    checkpoint: dict[str, Any], path: Path, encoder_cfg: DictConfig, trained_cfg: DictConfig | None, prefix: str = "network.encoder."
) -> nn.Module:
    """Instantiate ``encoder_cfg`` and load the checkpoint's encoder weights into it (strictly).

    ``trained_cfg`` is the encoder config the checkpoint was trained with (for the error message); a mismatch
    raises ``EncoderMismatchError`` naming both encoders and the first differing keys.
    """
    state = encoder_state(checkpoint, prefix, path)
    encoder = instantiate(encoder_cfg)
    differences = _differences(encoder.state_dict(), state)
    if differences:
        raise EncoderMismatchError(
            f"checkpoint {path} holds the weights of {describe_encoder(trained_cfg)}, but the requested encoder is "
            f"{describe_encoder(encoder_cfg)}: they do not fit ({differences}). Leave out encoder= to probe the checkpoint's own encoder."
        )
    encoder.load_state_dict(state)
    return encoder
