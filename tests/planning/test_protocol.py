"""The planning protocol: sealed splits, episodes seeded one by one, outcomes that do not depend on the batch, the
paired random floor, the fingerprint, episodes.csv written batch by batch."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
import torch

from worldmodels.envs.worlds import RoomsWorld
from worldmodels.planning import ICEMSolver, LatentGoalEnergy, LatentGraphSearch, LatentMPC, TransitionMemory, evaluate_planning
from worldmodels.planning.protocol import SPLIT_SIZE, SeededEpisodes, episode_seeds, random_floor


def test_the_splits_own_disjoint_documented_seed_ranges() -> None:
    dev, test = episode_seeds("dev", 100), episode_seeds("test", 100)
    assert dev == list(range(100)) and test == list(range(SPLIT_SIZE, SPLIT_SIZE + 100))
    assert not set(episode_seeds("dev", SPLIT_SIZE)) & set(test)
    with pytest.raises(ValueError, match="allowed: \\['dev', 'test'\\]"):
        episode_seeds("train", 10)
    with pytest.raises(ValueError, match="between 1 and"):
        episode_seeds("dev", SPLIT_SIZE + 1)


def test_an_episode_is_the_same_alone_or_in_a_batch() -> None:
    world = RoomsWorld("two_rooms")
    together, alone = SeededEpisodes(world, [5, 6, 7]), SeededEpisodes(world, [6])
    assert torch.equal(together.pos[1], alone.pos[0]) and torch.equal(together.goal[1], alone.goal[0])
    assert together.manifest()[1] == alone.manifest()[0]
    actions = torch.tensor([[2.45, 0.4]]).expand(3, 2)
    for _ in range(30):  # long enough to meet walls: the collision noise is each episode's own
        together.step(actions)
        alone.step(actions[:1])
    assert torch.equal(together.pos[1], alone.pos[0])
    assert together.observation().shape == (3, 2, 65, 65) and set(together.layouts()) == {"wall_x", "door_y"}


class DotModel:
    """A world model that sees the dot's pixel position exactly (latent = its (x, y) / 10) and predicts free motion
    (no walls): the search and the memory have something to correct."""

    def encode(self, obs: torch.Tensor) -> torch.Tensor:
        dot = obs[:, 0].float()
        coords = torch.arange(obs.shape[-1], dtype=torch.float32)
        mass = dot.sum((1, 2)).clamp_min(1e-6)
        return torch.stack([(dot.sum(1) * coords).sum(-1) / mass, (dot.sum(2) * coords).sum(-1) / mass], dim=-1) / 10

    def rollout(self, latent: torch.Tensor, actions: torch.Tensor) -> torch.Tensor:
        return latent[:, None] + actions.cumsum(dim=1) / 10


def controller() -> LatentMPC:
    solver = ICEMSolver(horizon=4, samples=24, iterations=2, elites=4, max_action=2.45)
    search = LatentGraphSearch(macro_steps=2, directions=8, max_depth=6, max_nodes=200)
    return LatentMPC(
        DotModel(), solver, LatentGoalEnergy(), action_dim=2, search=search, corrections={"memory": TransitionMemory()}, execute_steps=2
    )


def test_outcomes_do_not_depend_on_the_batch_size(tmp_path: Path) -> None:
    world = RoomsWorld("two_rooms")
    runs = {}
    for batch in (1, 8):
        out = tmp_path / f"batch_{batch}"
        out.mkdir()
        results, _ = evaluate_planning(
            controller(), world, split="dev", episodes=8, max_steps=16, episodes_per_batch=batch, out_dir=out, progress=False
        )
        runs[batch] = (results, np.load(out / "trajectories.npz")["positions"])
    (one, alone), (eight, together) = runs[1], runs[8]
    assert alone.shape == (8, 17, 2) and np.array_equal(alone, together)  # every trajectory, step for step
    assert one["successes"] == eight["successes"] and one["floor_success_rate"] == eight["floor_success_rate"]
    assert one["episodes_sha256"] == eight["episodes_sha256"]
    assert one["model_transitions_per_replan_per_episode"] == eight["model_transitions_per_replan_per_episode"]
    assert np.abs(np.diff(alone, axis=1)).sum() > 8 * 10  # the dots moved


def test_results_record_the_split_the_floor_and_the_budget(tmp_path: Path) -> None:
    world = RoomsWorld("two_rooms")
    results, record = evaluate_planning(
        controller(), world, split="test", episodes=3, max_steps=10, episodes_per_batch=2, out_dir=tmp_path, plot_episodes=2, progress=False
    )
    assert results["split"] == "test" and results["episode_seeds"] == [SPLIT_SIZE, SPLIT_SIZE + 2]
    transitions = results["model_transitions_per_replan_per_episode"]
    assert transitions["transitions"] == pytest.approx(
        transitions["transitions_search"] + transitions["transitions_solver"] + transitions["transitions_controller"]
    )
    assert transitions["transitions_search"] > 0 and results["seconds_per_replan_per_episode"] > 0 and results["peak_rss_mb"] > 0
    with (tmp_path / "episodes.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert [int(row["seed"]) for row in rows] == [SPLIT_SIZE, SPLIT_SIZE + 1, SPLIT_SIZE + 2]
    assert {"success", "final_distance", "wall_x", "door_y", "memory", "floor_success"} <= set(rows[0])
    assert sum(int(row["success"]) for row in rows) == results["successes"]
    assert record.positions.shape == (2, 11, 2) and len(record.predicted_latents) == 5 and record.subgoals.shape == (2, 5, 2)
    again, _ = evaluate_planning(
        controller(), world, split="test", episodes=3, max_steps=10, episodes_per_batch=3, floor=False, progress=False
    )
    assert again["episodes_sha256"] == results["episodes_sha256"] and again["floor_success_rate"] is None
    dev, _ = evaluate_planning(controller(), world, split="dev", episodes=3, max_steps=2, progress=False, floor=False)
    assert dev["episodes_sha256"] != results["episodes_sha256"]


def test_the_random_floor_is_paired_and_reproducible() -> None:
    world = RoomsWorld("two_rooms")
    low, high = torch.full((2,), -2.45), torch.full((2,), 2.45)
    seeds = episode_seeds("dev", 16)
    first = random_floor(world, seeds, low, high, max_steps=60, success_radius=30.0)
    assert torch.equal(first[4:8], random_floor(world, seeds[4:8], low, high, max_steps=60, success_radius=30.0))
    assert 0 < int(first.sum()) < 16  # a wide radius: some random walks end near their goal (3 of 16), not all
    assert not random_floor(world, seeds, low, high, max_steps=60, success_radius=1e-3).any()
    assert random_floor(world, seeds, low, high, max_steps=60, success_radius=100.0).all()  # judged by the final distance


def test_the_default_planner_on_the_recipes_model_is_batch_invariant(tmp_path: Path, compose_cfg) -> None:
    """The real thing at a small budget: the Two Rooms recipe's (randomly initialised) world model, the default planner
    (search + transition memory + iCEM): 8 dev episodes planned one at a time and all together, step for step the same."""
    from worldmodels.pipelines.world_model import build_controller, build_world_model

    small = ["solver.samples=16", "solver.elites=4", "solver.iterations=2", "planner.search.max_nodes=150", "planner.search.max_depth=6"]
    cfg = compose_cfg("train", tmp_path, "experiment=two_rooms", *small)
    world = RoomsWorld("two_rooms")
    model = build_world_model(cfg, world).eval()
    paths = []
    for batch in (1, 8):
        out = tmp_path / f"batch_{batch}"
        out.mkdir()
        evaluate_planning(
            build_controller(cfg, model, world),
            world,
            split="dev",
            episodes=8,
            max_steps=10,
            episodes_per_batch=batch,
            out_dir=out,
            floor=False,
            progress=False,
        )
        paths.append(np.load(out / "trajectories.npz")["positions"])
    assert np.array_equal(paths[0], paths[1])
