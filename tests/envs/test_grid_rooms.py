"""Grid Rooms (a maze of rooms) and Two Rooms with a hazard: checker, walls, doors, episodes, collection, labels."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest
import torch
from gymnasium.utils.env_checker import check_env

import worldmodels.envs  # noqa: F401  (registers the ids)
from worldmodels.envs import GridRoomsBatch, GridRoomsGeometry, GridRoomsWorld, HeadingRandomWalk, RoomsWorld

GRID = GridRoomsGeometry()


def test_grid_env_passes_the_gymnasium_checker() -> None:
    env = gym.make("worldmodels/GridRooms-v0")
    check_env(env.unwrapped, skip_render_check=False)
    obs, info = env.reset(seed=3)
    assert obs.shape == (2, 65, 65) and obs.dtype == np.uint8 and env.render().shape == (65, 65, 3)
    assert env.spec.max_episode_steps == 300


def test_the_doors_form_a_maze_that_joins_every_room() -> None:
    assert len(GRID.doors) == GRID.num_rooms - 1  # a spanning tree: one way between any two rooms
    distances = GRID.room_distances()
    assert bool((distances >= 0).all()) and int(distances.max()) >= 4 and torch.equal(distances, distances.T)
    assert GRID.doors == GridRoomsGeometry().doors and GRID.doors != GridRoomsGeometry(layout_seed=1).doors
    assert len(GridRoomsGeometry(extra_doors=2).doors) == GRID.num_rooms + 1


def test_random_moves_change_rooms_only_through_doors() -> None:
    generator = torch.Generator().manual_seed(0)
    rooms = GridRoomsBatch(GRID)
    rooms.reset(512, generator, different_rooms=False)
    neighbours = {(d.a, d.b) for d in GRID.doors} | {(d.b, d.a) for d in GRID.doors}
    for _ in range(200):
        before = GRID.room_of(rooms.pos)
        after = GRID.room_of(rooms.step((3.0 * torch.randn(512, 2, generator=generator)).clamp(-2.45, 2.45)))
        assert bool(GRID.is_free(rooms.pos).all())
        assert all((a, b) in neighbours for a, b in zip(before.tolist(), after.tolist(), strict=True) if a != b)


def test_a_closed_wall_stops_the_dot_and_a_door_lets_it_through() -> None:
    door = GRID.doors[0]  # between rooms 0 and 1 (a vertical wall)
    assert door.vertical and (door.a, door.b) == (0, 1)
    closed_y = 6.0 if abs(door.centre - 6.0) > 5 else 18.0
    stopped = GRID.move(torch.tensor([[door.wall - 3.0, closed_y]]), torch.tensor([[2.45, 0.0]]))
    assert GRID.room_of(stopped).item() == 0 and float(stopped[0, 0]) < door.wall - 1.5
    through = GRID.move(torch.tensor([[door.wall - 1.5 - 0.5, door.centre]]), torch.tensor([[2.45, 0.0]]))
    assert GRID.room_of(through).item() == 1


def test_wall_image_matches_the_free_space() -> None:
    image = GRID.wall_image()
    coords = torch.arange(GRID.size, dtype=torch.float32)
    ys, xs = torch.meshgrid(coords, coords, indexing="ij")
    interior = (xs > GRID.border) & (xs < GRID.size - 1 - GRID.border) & (ys > GRID.border) & (ys < GRID.size - 1 - GRID.border)
    free = GRID.is_free(torch.stack([xs, ys], dim=-1))
    assert torch.equal((image[interior] == 0), free[interior])


def test_evaluation_episodes_are_several_doors_apart_and_goal_images_show_the_goal() -> None:
    world = GridRoomsWorld(min_room_distance=3)
    rooms = world.episodes()
    rooms.reset(200, torch.Generator().manual_seed(0))
    distances = GRID.room_distances()[GRID.room_of(rooms.pos), GRID.room_of(rooms.goal)]
    assert bool((distances >= 3).all())
    goal = rooms.goal_observation()[0, 0]
    y, x = divmod(int(goal.argmax()), goal.shape[1])
    assert abs(x - float(rooms.goal[0, 0])) <= 1 and abs(y - float(rooms.goal[0, 1])) <= 1
    with pytest.raises(ValueError, match="no two rooms"):
        GridRoomsWorld(min_room_distance=9).episodes().reset(1, torch.Generator())


def test_the_random_walk_crosses_doors_of_the_maze() -> None:
    world = GridRoomsWorld(policy=HeadingRandomWalk(step_mean=1.5, step_std=1.0, step_range=(0.2, 3.4), door_crossing_prob=0.7))
    arrays = world.collect(200, 90, torch.Generator().manual_seed(0))
    assert arrays["obs"].shape == (200, 91, 2, 65, 65) and arrays["actions"].shape == (200, 90, 2)
    rooms = GRID.room_of(torch.as_tensor(arrays["states"]))
    assert float((rooms != rooms[:, :1]).any(1).float().mean()) > 0.6
    assert len(torch.unique(rooms)) == GRID.num_rooms
    assert world.metadata()["layout"] == {"rooms": 3, "layout_seed": 0, "extra_doors": 0, "door_half_width": 3}


def test_hazard_episodes_cross_the_hazard_and_count_entries() -> None:
    world = RoomsWorld(hazard=(8.0, 27.0, 15.0, 37.0))
    rooms = world.episodes()
    rooms.reset(64, torch.Generator().manual_seed(0))
    fractions = torch.linspace(0, 1, 33)[:, None, None]
    line = rooms.pos + fractions * (rooms.goal - rooms.pos)
    inside = (line[..., 0] >= 8) & (line[..., 0] <= 15) & (line[..., 1] >= 27) & (line[..., 1] <= 37)
    assert bool(inside.any(0).all()) and not rooms.entered.any()
    rooms.set_state(torch.tensor([[11.0, 24.0]]), torch.tensor([[11.0, 40.0]]), torch.tensor([30.0]), torch.tensor([20.0]))
    rooms.step(torch.tensor([[0.0, 2.0]]))
    assert not rooms.entered.any()
    rooms.step(torch.tensor([[0.0, 2.0]]))
    assert rooms.entered.all()


def test_labelled_observations_hold_both_classes() -> None:
    world = RoomsWorld(hazard=(8.0, 27.0, 15.0, 37.0))
    obs, labels = world.labelled_observations(100, torch.Generator().manual_seed(0))
    assert obs.shape == (100, 2, 65, 65) and labels.shape == (100,) and 10 < int(labels.sum()) < 60
    with pytest.raises(ValueError, match="no hazard"):
        RoomsWorld().labelled_observations(10, torch.Generator())
