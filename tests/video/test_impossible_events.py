"""The impossible-event pairs: identical before the event, and each event breaks physics the way it says."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from worldmodels.data import ImpossibleEventPairs


def benchmark(**options: object) -> ImpossibleEventPairs:
    images = torch.stack([torch.full((6, 6), 60 + 15 * i, dtype=torch.uint8) for i in range(8)])
    defaults = {"num_pairs": 40, "num_frames": 16, "num_objects": 2, "canvas_size": 20, "speed": (1.0, 2.0), "event_frames": (9, 12)}
    return ImpossibleEventPairs(images, torch.arange(8) % 4, **{**defaults, **options})


def test_pairs_are_identical_before_the_event_and_differ_after() -> None:
    pairs = benchmark()
    for index in range(len(pairs)):
        pair = pairs[index]
        frame = pair["event_frame"]
        assert 9 <= frame <= 12 and pair["possible"].shape == (1, 16, 20, 20)
        assert torch.equal(pair["possible"][:, :frame], pair["impossible"][:, :frame])
        assert not torch.equal(pair["possible"][:, frame], pair["impossible"][:, frame])  # they differ from the event on
    assert [pairs[i]["event"] for i in range(4)] == [0, 1, 2, 3]  # events take turns


def test_each_event_breaks_physics_its_own_way() -> None:
    pairs = benchmark(num_objects=1)
    for index in range(len(pairs)):
        possible, impossible, frame, event = pairs.scenes(index)
        after = slice(frame, None)
        if event == "vanish":
            assert not impossible.visible[after, 0].any() and possible.visible.all()
        elif event == "shape":
            assert pairs.classes[impossible.sprite_ids[frame, 0]] != pairs.classes[possible.sprite_ids[frame, 0]]
        elif event == "teleport":
            assert np.abs(impossible.positions[frame, 0] - possible.positions[frame, 0]).max() >= pairs.travel / 2
        else:  # wall: the possible object has just bounced; the impossible one goes on in a straight line off the canvas
            step = possible.positions[frame - 1, 0] - possible.positions[frame - 2, 0]
            assert np.allclose(impossible.positions[-1, 0], possible.positions[frame - 1, 0] + step * (16 - frame))
            outside = (impossible.positions[after, 0] < 0) | (impossible.positions[after, 0] > pairs.travel)
            assert outside.any()


def test_same_seed_same_pairs_and_bad_settings_fail() -> None:
    assert torch.equal(benchmark(seed=3)[7]["impossible"], benchmark(seed=3)[7]["impossible"])
    assert not torch.equal(benchmark(seed=3)[7]["impossible"], benchmark(seed=4)[7]["impossible"])
    with pytest.raises(ValueError, match="unknown events"):
        benchmark(events=("explode",))
    with pytest.raises(ValueError, match="event_frames"):
        benchmark(event_frames=(0, 20))
