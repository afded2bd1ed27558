"""Spatial-softmax keypoints: shapes, range, and a keypoint that tracks the Two Rooms dot monotonically."""

from __future__ import annotations

import pytest
import torch

from worldmodels.encoders import SpatialSoftmaxEncoder
from worldmodels.envs.rooms import RoomsGeometry


def test_tokens_keypoints_and_size_error() -> None:
    encoder = SpatialSoftmaxEncoder(in_channels=2, image_size=65, input_pool=4, channels=(8,), keypoints=5, kernel_size=3)
    images = torch.randint(0, 256, (3, 2, 65, 65), dtype=torch.uint8)
    tokens = encoder(images)
    assert tokens.shape == (3, 1, 10) and encoder.embed_dim == 10
    assert encoder.pool(tokens).shape == (3, 10)
    points = encoder.keypoints(images)
    assert points.shape == (3, 5, 2) and bool((points.abs() <= 1).all())
    with pytest.raises(ValueError, match="encoder.image_size"):
        encoder(torch.zeros(1, 2, 64, 64))


def test_a_keypoint_on_the_dot_channel_follows_the_dot() -> None:
    """With the first map reading only the dot channel, its keypoint moves with the dot: monotone in x and in y,
    and within a pixel (after the pooling) of where the dot is."""
    encoder = SpatialSoftmaxEncoder(in_channels=2, image_size=65, input_pool=1, channels=(1,), keypoints=1, kernel_size=1)
    with torch.no_grad():
        first, _, last = encoder.features[1], encoder.features[2], encoder.features[3]
        first.weight.zero_(), first.bias.zero_(), last.weight.fill_(1.0), last.bias.zero_()
        first.weight[0, 0] = 1.0  # the dot channel only
        encoder.log_temperature.fill_(torch.log(torch.tensor(20.0)))
    geometry = RoomsGeometry()
    walls = geometry.wall_image(torch.tensor([30.0]), torch.tensor([20.0])).expand(9, -1, -1)
    xs = torch.linspace(8, 56, 9)
    along_x = encoder.keypoints(geometry.render(torch.stack([xs, torch.full_like(xs, 40.0)], -1), walls))[:, 0]
    along_y = encoder.keypoints(geometry.render(torch.stack([torch.full_like(xs, 40.0), xs], -1), walls))[:, 0]
    assert bool((along_x[1:, 0] > along_x[:-1, 0]).all()) and bool((along_y[1:, 1] > along_y[:-1, 1]).all())
    pixels = (along_x[:, 0] + 1) / 2 * 64
    assert (pixels - xs).abs().max() < 1.0
