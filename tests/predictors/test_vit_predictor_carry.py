"""ViTPredictor's carry_context: a mask token starts from the latest earlier context token at its spatial position."""

from __future__ import annotations

import torch

from worldmodels.predictors import ViTPredictor


def predictors() -> tuple[ViTPredictor, ViTPredictor]:
    """The same depth-0 predictor (blocks are the identity) without and with carry_context, on a 3 x 2 x 2 token grid."""
    torch.manual_seed(0)
    plain = ViTPredictor(6, input_size=4, patch_size=2, num_frames=3, tubelet_size=1, embed_dim=8, depth=0, num_heads=2)
    carry = ViTPredictor(6, input_size=4, patch_size=2, num_frames=3, tubelet_size=1, embed_dim=8, depth=0, num_heads=2, carry_context=True)
    carry.load_state_dict(plain.state_dict())
    return plain.eval(), carry.eval()


def test_future_targets_start_from_the_latest_context_frame() -> None:
    plain, carry = predictors()
    context = torch.randn(1, 8, 6)  # frames 0 and 1 (4 tokens each) are the context
    context_indices, target_indices = torch.arange(8)[None], torch.arange(8, 12)[None]
    with torch.no_grad():
        queries = plain.mask_token + plain.positions[:, 8:12] + carry.embed(context[:, 4:8])  # frame 1's tokens, same places
        assert torch.allclose(carry(context, context_indices, target_indices), carry.proj(carry.norm(queries)), atol=1e-6)
        assert not torch.allclose(carry(context, context_indices, target_indices), plain(context, context_indices, target_indices))


def test_targets_without_an_earlier_context_token_get_the_plain_mask_token() -> None:
    plain, carry = predictors()
    context_indices = torch.tensor([[0, 1, 4, 5, 8, 9]])  # tubes: spatial positions 0 and 1 in every frame
    target_indices = torch.tensor([[2, 3, 6, 7, 10, 11]])  # positions 2 and 3 never seen
    context = torch.randn(1, 6, 6)
    with torch.no_grad():
        assert torch.allclose(carry(context, context_indices, target_indices), plain(context, context_indices, target_indices))
        late = torch.tensor([[8, 9]])  # context only in the last frame: nothing earlier for targets in frame 0
        assert torch.allclose(carry(context[:, :2], late, torch.tensor([[0, 1]])), plain(context[:, :2], late, torch.tensor([[0, 1]])))
