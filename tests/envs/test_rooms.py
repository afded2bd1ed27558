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


WALL_X, DOOR_Y = torch.tensor([30.0]), torch.tensor([30.0])


def _move(start: list[float], action: list[float], noise: list[float] | None = None) -> list[float]:
    noise_tensor = None if noise is None else torch.tensor([noise])
    return TWO_ROOMS.move(torch.tensor([start]), torch.tensor([action]), WALL_X, DOOR_Y, noise_tensor)[0].tolist()


def test_the_free_region_is_the_reference_planes() -> None:
    """Border planes x, y = 4 and 60; the slab |x − 30| ≤ 1 is open for |y − 30| ≤ 4 only (an 8-px passage)."""
    points = torch.tensor(
        [
            [4.01, 30.0],
            [3.99, 30.0],
            [59.99, 10.0],
            [60.01, 10.0],
            [28.99, 20.0],
            [29.01, 20.0],
            [31.01, 20.0],
            [30.0, 34.0],
            [30.0, 34.01],
            [30.0, 26.0],
            [30.0, 25.99],
        ]
    )
    free = TWO_ROOMS.is_free(points, WALL_X.expand(len(points)), DOOR_Y.expand(len(points))).tolist()
    assert free == [True, False, True, False, True, False, True, True, False, True, False]


def test_a_blocked_move_stops_on_the_plane_and_is_kept_inside() -> None:
    assert _move([27.5, 10.0], [2.45, 0.0]) == pytest.approx([28.7, 10.0])  # face x = 29, kept 0.3 px before it
    assert _move([5.0, 10.0], [-2.45, 0.0]) == pytest.approx([4.3, 10.0])  # border plane x = 4
    assert _move([27.5, 34.0], [2.45, 0.0]) == pytest.approx([29.95, 34.0])  # 4 px off the door's centre: through
    assert _move([27.5, 34.5], [2.45, 0.0]) == pytest.approx([28.7, 34.5])  # 4.5 px off: blocked
    assert _move([30.0, 32.0], [0.0, 2.45]) == pytest.approx([30.0, 33.7])  # inside the slab: the door's edge y = 34
    assert _move([28.5, 33.0], [2.45, 2.45]) == pytest.approx([29.5, 33.7])  # enters the door, meets its edge at x = 29.5


def test_collision_noise_points_away_from_the_wall() -> None:
    # 0.5 · noise, its normal part flipped away from the wall
    assert _move([27.5, 10.0], [2.45, 0.0], [0.8, -0.4]) == pytest.approx([29.0 - 0.4, 10.0 - 0.2])
    assert _move([27.5, 10.0], [2.45, 0.0], [-0.8, 0.4]) == pytest.approx([29.0 - 0.4, 10.0 + 0.2])
    assert _move([27.5, 10.0], [2.45, 0.0], [0.2, 0.0]) == pytest.approx([28.7, 10.0])  # a small normal part: kept 0.3 px inside
    assert _move([20.0, 10.0], [2.45, 0.0], [5.0, 5.0]) == pytest.approx([22.45, 10.0])  # no wall met: no noise
    rooms = RoomsBatch(TWO_ROOMS)
    rooms.set_state(torch.full((4000, 2), 27.5), torch.zeros(4000, 2), torch.full((4000,), 30.0), torch.full((4000,), 50.0), noise_seed=1)
    after = rooms.step(torch.tensor([[2.45, 0.0]]).expand(4000, 2))
    along, away = after[:, 1] - 27.5, 29.0 - after[:, 0]
    assert abs(float(along.mean())) < 0.03 and float(along.std()) == pytest.approx(0.5, abs=0.03)
    assert float(away.min()) >= 0.3 - 1e-5 and float(away.mean()) == pytest.approx(0.469, abs=0.02)  # E max(|N(0, 0.5²)|, 0.3) = 0.469


def test_the_collision_noise_replays_from_the_episode_seed() -> None:
    def walk(seed: int) -> torch.Tensor:
        rooms = RoomsBatch(TWO_ROOMS)
        rooms.reset(1, torch.Generator().manual_seed(seed))
        path = [rooms.step(torch.tensor([[2.45, 0.3]])).clone() for _ in range(40)]
        return torch.cat(path)

    assert torch.equal(walk(5), walk(5))
    assert not torch.equal(walk(5), walk(6))


def test_evaluation_starts_and_goals_follow_the_reference_ranges() -> None:
    rooms = RoomsBatch(TWO_ROOMS)
    rooms.reset(4000, torch.Generator().manual_seed(0))
    for xy in (rooms.pos, rooms.goal):
        left = xy[:, 0] < rooms.wall_x
        x_low = torch.where(left, torch.full_like(rooms.wall_x, 6.6), rooms.wall_x + 3.6)
        x_high = torch.where(left, rooms.wall_x - 3.6, torch.full_like(rooms.wall_x, 57.4))
        assert bool(((xy[:, 0] >= x_low - 1e-4) & (xy[:, 0] <= x_high + 1e-4)).all())
        assert bool(((xy[:, 1] >= 6.6 - 1e-4) & (xy[:, 1] <= 57.4 + 1e-4)).all())
        assert (
            float(x_low.sub(xy[:, 0]).abs().min()) < 0.05 and float(x_high.sub(xy[:, 0]).abs().min()) < 0.05
        )  # the ranges' ends are reached
    assert bool((TWO_ROOMS.side(rooms.pos, rooms.wall_x) != TWO_ROOMS.side(rooms.goal, rooms.wall_x)).all())
    assert 0.45 < float((rooms.pos[:, 0] < rooms.wall_x).float().mean()) < 0.55  # sides swapped with probability 0.5
    assert set(rooms.wall_x.unique().tolist()) == set(range(20, 45)) and set(rooms.door_y.unique().tolist()) == set(range(10, 55))


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
    assert np.linalg.norm(arrays["actions"], axis=-1).max() <= 1.8 + 1e-5  # step lengths truncated (a blocked move adds noise)


def test_the_collection_draws_the_recorded_data() -> None:
    policy = HeadingRandomWalk(step_mean=1.5, step_std=1.0, step_range=(0.2, 3.4), door_crossing_prob=0.7)
    arrays = RoomsWorld("two_rooms", policy=policy).collect(4, 30, torch.Generator().manual_seed(3))
    recorded = [
        [24.5147, 12.4078],
        [36.4655, 44.2719],
        [34.8142, 12.824],
        [43.3546, 24.0022],
    ]  # final positions, reference-exact collisions
    assert np.allclose(arrays["states"][:, -1], recorded, atol=1e-3)


def test_gym_pixels_world_collects_from_any_id() -> None:
    world = GymPixelsWorld("MountainCarContinuous-v0", image_size=16)
    arrays = world.collect(2, 5, torch.Generator().manual_seed(0))
    assert arrays["obs"].shape == (2, 6, 3, 16, 16) and arrays["actions"].shape == (2, 5, 1)
    with pytest.raises(ValueError, match="continuous Box space"):
        GymPixelsWorld("CartPole-v1")
