"""PooledPixelDecoder: shapes, the pooled target, the loss's scale (relative squared error) and a fit."""

from __future__ import annotations

import torch

from worldmodels.decoders import PooledPixelDecoder


def test_shapes_and_the_pooled_target() -> None:
    decoder = PooledPixelDecoder(latent_dim=6, obs_shape=(2, 65, 65), pool=4, hidden_dim=32)
    assert decoder.decode(torch.zeros(5, 6)).shape == (5, 2, 16, 16)
    obs = torch.zeros(1, 2, 65, 65, dtype=torch.uint8)
    obs[0, 1, :, 8] = 255  # a 1-px wall in column 8: a quarter of the pooled cells of column 2
    target = decoder.target(obs)
    assert target.shape == (1, 2, 16, 16)
    assert torch.allclose(target[0, 1, :, 2], torch.full((16,), 0.25)) and target[0, 1].sum() == 4.0 and target[0, 0].sum() == 0


def test_the_loss_is_one_for_a_blank_reconstruction_and_does_not_depend_on_the_batch_mix() -> None:
    torch.manual_seed(0)
    decoder = PooledPixelDecoder(latent_dim=3, obs_shape=(1, 8, 8), pool=2, hidden_dim=4)
    obs = torch.full((2, 3, 1, 8, 8), 255, dtype=torch.uint8)  # (B, T, C, H, W): all frames the same white image
    last = decoder.net[-1]
    with torch.no_grad():
        last.weight.zero_()
        last.bias.zero_()
        assert torch.isclose(decoder(torch.randn(2, 3, 3), obs), torch.tensor(1.0))  # no variance in the batch, a finite loss
        last.bias.fill_(0.5)
        assert torch.isclose(decoder(torch.randn(2, 3, 3), obs), torch.tensor(0.25))  # (1 − 0.5)² / 1²


def test_it_learns_to_redraw_four_images_from_their_codes() -> None:
    torch.manual_seed(0)
    decoder = PooledPixelDecoder(latent_dim=4, obs_shape=(2, 16, 16), pool=4, hidden_dim=64)
    obs = torch.randint(0, 256, (4, 2, 16, 16), dtype=torch.uint8)
    codes = torch.eye(4)
    optimizer = torch.optim.Adam(decoder.parameters(), lr=1e-2)
    start = decoder(codes, obs).item()
    for _ in range(300):
        optimizer.zero_grad()
        loss = decoder(codes, obs)
        loss.backward()
        optimizer.step()
    assert start > 0.5 and decoder(codes, obs).item() < 0.01
