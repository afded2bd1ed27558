"""Surprise scoring: window surprise from a video JEPA's parts, sliding windows, the metrics and the plot."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from torch import nn

from worldmodels.encoders import VideoViT
from worldmodels.evaluation.surprise import FutureSurprise, surprise_curves
from worldmodels.evaluation.surprise_metrics import auroc, relative_accuracy, surprise_report
from worldmodels.evaluation.surprise_plot import plot_surprise
from worldmodels.maskers import FutureMasker, future_indices
from worldmodels.predictors import ViTPredictor


def tiny_scorer(context_frames: int = 2) -> FutureSurprise:
    torch.manual_seed(0)
    encoder = VideoViT(image_size=8, num_frames=4, patch_size=4, tubelet_size=2, embed_dim=24, depth=1, num_heads=2)
    predictor = ViTPredictor(24, input_size=8, patch_size=4, num_frames=4, tubelet_size=2, embed_dim=16, depth=1, num_heads=2)
    target = VideoViT(image_size=8, num_frames=4, patch_size=4, tubelet_size=2, embed_dim=24, depth=1, num_heads=2)
    return FutureSurprise(encoder, predictor, target, context_frames).eval()


def test_future_masker_splits_the_clip_in_time() -> None:
    masks = FutureMasker(input_size=8, patch_size=4, num_frames=6, tubelet_size=2, context_frames=[2, 4])(3)["masks"]
    assert [m["context"].shape for m in masks] == [(3, 4), (3, 8)] and [m["target"].shape for m in masks] == [(3, 1, 8), (3, 1, 4)]
    assert masks[0]["context"][0].tolist() == [0, 1, 2, 3] and masks[0]["target"][0, 0].tolist() == list(range(4, 12))
    with pytest.raises(ValueError, match="between 1 and 2"):
        future_indices((3, 2, 2), 3)
    with pytest.raises(ValueError, match="tubelet size"):
        FutureMasker(input_size=8, patch_size=4, num_frames=6, tubelet_size=2, context_frames=[3])


def test_window_surprise_is_the_l1_of_the_predicted_future_tokens() -> None:
    scorer = tiny_scorer()
    windows = torch.randn(5, 1, 4, 8, 8)
    surprise = scorer(windows)
    assert surprise.shape == (5,) and (surprise > 0).all()
    targets = nn.functional.layer_norm(scorer.target_encoder(windows), (24,))
    keep = torch.arange(4).expand(5, -1)
    predictions = scorer.predictor(scorer.encoder(windows, keep=keep), keep, torch.arange(4, 8).expand(5, -1))
    assert torch.allclose(surprise, (predictions - targets[:, 4:]).abs().mean(dim=(1, 2)), atol=1e-6)
    changed = windows.clone()
    changed[:, :, 2:] = torch.randn(5, 1, 2, 8, 8)  # the future changes: surprise changes; the past alone decides the prediction
    assert not torch.allclose(scorer(changed), surprise)


def test_sliding_windows_score_every_window_in_order() -> None:
    scorer = tiny_scorer()
    clips = torch.randn(2, 1, 9, 8, 8)
    curves = surprise_curves(scorer, clips, window=4, stride=2, batch_size=3)
    assert curves.shape == (2, 3)
    assert torch.allclose(curves[1, 2], scorer(clips[1:2, :, 4:8])[0], atol=1e-6)
    with pytest.raises(ValueError, match="shorter"):
        surprise_curves(scorer, clips[:, :, :3], window=4)


def test_metrics() -> None:
    possible, impossible = torch.tensor([1.0, 2.0, 3.0, 4.0]), torch.tensor([2.0, 2.0, 1.0, 5.0])
    assert relative_accuracy(possible, impossible) == pytest.approx((1 + 0.5 + 0 + 1) / 4)
    assert auroc(torch.zeros(3), torch.ones(3)) == 1.0 and auroc(torch.ones(3), torch.zeros(3)) == 0.0
    curves_possible = torch.tensor([[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]])
    curves_impossible = torch.tensor([[1.0, 3.0, 1.0], [0.5, 0.5, 1.2]])  # pair 1: higher max, lower mean
    report = surprise_report(curves_possible, curves_impossible, torch.tensor([0, 1]), ["vanish", "wall"])
    assert report["mean"]["relative_accuracy"] == 0.5 and report["max"]["relative_accuracy"] == 1.0
    assert report["mean"]["by_event"]["wall"] == {"relative_accuracy": 0.0, "auroc": 0.0, "pairs": 1}


def test_plot_marks_events(tmp_path: Path) -> None:
    curves = torch.rand(6, 5)
    path = plot_surprise(
        curves,
        curves + 0.1,
        torch.arange(5) + 3,
        torch.tensor([4, 5, 6, 4, 5, 6]),
        torch.tensor([0, 1, 2, 0, 1, 2]),
        ["vanish", "teleport", "wall", "shape"],
        tmp_path / "surprise.png",
    )
    assert path.stat().st_size > 10_000
