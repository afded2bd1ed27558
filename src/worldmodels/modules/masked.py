"""The masked-prediction objective of I-JEPA / V-JEPA, as a function of the parts it composes."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from worldmodels.encoders.tokens import gather_tokens


def check_token_grids(predictor: nn.Module, masks: list[dict[str, torch.Tensor]], num_tokens: int) -> None:
    """Clear errors when the predictor's grid or the masker's indices do not match the encoder's ``num_tokens``."""
    if predictor.num_positions != num_tokens:
        raise ValueError(
            f"the predictor's token grid has {predictor.num_positions} positions but the encoder made {num_tokens} tokens: "
            "set the predictor's (and the masker's) input_size and patch_size to the encoder's input"
        )
    largest = int(torch.stack([index.max() for mask in masks for index in mask.values()]).max())
    if largest >= num_tokens:
        raise ValueError(
            f"the masker's token indices reach {largest} but the encoder made {num_tokens} tokens: "
            "set the masker's input_size and patch_size to the encoder's input"
        )


def masked_prediction_loss(
    encoder: nn.Module, predictor: nn.Module, inputs: torch.Tensor, target_tokens: torch.Tensor, masks: list[dict[str, torch.Tensor]]
) -> tuple[torch.Tensor, torch.Tensor]:
    """Smooth-L1 between predicted and layer-normed target tokens at the target indices, averaged over mask sets.

    For each mask set {"context": (B, K), "target": (B, T, M)} the encoder sees only the context tokens of
    ``inputs`` (B, C, H, W) or clips; the predictor is run once per target group (the context repeated T times,
    as I-JEPA does) and its (T·B, M, D) predictions are compared with the target tokens (B, N, D) — the target
    encoder's tokens of the full input, normalised here by LayerNorm without affine — at the same indices.

    Returns the loss and the context tokens of the first mask set (B, K, D), for the probe and diagnostics.
    """
    check_token_grids(predictor, masks, target_tokens.shape[1])
    targets = F.layer_norm(target_tokens, target_tokens.shape[-1:])
    losses, first_context = [], None
    for mask in masks:
        context_indices, target_indices = mask["context"], mask["target"]
        groups = target_indices.shape[1]
        context = encoder(inputs, keep=context_indices)
        target_indices = target_indices.transpose(0, 1).flatten(0, 1)  # (T·B, M), group-major like the repeats
        predictions = predictor(context.repeat(groups, 1, 1), context_indices.repeat(groups, 1), target_indices)
        losses.append(F.smooth_l1_loss(predictions, gather_tokens(targets.repeat(groups, 1, 1), target_indices)))
        first_context = context if first_context is None else first_context
    return torch.stack(losses).mean(), first_context


def rollout_prediction_loss(
    encoder: nn.Module, predictor: nn.Module, inputs: torch.Tensor, target_tokens: torch.Tensor, masks: list[dict[str, torch.Tensor]]
) -> tuple[torch.Tensor, torch.Tensor]:
    """Future prediction rolled out one token frame at a time (V-JEPA 2-AC's rollout loss), for clip masks whose
    target is the later frames (``masker=future``).

    For each mask set {"context": (B, K), "target": (B, 1, M)} the encoder sees the context frames; the predictor
    predicts the first target frame's tokens from the layer-normed context, then the next frame's from the context and
    its own previous predictions (appended as context at their grid indices, gradients kept), and so on: a smooth-L1
    term per predicted frame against the target encoder's layer-normed tokens, averaged over frames and mask sets.
    Context tokens are layer-normed too, so fed-back predictions and encoded frames live in the same space.

    Returns the loss and the context tokens of the first mask set (B, K, D).
    """
    frame_tokens = getattr(predictor, "frame_tokens", None)
    if frame_tokens is None or predictor.num_positions == frame_tokens:
        raise ValueError(
            f"the rollout loss predicts clips frame by frame: {type(predictor).__name__} needs a clip token grid (predictor.num_frames > 1)"
        )
    check_token_grids(predictor, masks, target_tokens.shape[1])
    targets = F.layer_norm(target_tokens, target_tokens.shape[-1:])
    losses, first_context = [], None
    for mask in masks:
        context_indices, target_indices = mask["context"], mask["target"]
        if target_indices.shape[1] != 1:
            raise ValueError(f"the rollout loss needs one target group per mask set (masker=future), got {target_indices.shape[1]}")
        target_indices = target_indices[:, 0]
        context = encoder(inputs, keep=context_indices)
        tokens, indices = F.layer_norm(context, context.shape[-1:]), context_indices
        target_frames = target_indices // frame_tokens
        for frame in torch.unique(target_frames[0]):
            step = target_indices[:, target_frames[0] == frame]  # (B, frame_tokens): this frame's targets
            predictions = predictor(tokens, indices, step)
            losses.append(F.smooth_l1_loss(predictions, gather_tokens(targets, step)))
            tokens, indices = torch.cat([tokens, predictions], dim=1), torch.cat([indices, step], dim=1)
        first_context = context if first_context is None else first_context
    return torch.stack(losses).mean(), first_context
