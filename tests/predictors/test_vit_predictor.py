"""The masked-token ViT predictor: shapes, target positions matter, context matters, 2D and 3D grids."""

from __future__ import annotations

import torch

from worldmodels.predictors import ViTPredictor


def test_predicts_one_token_per_target_index_from_the_context() -> None:
    torch.manual_seed(0)
    predictor = ViTPredictor(dim=32, input_size=28, patch_size=4, embed_dim=16, depth=2, num_heads=2).eval()
    context, context_indices = torch.randn(1, 5, 32).expand(3, -1, -1), torch.tensor([[0, 1, 2, 3, 4]] * 3)
    targets = torch.tensor([[10, 20], [20, 10], [30, 48]])
    predictions = predictor(context, context_indices, targets)
    assert predictions.shape == (3, 2, 32) and predictor.num_positions == 49
    assert torch.allclose(predictions[0], predictions[1].flip(0), atol=1e-5)  # an answer per position, in target order
    assert not torch.allclose(predictions[0, 0], predictions[0, 1])  # the mask tokens carry their positions
    assert not torch.allclose(predictor(context + 1, context_indices, targets), predictions)  # and read the context
    moved = predictor(context, context_indices + 40, targets)
    assert not torch.allclose(moved, predictions)  # the context's positions matter too


def test_clip_grid_and_gradients() -> None:
    predictor = ViTPredictor(dim=8, input_size=16, patch_size=4, num_frames=4, tubelet_size=2, embed_dim=12, depth=1, num_heads=2)
    assert predictor.num_positions == 2 * 4 * 4
    context = torch.randn(2, 3, 8, requires_grad=True)
    predictions = predictor(context, torch.tensor([[0, 1, 31]] * 2), torch.tensor([[5, 6, 7, 8]] * 2))
    assert predictions.shape == (2, 4, 8)
    predictions.sum().backward()
    assert context.grad.abs().sum() > 0 and predictor.mask_token.grad.abs().sum() > 0
