"""Pretrained V-JEPA 2 video encoders through Hugging Face transformers (``VJEPA2Model.get_vision_features``)."""

from __future__ import annotations

import torch
from torch import nn

from worldmodels.encoders.tokens import gather_tokens

MODEL_IDS = {
    "vitl": "facebook/vjepa2-vitl-fpc64-256",
    "vith": "facebook/vjepa2-vith-fpc64-256",
    "vitg": "facebook/vjepa2-vitg-fpc64-256",
    "vitg384": "facebook/vjepa2-vitg-fpc64-384",
}


class PretrainedWeightsError(OSError):
    """Pretrained weights could not be loaded (no network and no cached copy, or no transformers); says how to get them."""


def how_to_get(model: str) -> str:
    """Instructions for fetching and caching the weights of ``model`` (a Hugging Face model id)."""
    return (
        f"The weights of {model} come from the Hugging Face Hub on first use and are cached (~/.cache/huggingface, or $HF_HOME).\n"
        f"  On a machine with network access: huggingface-cli download {model}\n"
        f"  (or python -c \"from transformers import VJEPA2Model; VJEPA2Model.from_pretrained('{model}')\"),\n"
        "  then copy the cache here, or save the model to a folder and set encoder.model=/path/to/that/folder.\n"
        "  The official repository's torch.hub entry points are an alternative: "
        "torch.hub.load('facebookresearch/vjepa2', 'vjepa2_vit_large')."
    )


def load_vjepa2(model: str, local_files_only: bool = False, cache_dir: str | None = None) -> nn.Module:
    """transformers' ``VJEPA2Model`` from a Hub id or a local folder; a ``PretrainedWeightsError`` with instructions
    when transformers is missing or the weights cannot be found or fetched."""
    try:
        from transformers import VJEPA2Model
    except ImportError as error:
        raise PretrainedWeightsError(
            f"V-JEPA 2 encoders need Hugging Face transformers >= 4.53: pip install transformers\n{how_to_get(model)}"
        ) from error
    try:
        return VJEPA2Model.from_pretrained(model, local_files_only=local_files_only, cache_dir=cache_dir)
    except OSError as error:
        raise PretrainedWeightsError(
            f"could not load V-JEPA 2 weights {model!r}: {str(error).splitlines()[0]}\n{how_to_get(model)}"
        ) from error


class VJEPA2Encoder(nn.Module):
    """A pretrained V-JEPA 2 encoder (``model``: a Hugging Face id such as ``facebook/vjepa2-vitl-fpc64-256``, or a folder
    written by ``save_pretrained``), frozen unless ``trainable``.

    ``forward(clips (B, C, T, H, W), keep (B, K) | None)`` -> tokens (B, K or N, D), N = (T / 2) · (H / 16) · (W / 16)
    for the released models; an image (B, C, H, W) is a still clip of ``tubelet_size`` frames. ``pool`` averages to
    (B, D). Inputs are normalised as the models were trained (ImageNet statistics, 256 or 384 px crops).
    """

    def __init__(
        self, model: str = MODEL_IDS["vitl"], trainable: bool = False, local_files_only: bool = False, cache_dir: str | None = None
    ) -> None:
        super().__init__()
        self.model = load_vjepa2(model, local_files_only, cache_dir).requires_grad_(trainable)
        config = self.model.config
        self.embed_dim, self.tubelet_size, self.patch_size = config.hidden_size, config.tubelet_size, config.patch_size
        self.image_size, self.num_frames = config.crop_size, config.frames_per_clip

    def forward(self, clips: torch.Tensor, keep: torch.Tensor | None = None) -> torch.Tensor:
        """Clips (B, C, T, H, W) or images (B, C, H, W) -> tokens (B, K or N, D)."""
        if clips.ndim == 4:
            clips = clips.unsqueeze(2).expand(-1, -1, self.tubelet_size, -1, -1)
        tokens = self.model.get_vision_features(clips.transpose(1, 2))
        return tokens if keep is None else gather_tokens(tokens, keep)

    def pool(self, tokens: torch.Tensor) -> torch.Tensor:
        """Tokens (B, N, D) -> (B, D) mean over tokens."""
        return tokens.mean(dim=1)
