"""The world-model regularizer: within-trajectory variance ignores the layout, frame_dims leaves dimensions free."""

from __future__ import annotations

import pytest
import torch

from worldmodels.regularizers import DynamicsRegularizer, VICRegRegularizer


def regularizer(**kwargs: object) -> DynamicsRegularizer:
    return DynamicsRegularizer(VICRegRegularizer(var_weight=1.0, cov_weight=1.0), latent_dim=6, action_dim=2, **kwargs)


def test_within_trajectory_variance_is_blind_to_per_trajectory_constants() -> None:
    moving = torch.randn(8, 5, 6)
    layout = torch.randn(8, 1, 6) * 10  # a different constant per trajectory
    reg = regularizer(within_trajectory=True)
    assert torch.allclose(reg(moving, torch.zeros(8, 4, 2), step=0)["loss"], reg(moving + layout, torch.zeros(8, 4, 2), step=0)["loss"])


def test_frame_dims_leaves_the_other_dimensions_untouched() -> None:
    latents = torch.randn(8, 5, 6, requires_grad=True)
    regularizer(frame_dims=4)(latents, torch.zeros(8, 4, 2), step=0)["loss"].backward()
    assert latents.grad[..., :4].abs().sum() > 0 and latents.grad[..., 4:].abs().sum() == 0
    with pytest.raises(ValueError, match="frame_dims=7 must be in"):
        regularizer(frame_dims=7)


def test_static_across_trajectories_wants_the_free_dims_to_differ_between_trajectories() -> None:
    """Free dims that hold a per-trajectory constant (a layout) satisfy it; the same dims collapsed to one value do not."""
    moving = torch.randn(16, 5, 4)
    layout = torch.randn(16, 1, 2).expand(-1, 5, -1) * 2
    collapsed = torch.zeros(16, 5, 2)
    reg = regularizer(within_trajectory=True, frame_dims=4, static_across_trajectories=True)
    actions = torch.zeros(16, 4, 2)
    with_layout = reg(torch.cat([moving, layout], -1), actions, step=0)
    without = reg(torch.cat([moving, collapsed], -1), actions, step=0)
    assert without["static_variance"] > 0.9 and with_layout["static_variance"] < without["static_variance"]
    assert with_layout["loss"] < without["loss"]
    plain = regularizer(within_trajectory=True, frame_dims=4)  # without the option the free dims cost nothing either way
    assert torch.allclose(
        plain(torch.cat([moving, layout], -1), actions, step=0)["loss"], plain(torch.cat([moving, collapsed], -1), actions, step=0)["loss"]
    )
    with pytest.raises(ValueError, match="set frame_dims below"):
        regularizer(static_across_trajectories=True)
