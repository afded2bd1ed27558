"""The masked objective: targets at the target indices, gradients to encoder and predictor only, clear errors."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from worldmodels.encoders import VideoViT, ViT
from worldmodels.encoders.projected import ProjectedEncoder
from worldmodels.maskers import FutureMasker, MultiBlock3DMasker, MultiBlockMasker
from worldmodels.modules.masked import masked_prediction_loss, rollout_prediction_loss
from worldmodels.predictors import MLPProjector, ViTPredictor
from worldmodels.regularizers import EMATeacher, SIGRegRegularizer


def _parts() -> tuple[ViT, ViTPredictor, EMATeacher]:
    torch.manual_seed(0)
    encoder = ViT(image_size=28, patch_size=4, embed_dim=32, depth=1, num_heads=2)
    predictor = ViTPredictor(dim=32, input_size=28, patch_size=4, embed_dim=16, depth=1, num_heads=2)
    teacher = EMATeacher()
    teacher.setup(ProjectedEncoder(encoder, MLPProjector(32, 16, 8)))
    return encoder, predictor, teacher


def test_loss_is_smooth_l1_to_layer_normed_teacher_tokens_and_trains_only_the_student() -> None:
    encoder, predictor, teacher = _parts()
    images = torch.randn(4, 1, 28, 28)
    masks = MultiBlockMasker(seed=0)(4)["masks"]
    target_tokens = teacher.target_tokens(images)
    assert target_tokens.shape == (4, 49, 32) and not target_tokens.requires_grad
    loss, context = masked_prediction_loss(encoder, predictor, images, target_tokens, masks)
    assert context.shape == (4, masks[0]["context"].shape[1], 32)

    target = masks[0]["target"]  # (B, 4, M): recompute the loss for one target group by hand
    first = predictor(encoder(images, keep=masks[0]["context"]), masks[0]["context"], target[:, 0])
    normed = F.layer_norm(target_tokens, (32,))
    expected_first = F.smooth_l1_loss(first, torch.stack([normed[b, target[b, 0]] for b in range(4)]))
    groups = [
        F.smooth_l1_loss(predictor(context, masks[0]["context"], target[:, g]), torch.stack([normed[b, target[b, g]] for b in range(4)]))
        for g in range(4)
    ]
    assert torch.allclose(groups[0], expected_first) and torch.allclose(loss, torch.stack(groups).mean(), atol=1e-6)

    loss.backward()
    assert encoder.patch_embed.weight.grad.abs().sum() > 0 and predictor.mask_token.grad.abs().sum() > 0
    assert all(p.grad is None for p in teacher.teacher.parameters())


def test_mismatched_grids_and_a_regularizer_without_targets_fail_clearly() -> None:
    encoder, _, teacher = _parts()
    images = torch.randn(2, 1, 28, 28)
    wrong = ViTPredictor(dim=32, input_size=32, patch_size=4, embed_dim=16, depth=1, num_heads=2)
    with pytest.raises(ValueError, match="64 positions but the encoder made 49 tokens"):
        masked_prediction_loss(encoder, wrong, images, teacher.target_tokens(images), MultiBlockMasker()(2)["masks"])
    with pytest.raises(ValueError, match=r"indices reach \d+ but the encoder made 16 tokens"):
        small = ViTPredictor(dim=32, input_size=16, patch_size=4, embed_dim=16, depth=1, num_heads=2)
        masked_prediction_loss(
            encoder, small, images[..., :16, :16], teacher.target_tokens(images[..., :16, :16]), MultiBlockMasker()(2)["masks"]
        )
    with pytest.raises(ValueError, match="needs a target encoder.*regularizer=ema"):
        SIGRegRegularizer().target_tokens(images)


def test_video_parts_compose_with_both_tube_mask_sets() -> None:
    encoder = VideoViT(image_size=16, num_frames=4, patch_size=4, tubelet_size=2, embed_dim=24, depth=1, num_heads=2)
    predictor = ViTPredictor(dim=24, input_size=16, patch_size=4, num_frames=4, tubelet_size=2, embed_dim=12, depth=1, num_heads=2)
    masks = MultiBlock3DMasker(input_size=16, patch_size=4, num_frames=4, tubelet_size=2)(3)["masks"]
    clips = torch.randn(3, 1, 4, 16, 16)
    with torch.no_grad():
        target_tokens = encoder(clips)
    loss, context = masked_prediction_loss(encoder, predictor, clips, target_tokens, masks)
    assert len(masks) == 2 and loss.ndim == 0 and torch.isfinite(loss)
    assert context.shape == (3, masks[0]["context"].shape[1], 24)


def test_rollout_loss_feeds_each_predicted_frame_back_as_context() -> None:
    """Context = token frames 0-1, targets = frames 2 and 3: frame 2 is predicted from the layer-normed context, frame 3
    from the context plus the frame-2 predictions at their indices; the loss is the mean of the two terms."""
    torch.manual_seed(0)
    encoder = VideoViT(image_size=16, num_frames=8, patch_size=4, tubelet_size=2, embed_dim=24, depth=1, num_heads=2)
    predictor = ViTPredictor(
        dim=24, input_size=16, patch_size=4, num_frames=8, tubelet_size=2, embed_dim=12, depth=1, num_heads=2, carry_context=True
    )
    masks = FutureMasker(input_size=16, patch_size=4, num_frames=8, tubelet_size=2, context_frames=(4,))(3)["masks"]
    clips = torch.randn(3, 1, 8, 16, 16)
    with torch.no_grad():
        target_tokens = encoder(clips)
    loss, context = rollout_prediction_loss(encoder, predictor, clips, target_tokens, masks)
    assert context.shape == (3, 32, 24)

    normed, targets = F.layer_norm(context, (24,)), F.layer_norm(target_tokens, (24,))
    indices, frame2, frame3 = masks[0]["context"], torch.arange(32, 48).expand(3, -1), torch.arange(48, 64).expand(3, -1)
    first = predictor(normed, indices, frame2)
    second = predictor(torch.cat([normed, first], 1), torch.cat([indices, frame2], 1), frame3)
    expected = (F.smooth_l1_loss(first, targets[:, 32:48]) + F.smooth_l1_loss(second, targets[:, 48:64])) / 2
    assert torch.allclose(loss, expected, atol=1e-6)
    assert not torch.allclose(second, predictor(normed, indices, frame3))  # frame 3 sees frame 2's predictions
    loss.backward()
    assert encoder.patch_embed.weight.grad.abs().sum() > 0


def test_rollout_loss_needs_a_clip_predictor() -> None:
    encoder, predictor, teacher = _parts()
    images = torch.randn(2, 1, 28, 28)
    with pytest.raises(ValueError, match="clip token grid"):
        rollout_prediction_loss(encoder, predictor, images, teacher.target_tokens(images), MultiBlockMasker()(2)["masks"])
