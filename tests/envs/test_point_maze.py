"""PointMaze (the optional ``maze`` extra): collection, goal images, the evaluation batch, and collect -> train -> plan.

Skipped cleanly when gymnasium-robotics or mujoco is absent (``pip install -e ".[maze]"``), except the test of the
error that names the extra.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import torch
from hydra import compose, initialize_config_dir
from hydra.utils import instantiate
from omegaconf import DictConfig

from worldmodels.paths import CONFIG_DIR

ComposeCfg = Callable[..., DictConfig]  # the compose_cfg fixture (conftest.py)

os.environ.setdefault("MUJOCO_GL", "egl")  # before mujoco is imported: headless rendering


@pytest.fixture(scope="module")
def world():
    pytest.importorskip("gymnasium_robotics", reason='pip install -e ".[maze]"')
    pytest.importorskip("mujoco", reason='pip install -e ".[maze]"')
    from worldmodels.envs.point_maze import PointMazeWorld

    world = PointMazeWorld(collect_chunk=3)
    yield world
    world.close()


def test_missing_extra_names_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    from worldmodels.envs.point_maze import PointMazeWorld

    monkeypatch.setitem(sys.modules, "gymnasium_robotics", None)  # import fails as if not installed
    with pytest.raises(ImportError, match=r'pip install -e "\.\[maze\]".*MUJOCO_GL=egl'):
        PointMazeWorld()


def test_collect_shapes_dtypes_and_seeded_reproducibility(world) -> None:
    data = world.collect(5, 6, torch.Generator().manual_seed(0))
    assert data["obs"].shape == (5, 7, 3, 64, 64) and data["obs"].dtype == np.uint8
    assert data["actions"].shape == (5, 6, 2) and data["actions"].dtype == np.float32
    assert data["states"].shape == data["maze_xy"].shape == (5, 7, 2) and data["states"].dtype == np.float32
    assert np.abs(data["actions"]).max() <= world.max_action
    assert np.array_equal(data["actions"][:, 0::2], data["actions"][:, 1::2])  # action_repeat=2: each action held twice
    pixels = world.geometry.to_pixels(torch.from_numpy(data["maze_xy"])).numpy()
    assert np.allclose(data["states"], pixels, atol=1e-4) and (np.abs(np.diff(data["states"], axis=1)).sum(-1) > 0).any()
    again = world.collect(5, 6, torch.Generator().manual_seed(0))
    assert all(np.array_equal(data[k], again[k]) for k in data)
    other = world.collect(5, 6, torch.Generator().manual_seed(1))
    assert not np.array_equal(data["maze_xy"][:, 0], other["maze_xy"][:, 0])


def test_steps_match_gymnasium_robotics(world) -> None:
    env = world.env
    env.reset(seed=3)
    data = world.new_state(env.data.qpos[:2].copy())
    rng = np.random.default_rng(0)
    for _ in range(10):
        action = rng.uniform(-1.2, 1.2, 2)
        for _ in range(world.frame_skip):
            env.point_env.step(action)
        world.advance(data, action)
    assert np.allclose(env.data.qpos, data.qpos) and np.allclose(env.data.qvel, data.qvel)


def test_goal_images_differ_from_start_images_only_at_the_ball(world) -> None:
    batch = world.episodes()
    batch.reset(3, torch.Generator().manual_seed(0))
    start, goal = batch.observation(), batch.goal_observation()
    assert start.shape == goal.shape == (3, 3, 64, 64) and goal.dtype == torch.uint8
    rows, cols = torch.meshgrid(torch.arange(64.0), torch.arange(64.0), indexing="ij")
    radius = 0.2 * world.geometry.pixels_per_unit + 1.5  # the ball's site radius, plus antialiasing
    for i in range(3):
        changed = (start[i].int() - goal[i].int()).abs().sum(0) > 0
        near = [(cols - x) ** 2 + (rows - y) ** 2 <= radius**2 for x, y in (batch.pos[i], batch.goal[i])]
        assert changed.any() and not (changed & ~near[0] & ~near[1]).any()
        assert (changed & near[0]).any() and (changed & near[1]).any()


def test_batch_steps_and_judges_success_on_maze_distances(world) -> None:
    batch = world.episodes()
    batch.reset(4, torch.Generator().manual_seed(1), different_rooms=True)
    assert (batch.distance_to_goal() >= world.min_goal_distance).all() and batch.walls.shape == (4, 64, 64)
    before = batch.pos.clone()
    for _ in range(3):
        after = batch.step(torch.tensor([[1.0, 0.0], [-1.0, 0.0], [0.0, 1.0], [0.0, -1.0]]))
    assert after.shape == (4, 2) and (after - before).norm(dim=-1).gt(0.1).all()
    # distances are maze-frame; positions are pixels of the observation: a scale apart
    pixel_distance = (batch.pos - batch.goal).norm(dim=-1)
    assert torch.allclose(batch.distance_to_goal() * world.geometry.pixels_per_unit, pixel_distance, atol=1e-3)
    offsets = torch.tensor([[0.3, 0.0], [0.0, 0.44], [0.46, 0.0], [0.0, 0.8]])
    batch.states = [world.new_state((g + o).double().numpy()) for g, o in zip(batch.goal_xy, offsets, strict=True)]
    assert torch.allclose(batch.distance_to_goal(), offsets.norm(dim=-1), atol=1e-5)
    assert batch.success().tolist() == [True, True, False, False]  # world.success_radius = 0.45
    assert batch.success(radius=1.0).all()


def test_env_option_composes_and_instantiates(world) -> None:
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        cfg = compose(config_name="train", overrides=["task=world_model", "env=point_maze", "planner=flat", "solver=cem"])
    made = instantiate(cfg.env)
    assert made.obs_shape == (3, 64, 64) and made.action_dim == 2 and made.name == "point_maze"
    assert float(instantiate(cfg.planner).action_high) == 1.0
    made.close()


def test_collect_train_then_plan(world, tmp_path: Path, compose_cfg: ComposeCfg) -> None:
    from worldmodels.cli.collect import collect
    from worldmodels.cli.plan import plan
    from worldmodels.cli.train import run_training
    from worldmodels.data import load_shards

    data = tmp_path / "data"
    sizes = ["collect.num_trajectories=6", "collect.trajectory_length=10"]
    collect(compose_cfg("collect", tmp_path, "env=point_maze", f"collect.out_dir={data}", *sizes))
    arrays, metadata = load_shards(data, expected_env="point_maze")
    assert arrays["obs"].shape == (6, 11, 3, 64, 64) and metadata["gym_id"] == "PointMaze_UMaze-v3"

    protocol = ["protocol.episodes=2", "protocol.episodes_per_batch=2", "protocol.max_steps=4"]
    planner = ["solver.samples=16", "solver.elites=4", "solver.iterations=2", "solver.horizon=3"]
    cfg = compose_cfg(
        "train",
        tmp_path,
        "experiment=point_maze",
        f"data.path={data}",
        "data.num_frames=5",
        "data.batch_size=8",
        "+trainer.max_steps=3",
        "trainer.max_epochs=1",
        "trainer.log_every_n_steps=1",
        "model.rollout_steps=2",
        "logger=csv",
        "evaluate.planning=false",
    )
    trained = run_training(cfg, tmp_path / "run", [])
    assert trained["steps"] == 3 and trained["env"] == "point_maze" and any(k.endswith("pos_err") for k in trained["final_metrics"])

    plan_cfg = compose_cfg(
        "plan", tmp_path / "plan", f"ckpt={tmp_path / 'run'}", "env=point_maze", "planner=flat", "solver=cem", *protocol, *planner
    )
    (tmp_path / "plan").mkdir()
    plan(plan_cfg, tmp_path / "plan")
    results = json.loads((tmp_path / "plan" / "results.json").read_text())
    assert results["env"] == "point_maze" and results["episodes"] == 2 and results["max_steps"] == 4 and results["success_radius"] == 0.45
    assert (
        (results["success_rate"] * results["episodes"]).is_integer()
        and results["mean_final_distance"] > 0
        and results["seconds_per_replan_per_episode"] > 0
    )
    assert (tmp_path / "plan" / "trajectories.png").stat().st_size > 0 and (tmp_path / "plan" / "episode.gif").stat().st_size > 0
