"""The world-model pipeline: trajectory shards, train-then-plan through train.py, and the plan / collect commands."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from omegaconf import DictConfig

from worldmodels.cli.collect import collect
from worldmodels.cli.plan import plan
from worldmodels.cli.train import run_training
from worldmodels.data import DatasetNotFoundError, TrajectoryDataError, TrajectoryDataModule, load_shards
from worldmodels.envs import RoomsWorld
from worldmodels.pipelines.world_model import build_world_model

ComposeCfg = Callable[..., DictConfig]  # the compose_cfg fixture (conftest.py)

TINY = [
    "data.num_trajectories=12",
    "data.trajectory_length=20",
    "data.num_frames=9",
    "data.batch_size=8",
    "+trainer.max_steps=6",
    "trainer.log_every_n_steps=1",
    "model.rollout_steps=4",
    "protocol.episodes=3",
    "protocol.episodes_per_batch=2",
    "protocol.max_steps=6",
    "solver.samples=16",
    "solver.elites=4",
    "solver.iterations=2",
    "solver.horizon=4",
    "planner.search.max_depth=3",
]


def test_shards_round_trip_and_bad_input(tmp_path: Path, compose_cfg: ComposeCfg) -> None:
    cfg = compose_cfg(
        "collect",
        tmp_path,
        f"collect.out_dir={tmp_path / 'data'}",
        "collect.num_trajectories=5",
        "collect.trajectory_length=8",
        "collect.shard_size=2",
    )
    paths = collect(cfg)
    assert len(paths) == 3
    arrays, metadata = load_shards(tmp_path / "data", expected_env="two_rooms")
    assert arrays["obs"].shape == (5, 9, 2, 65, 65) and metadata["num_trajectories"] == 5 and metadata["policy"] == "HeadingRandomWalk"
    again = RoomsWorld().collect(5, 8, torch.Generator().manual_seed(0))
    assert np.array_equal(again["actions"], arrays["actions"])  # same seed, same data
    with pytest.raises(TrajectoryDataError, match="env 'two_rooms'.*this run uses env 'wall'"):
        load_shards(tmp_path / "data", expected_env="wall")
    paths[1].write_bytes(paths[1].read_bytes()[:100])
    with pytest.raises(TrajectoryDataError, match="truncated or corrupt"):
        load_shards(tmp_path / "data")
    with pytest.raises(DatasetNotFoundError, match="worldmodels collect"):
        load_shards(tmp_path / "nowhere")


def test_datamodule_reads_windows_from_files(tmp_path: Path, compose_cfg: ComposeCfg) -> None:
    collect(
        compose_cfg(
            "collect", tmp_path, f"collect.out_dir={tmp_path / 'data'}", "collect.num_trajectories=4", "collect.trajectory_length=10"
        )
    )
    module = TrajectoryDataModule(RoomsWorld(), source="files", path=str(tmp_path / "data"), num_frames=5, batch_size=3, val_fraction=0.25)
    module.setup()
    batch = next(iter(module.train_dataloader()))
    assert batch["obs"].shape == (3, 5, 2, 65, 65) and batch["actions"].shape == (3, 4, 2) and batch["states"].shape == (3, 5, 2)
    assert len(module.train_set) == 3 * 7 and len(module.val_set) == 7  # 11 frames -> 7 windows of 5


def test_fresh_every_epoch_collects_new_training_trajectories_per_epoch() -> None:
    module = TrajectoryDataModule(RoomsWorld(), num_trajectories=6, trajectory_length=8, num_frames=5, batch_size=2, fresh_every_epoch=True)
    module.trainer = SimpleNamespace(current_epoch=0, reload_dataloaders_every_n_epochs=1)
    module.setup()
    first, validation = module.train_set.arrays["actions"].clone(), module.val_set.arrays["actions"].clone()
    module.train_dataloader()
    assert torch.equal(module.train_set.arrays["actions"], first)  # epoch 0: the setup's trajectories
    module.trainer.current_epoch = 1
    module.train_dataloader()
    second = module.train_set.arrays["actions"]
    assert second.shape == first.shape and not torch.equal(second, first)
    assert torch.equal(module.val_set.arrays["actions"], validation)  # validation stays fixed
    resumed = TrajectoryDataModule(
        RoomsWorld(), num_trajectories=6, trajectory_length=8, num_frames=5, batch_size=2, fresh_every_epoch=True
    )
    resumed.trainer = SimpleNamespace(current_epoch=1, reload_dataloaders_every_n_epochs=1)
    resumed.setup()
    resumed.train_dataloader()
    assert torch.equal(resumed.train_set.arrays["actions"], second)  # a resumed run sees the same epoch's data
    resumed.trainer.reload_dataloaders_every_n_epochs = 0
    with pytest.raises(ValueError, match="reload_dataloaders_every_n_epochs=1"):
        resumed.setup()
    with pytest.raises(ValueError, match="needs data.source=generate"):
        TrajectoryDataModule(RoomsWorld(), source="files", path="x", fresh_every_epoch=True)


def test_train_then_plan_writes_results_plots_and_a_loadable_checkpoint(tmp_path: Path, compose_cfg: ComposeCfg) -> None:
    cfg = compose_cfg("train", tmp_path, "experiment=two_rooms", "logger=csv", *TINY)
    results = run_training(cfg, tmp_path / "run", [])
    run = tmp_path / "run"
    saved = json.loads((run / "results.json").read_text())
    planning = saved["planning"]
    assert saved["steps"] == 6 and planning["episodes"] == 3 and planning["split"] == "test"
    assert planning["success_ci95"][0] <= planning["success_rate"] <= planning["success_ci95"][1]
    assert planning["seconds_per_replan_per_episode"] > 0 and planning["model_transitions_per_replan_per_episode"]["transitions_search"] > 0
    fingerprint = planning["fingerprint"]
    assert (
        fingerprint["checkpoint"].endswith("last.ckpt")
        and len(fingerprint["checkpoint_sha256"]) == 64
        and len(fingerprint["config_sha256"]) == 64
    )
    for name in ("trajectories.png", "episode.gif", "curves.png", "config.yaml"):
        assert (run / name).stat().st_size > 0, name
    with (run / "episodes.csv").open() as handle:
        episodes = list(csv.DictReader(handle))
    assert [int(row["episode"]) for row in episodes] == [0, 1, 2] and {row["steps"] for row in episodes} == {"6"}
    assert sum(int(row["success"]) for row in episodes) / 3 == planning["success_rate"]
    assert all((float(row["final_distance"]) < 4.5) == bool(int(row["success"])) for row in episodes)
    assert all(float(row["closest_distance"]) <= float(row["final_distance"]) + 1e-3 for row in episodes)
    ckpt = run / "checkpoints" / "last.ckpt"
    torch.load(ckpt, weights_only=True)
    assert results["planning"] == planning

    plan_cfg = compose_cfg(
        "plan",
        tmp_path / "plan",
        f"ckpt={run}",
        *[o for o in TINY if o.startswith("protocol.")],
        "planner=flat",
        "solver=mppi",
        "solver.elites=4",
        "solver.samples=16",
        "solver.iterations=2",
        "solver.horizon=4",
    )
    (tmp_path / "plan").mkdir()
    replanned = plan(plan_cfg, tmp_path / "plan")
    assert replanned["episodes"] == 3 and (tmp_path / "plan" / "results.json").is_file()
    assert replanned["model_transitions_per_replan_per_episode"].get("transitions_search", 0) == 0  # flat: no search
    assert replanned["fingerprint"]["weights_sha256"] == fingerprint["weights_sha256"]  # the same weights
    assert replanned["fingerprint"]["episodes_sha256"] == fingerprint["episodes_sha256"]  # the same test episodes
    assert replanned["fingerprint"]["config_sha256"] != fingerprint["config_sha256"]  # another planner
    hierarchical_cfg = compose_cfg("plan", tmp_path / "hier", f"ckpt={run}", *TINY[-5:], *[o for o in TINY if o.startswith("protocol.")])
    (tmp_path / "hier").mkdir()
    hierarchical = plan(hierarchical_cfg, tmp_path / "hier")
    assert hierarchical["episodes"] == 3 and (tmp_path / "hier" / "trajectories.png").is_file()
    with (tmp_path / "hier" / "episodes.csv").open() as handle:
        stalls = [int(row["memory"]) for row in csv.DictReader(handle)]
    assert hierarchical["episodes_with_memory"] == sum(count > 0 for count in stalls)  # the transition memory's stalls, per episode
    assert hierarchical["success_rate"] == planning["success_rate"]  # the training run's planner, again: the same outcomes
    guarded_cfg = compose_cfg(
        "plan",
        tmp_path / "guard",
        f"ckpt={run}",
        *[o for o in TINY if o.startswith("protocol.")],
        "env=two_rooms_hazard",
        "guardrail=hazard",
        "guardrail.labels=40",
        "guardrail.steps=50",
        "planner=flat",
        "solver.samples=16",
        "solver.elites=4",
        "solver.iterations=2",
        "solver.horizon=4",
    )
    (tmp_path / "guard").mkdir()
    guarded = plan(guarded_cfg, tmp_path / "guard")
    lower, upper = guarded["violation_ci95"]
    assert (
        lower <= guarded["violation_rate"] <= upper and guarded["safe_success_rate"] <= guarded["success_rate"]
    )  # safe: solved and never entered
    assert (
        (guarded["violation_rate"] * guarded["episodes"]).is_integer()
        and guarded["guardrail"]["labels"] == 40
        and guarded["guardrail"]["positives"] > 0
    )
    wrong_env = compose_cfg("plan", tmp_path / "plan", f"ckpt={run}", "env=wall")
    with pytest.raises(ValueError, match="trained on env 'two_rooms'"):
        plan(wrong_env, tmp_path / "plan")


def test_a_decoder_term_reaches_the_encoder_and_its_checkpoint_plans(tmp_path: Path, compose_cfg: ComposeCfg) -> None:
    cfg = compose_cfg("train", tmp_path, "experiment=two_rooms", "logger=csv", "decoder=pooled_pixels", "evaluate.planning=false", *TINY)
    world = RoomsWorld()
    model = build_world_model(cfg, world)
    obs = torch.from_numpy(world.collect(2, 3, torch.Generator().manual_seed(0))["obs"])  # (B, T, C, H, W)
    model.decoder(model.encode(obs), obs).backward()
    assert model.encoder.features[1].weight.grad.abs().sum() > 0  # the reconstruction shapes the encoder, unlike the position probe
    run_training(cfg, tmp_path / "run", [])
    metrics = (tmp_path / "run" / "logs" / "metrics.csv").read_text().splitlines()[0].split(",")
    assert "train/reconstruction" in metrics
    state = torch.load(tmp_path / "run" / "checkpoints" / "last.ckpt", weights_only=True)["state_dict"]
    assert state["decoder.net.0.weight"].shape == (256, cfg.head.out_dim) and state["decoder.net.2.weight"].shape == (2 * 16 * 16, 256)
    plan_cfg = compose_cfg(
        "plan", tmp_path / "plan", f"ckpt={tmp_path / 'run'}", *[o for o in TINY if o.startswith(("protocol.", "solver.", "planner."))]
    )
    (tmp_path / "plan").mkdir()
    assert plan(plan_cfg, tmp_path / "plan")["episodes"] == 3


@pytest.mark.slow
def test_grid_rooms_trains_a_high_level_model_and_plans_with_it(tmp_path: Path, compose_cfg: ComposeCfg) -> None:
    cfg = compose_cfg("train", tmp_path, "experiment=grid_rooms", "logger=csv", *TINY)
    saved = run_training(cfg, tmp_path / "run", [])
    assert saved["planning"]["episodes"] == 3 and saved["planning"]["max_steps"] == 6
    metrics = (tmp_path / "run" / "logs" / "metrics.csv").read_text().splitlines()[0].split(",")
    assert "train/high_level_loss" in metrics
    state = torch.load(tmp_path / "run" / "checkpoints" / "last.ckpt", weights_only=True)["state_dict"]
    assert any(key.startswith("high_level.") for key in state)
    no_high_level = compose_cfg(
        "plan",
        tmp_path / "plan",
        f"ckpt={tmp_path / 'run'}",
        "env=grid_rooms",
        "planner=hierarchical",
        "planner.search.transition=high_level",
        "planner.search.macro_steps=3",
        "protocol.episodes=1",
        "protocol.max_steps=2",
    )
    (tmp_path / "plan").mkdir()
    with pytest.raises(ValueError, match="3-step high-level model"):
        plan(no_high_level, tmp_path / "plan")
