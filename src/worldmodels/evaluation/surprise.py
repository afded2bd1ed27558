"""Surprise of a video JEPA: how far its prediction of the next frames' features lands from what they turn out to be."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from worldmodels.maskers.future import future_indices


class FutureSurprise(nn.Module):
    """Scores windows of a clip with a trained video JEPA: the context encoder sees the first ``context_frames`` frames,
    the predictor predicts the tokens of the frames after them, and the target encoder encodes the whole window.

    ``forward(windows (N, C, T, H, W))`` -> surprise (N,) = mean L1 between the predicted tokens and the target
    encoder's layer-normed tokens of the frames after the context (the targets the masked objective trains on).
    T must be the clip length the predictor was built for; ``context_frames`` a multiple of the tubelet size.
    """

    def __init__(self, encoder: nn.Module, predictor: nn.Module, target_encoder: nn.Module, context_frames: int) -> None:
        super().__init__()
        self.encoder, self.predictor, self.target_encoder = encoder, predictor, target_encoder
        self.context_frames = context_frames
        self.tubelet_size = getattr(encoder, "tubelet_size", 1)

    def split(self, num_frames: int, num_tokens: int) -> tuple[torch.Tensor, torch.Tensor]:
        """Context (K,) and target (M,) token indices of a window of ``num_frames`` frames encoded as ``num_tokens`` tokens."""
        token_frames = num_frames // self.tubelet_size
        if self.context_frames % self.tubelet_size:
            raise ValueError(f"context_frames={self.context_frames} must be a multiple of the tubelet size {self.tubelet_size}")
        return future_indices((token_frames, 1, num_tokens // token_frames), self.context_frames // self.tubelet_size)

    @torch.no_grad()
    def forward(self, windows: torch.Tensor) -> torch.Tensor:
        """Windows (N, C, T, H, W), normalised as in training -> surprise (N,)."""
        targets = self.target_encoder(windows)
        targets = F.layer_norm(targets, targets.shape[-1:])
        context_indices, target_indices = (
            index.to(windows.device).expand(len(windows), -1) for index in self.split(windows.shape[2], targets.shape[1])
        )
        context = self.encoder(windows, keep=context_indices)
        predictions = self.predictor(context, context_indices, target_indices)
        return (predictions - targets[:, target_indices[0]]).abs().mean(dim=(1, 2))


@torch.no_grad()
def surprise_curves(scorer: nn.Module, clips: torch.Tensor, window: int, stride: int = 1, batch_size: int = 256) -> torch.Tensor:
    """Clips (N, C, L, H, W) -> surprise of every window of ``window`` frames, ``stride`` apart: (N, W) with
    W = (L − window) // stride + 1; column j scores frames j · stride .. j · stride + window − 1."""
    if clips.shape[2] < window:
        raise ValueError(f"clips of {clips.shape[2]} frames are shorter than the {window}-frame window")
    windows = clips.unfold(2, window, stride)  # (N, C, W, H, W_px, window)
    num_windows = windows.shape[2]
    windows = windows.permute(0, 2, 1, 5, 3, 4).flatten(0, 1)  # (N · W, C, window, H, W_px)
    scores = [scorer(windows[i : i + batch_size].contiguous()) for i in range(0, len(windows), batch_size)]
    return torch.cat(scores).view(len(clips), num_windows)
