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


def test_pool_modes_see_a_one_pixel_line_differently() -> None:
    """A 1-px line fills its cell under max pooling, a sixteenth of it under 4x4 average pooling; avg_max feeds both
    (twice the input channels); an unknown mode names the allowed ones."""
    image = torch.zeros(1, 2, 65, 65, dtype=torch.uint8)
    image[0, 1, 5, 20:23] = 255  # a 3-px-long, 1-px-high wall segment
    pooled = {mode: SpatialSoftmaxEncoder(in_channels=2, image_size=65, input_pool=4, channels=(4,), keypoints=2, pool_mode=mode).features[0](image.float() / 255)
              for mode in SpatialSoftmaxEncoder.POOL_MODES}  # fmt: skip
    assert pooled["avg"].shape == pooled["max"].shape == (1, 2, 16, 16) and pooled["avg_max"].shape == (1, 4, 16, 16)
    assert float(pooled["max"][0, 1, 1, 5]) == 1.0 and float(pooled["avg"][0, 1, 1, 5]) == pytest.approx(3 / 16)
    assert torch.equal(pooled["avg_max"], torch.cat([pooled["avg"], pooled["max"]], dim=1))
    tokens = SpatialSoftmaxEncoder(in_channels=2, image_size=65, input_pool=4, channels=(4,), keypoints=2, pool_mode="avg_max")(image)
    assert tokens.shape == (1, 1, 4)
    with pytest.raises(ValueError, match="allowed"):
        SpatialSoftmaxEncoder(pool_mode="mean")


def test_learned_pooling_tells_rows_apart_that_average_pooling_merges() -> None:
    """A wall row at the top or at the bottom of a 4x4 cell averages to the same pooled input, so the avg encoder
    cannot tell them apart; pool_mode=conv reads full-resolution pixels with a stride-4 conv of kernel 8 and can."""
    top, bottom = torch.zeros(2, 1, 2, 65, 65, dtype=torch.uint8).unbind(0)
    top[0, 1, 52, 20:23] = 255
    bottom[0, 1, 55, 20:23] = 255  # rows 52 and 55: the same 4x4 cell
    torch.manual_seed(0)
    averaged = SpatialSoftmaxEncoder(in_channels=2, image_size=65, input_pool=4, channels=(8, 8), keypoints=4, kernel_size=3)
    learned = SpatialSoftmaxEncoder(in_channels=2, image_size=65, input_pool=4, channels=(8, 8), keypoints=4, pool_mode="conv")
    first = learned.features[1]
    assert (first.kernel_size, first.stride) == ((8, 8), (4, 4)) and learned.features[1:](top.float()).shape == (1, 4, 16, 16)
    assert torch.equal(averaged.features(top.float()), averaged.features(bottom.float()))
    assert (learned.features(top.float()) - learned.features(bottom.float())).abs().max() > 1e-3
    assert not torch.equal(learned(top), learned(bottom))
    assert learned.grid.shape == averaged.grid.shape == (16,)


def test_global_features_read_a_door_row_that_a_weighted_sum_places() -> None:
    """global_features=G appends G linear features of the last hidden maps to the 2K keypoint coordinates (the
    keypoints unchanged). With the hidden map copying the wall channel and the linear feature summing it weighted by
    row, the feature is affine in the door's row (a door moves wall pixels from its one side to the other): a
    least-squares line places doors at rows 10-54, for walls at any column, within a pixel."""
    encoder = SpatialSoftmaxEncoder(in_channels=2, image_size=65, input_pool=4, channels=(1,), keypoints=3, kernel_size=1, global_features=2)
    geometry = RoomsGeometry()
    door_y = torch.arange(10.0, 55.0).repeat(3)
    wall_x = torch.tensor([20.0, 31.0, 44.0]).repeat_interleave(45)
    images = geometry.render(torch.full((len(door_y), 2), 8.0), geometry.wall_image(wall_x, door_y))
    tokens = encoder(images)
    assert tokens.shape == (len(door_y), 1, 8) and encoder.embed_dim == 8
    assert torch.allclose(tokens[:, 0, :6], encoder.keypoints(images).flatten(1))
    with torch.no_grad():
        conv = encoder.features[1]
        conv.weight.zero_(), conv.bias.zero_()
        conv.weight[0, 1] = 1.0  # the hidden map copies the (pooled) wall channel
        rows = torch.arange(16.0)[:, None].expand(16, 16)
        encoder.global_features.weight[0] = rows.flatten()
    feature = encoder(images)[:, 0, 6]
    design = torch.stack([feature, torch.ones_like(feature)], dim=1)
    fitted = design @ torch.linalg.lstsq(design, door_y[:, None]).solution[:, 0]
    assert (fitted - door_y).abs().max() < 1.0
    assert "global_features.weight" not in SpatialSoftmaxEncoder(channels=(4,), keypoints=2).state_dict()
