"""Two Rooms and Wall: gymnasium checker, no wall crossing outside the door, goal images, the collection policy."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest
import torch
from gymnasium.utils.env_checker import check_env

import worldmodels.envs  # noqa: F401  (registers the ids)
from worldmodels.envs import TWO_ROOMS, WALL, HeadingRandomWalk, RoomsBatch
from worldmodels.envs.worlds import GymPixelsWorld, RoomsWorld


@pytest.mark.parametrize("env_id", ["worldmodels/TwoRooms-v0", "worldmodels/Wall-v0"])
def test_env_passes_the_gymnasium_checker(env_id: str) -> None:
    env = gym.make(env_id)
    check_env(env.unwrapped, skip_render_check=False)
    obs, info = env.reset(seed=3)
    assert obs.shape == (2, 65, 65) and obs.dtype == np.uint8
    assert env.render().shape == (65, 65, 3)


def test_same_seed_same_episode() -> None:
    a, b = gym.make("worldmodels/TwoRooms-v0"), gym.make("worldmodels/TwoRooms-v0")
    (oa, ia), (ob, ib) = a.reset(seed=7), b.reset(seed=7)
    assert np.array_equal(oa, ob) and ia["wall_x"] == ib["wall_x"] and np.allclose(ia["pos"], ib["pos"])


@pytest.mark.parametrize("geometry", [TWO_ROOMS, WALL], ids=["two_rooms", "wall"])
def test_random_moves_never_cross_the_wall_outside_the_door(geometry) -> None:
    generator = torch.Generator().manual_seed(0)
    rooms = RoomsBatch(geometry)
    rooms.reset(512, generator, different_rooms=False)
    for _ in range(200):
        before = rooms.pos.clone()
        action = 3.0 * torch.randn(512, 2, generator=generator)
        after = rooms.step(action.clamp(-2.45, 2.45))
        assert bool(geometry.is_free(after, rooms.wall_x, rooms.door_y).all())
        crossed = geometry.side(before, rooms.wall_x) != geometry.side(after, rooms.wall_x)
        # a crossing happens only through the door rows
        mid_y = (before[:, 1] + after[:, 1]) / 2
        assert bool(((mid_y[crossed] - rooms.door_y[crossed]).abs() <= geometry.door_half_height + 2.5).all())


def test_blocked_move_stops_at_the_wall() -> None:
    g = TWO_ROOMS
    wall_x, door_y = torch.tensor([30.0]), torch.tensor([50.0])
    pos = torch.tensor([[27.5, 10.0]])
    after = g.move(pos, torch.tensor([[2.45, 0.0]]), wall_x, door_y)
    assert 28.0 < float(after[0, 0]) < 28.5  # wall slab starts at 28.5
    through_door = g.move(torch.tensor([[27.5, 50.0]]), torch.tensor([[2.45, 0.0]]), wall_x, door_y)
    assert float(through_door[0, 0]) == pytest.approx(29.95)


def test_goal_image_shows_the_goal_with_the_same_walls() -> None:
    env = gym.make("worldmodels/TwoRooms-v0").unwrapped
    obs, info = env.reset(seed=1)
    goal = env.goal_observation()
    assert np.array_equal(goal[1], obs[1])
    y, x = np.unravel_index(goal[0].argmax(), goal[0].shape)
    assert abs(x - info["goal"][0]) <= 1 and abs(y - info["goal"][1]) <= 1
    assert (info["pos"][0] > info["wall_x"]) != (info["goal"][0] > info["wall_x"])  # different rooms


def test_reset_options_place_an_episode_and_reject_walls() -> None:
    env = gym.make("worldmodels/TwoRooms-v0").unwrapped
    _, info = env.reset(options={"pos": [10.0, 10.0], "goal": [50.0, 50.0], "wall_x": 30, "door_y": 20})
    assert info["wall_x"] == 30 and np.allclose(info["pos"], [10, 10])
    with pytest.raises(ValueError, match="inside a wall"):
        env.reset(options={"pos": [30.0, 40.0], "goal": [50.0, 50.0], "wall_x": 30, "door_y": 20})


def _fraction_crossed(arrays: dict[str, np.ndarray]) -> float:
    """Fraction of trajectories that end up on both sides of the inner wall."""
    side = arrays["states"][..., 0] > arrays["layout"][:, None, 0]
    return float((side != side[:, :1]).any(1).mean())


def test_heading_random_walk_crosses_doors() -> None:
    world = RoomsWorld("two_rooms", policy=HeadingRandomWalk(door_crossing_prob=0.35))
    arrays = world.collect(128, 90, torch.Generator().manual_seed(0))
    assert arrays["obs"].shape == (128, 91, 2, 65, 65) and arrays["actions"].shape == (128, 90, 2)
    assert 0.3 < _fraction_crossed(arrays) < 0.8
    steps = np.linalg.norm(np.diff(arrays["states"], axis=1), axis=-1)
    assert steps.max() <= 1.8 + 1e-5


def _pushes_stopped_by_the_wall(arrays: dict[str, np.ndarray]) -> np.ndarray:
    """(B, T) steps that push into the inner wall from within 4 px of it and move less than half their length."""
    states, actions, wall_x = arrays["states"], arrays["actions"], arrays["layout"][:, None, 0]
    before = states[:, :-1]
    toward_wall = actions[..., 0] * (wall_x - before[..., 0]) > 0.3
    at_wall = np.abs(before[..., 0] - wall_x) < 4
    return toward_wall & at_wall & (np.linalg.norm(states[:, 1:] - before, axis=-1) < 0.5 * np.linalg.norm(actions, axis=-1))


def _pushes_blocked_beside_the_door(arrays: dict[str, np.ndarray]) -> float:
    """Fraction of steps that push into the wall within 4 px of a door edge and are stopped there."""
    beside_door = np.abs(np.abs(arrays["states"][:, :-1, 1] - arrays["layout"][:, None, 1]) - 4) < 4
    return float((_pushes_stopped_by_the_wall(arrays) & beside_door).mean())


def test_aimed_crossings_push_into_the_wall_beside_the_door() -> None:
    def collect(aim: float) -> dict[str, np.ndarray]:
        policy = HeadingRandomWalk(step_mean=1.5, step_std=1.0, step_range=(0.2, 3.4), door_crossing_prob=0.85, door_aim_range=aim)
        return RoomsWorld("two_rooms", policy=policy).collect(256, 90, torch.Generator().manual_seed(0))

    centred, aimed = collect(0.0), collect(6.0)
    assert _pushes_blocked_beside_the_door(aimed) > 3 * _pushes_blocked_beside_the_door(centred)
    assert _fraction_crossed(aimed) > 0.5  # most trajectories still cross
    with pytest.raises(ValueError, match="door_aim_range"):
        HeadingRandomWalk(door_aim_range=-1.0)


def test_decaying_aims_slide_along_the_wall_into_the_door() -> None:
    def collect(decay: float) -> dict[str, np.ndarray]:
        policy = HeadingRandomWalk(step_mean=1.5, step_std=1.0, step_range=(0.2, 3.4), door_crossing_prob=1.0, door_aim_range=24.0,
                                   door_aim_decay=decay)  # fmt: skip
        return RoomsWorld("two_rooms", policy=policy).collect(128, 90, torch.Generator().manual_seed(0))

    def blocked_rows_spanned(arrays: dict[str, np.ndarray]) -> float:
        """Median over trajectories of the rows (px) between their first and last push stopped by the inner wall."""
        rows, blocked = arrays["states"][:, :-1, 1], _pushes_stopped_by_the_wall(arrays)
        return float(np.median([np.ptp(row[hit]) for row, hit in zip(rows, blocked, strict=True) if hit.any()]))

    fixed, sliding = collect(1.0), collect(0.9)
    assert _fraction_crossed(fixed) < 0.4 and _fraction_crossed(sliding) > 0.9  # fixed aims beside the door push there for good
    assert blocked_rows_spanned(sliding) > 2 * blocked_rows_spanned(fixed) + 2
    with pytest.raises(ValueError, match="door_aim_decay"):
        HeadingRandomWalk(door_aim_decay=0.0)


def test_unaimed_crossings_draw_the_data_recorded_before_the_aim_option() -> None:
    policy = HeadingRandomWalk(step_mean=1.5, step_std=1.0, step_range=(0.2, 3.4), door_crossing_prob=0.7)
    arrays = RoomsWorld("two_rooms", policy=policy).collect(4, 30, torch.Generator().manual_seed(3))
    recorded = [[32.8645, 22.2773], [59.4990, 51.2817], [44.5066, 13.1509], [4.5015, 22.2364]]  # final positions, commit 56a4003
    assert np.allclose(arrays["states"][:, -1], recorded, atol=1e-3)


def test_gym_pixels_world_collects_from_any_id() -> None:
    world = GymPixelsWorld("MountainCarContinuous-v0", image_size=16)
    arrays = world.collect(2, 5, torch.Generator().manual_seed(0))
    assert arrays["obs"].shape == (2, 6, 3, 16, 16) and arrays["actions"].shape == (2, 5, 1)
    with pytest.raises(ValueError, match="continuous Box space"):
        GymPixelsWorld("CartPole-v1")
