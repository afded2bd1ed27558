"""The high-level k-step model: its windows pair z_t and a_t..a_{t+k-1} with z_{t+k}, and it learns a known k-step map."""

from __future__ import annotations

import pytest
import torch

from worldmodels.dynamics import MacroStepPredictor


def test_loss_pairs_each_start_with_its_k_actions_and_the_latent_k_steps_later() -> None:
    model = MacroStepPredictor(latent_dim=3, action_dim=2, macro_steps=4)
    latents, actions = torch.randn(2, 9, 3), torch.randn(2, 8, 2)
    expected = torch.stack([(model(latents[:, t], actions[:, t : t + 4]) - latents[:, t + 4]).square().mean(-1) for t in range(5)]).mean()
    assert torch.allclose(model.loss(latents, actions), expected)
    assert model(latents[:, 0], actions[:, :4]).shape == (2, 3)
    with pytest.raises(ValueError, match="4-step transitions"):
        model(latents[:, 0], actions[:, :3])
    with pytest.raises(ValueError, match="too short"):
        model.loss(latents[:, :4], actions[:, :3])


def test_it_learns_a_linear_k_step_map() -> None:
    torch.manual_seed(0)
    model = MacroStepPredictor(latent_dim=2, action_dim=2, macro_steps=3, hidden_dim=64, depth=2)
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    for _ in range(400):
        actions = torch.rand(64, 6, 2) * 2 - 1
        latents = torch.cat([torch.randn(64, 1, 2), actions.cumsum(1)], dim=1)
        latents[:, 1:] += latents[:, :1]  # z_{t+1} = z_t + a_t
        loss = model.loss(latents, actions)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    assert float(loss) < 0.01
