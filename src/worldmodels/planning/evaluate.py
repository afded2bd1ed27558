"""The planning evaluation protocol: batched goal-reaching episodes with receding-horizon control."""

from __future__ import annotations

import csv
import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from worldmodels.planning.hierarchical import SubgoalPlanner
from worldmodels.planning.mpc import LatentMPC


@dataclass
class EpisodeRecord:
    """What an evaluation keeps for plots and the per-episode table: positions (B, T + 1, 2), goals (B, 2), the final
    distances to the goal that success is judged on (B,), the closest approaches to it in the same units (B,), wall
    images, the layouts' parameters (name -> (B,)), predicted paths of episode 0, with a ``SubgoalPlanner`` the
    subgoal latents of every episode at every re-plan (B, R, D), the env's hazard box (x0, y0, x1, y1) when it has
    one, and per episode (B,) the stalls its ``StallMemory`` remembered and the wall pushes its ``WallProbe`` tried."""

    positions: torch.Tensor
    goals: torch.Tensor
    final_distances: torch.Tensor
    closest_distances: torch.Tensor
    walls: torch.Tensor
    layouts: dict[str, torch.Tensor] = field(default_factory=dict)
    predicted_latents: list[torch.Tensor] = field(default_factory=list)
    subgoals: torch.Tensor | None = None
    hazard: torch.Tensor | None = None
    corrections: dict[str, torch.Tensor] = field(default_factory=dict)


def write_episodes_csv(record: EpisodeRecord, success_radius: float, path: Path) -> None:
    """One row per episode, in protocol order: final distance, success, the closest approach to the goal (a failure
    with a small one reached the goal and left it), start, goal, the env steps taken and the layout's parameters (Two
    Rooms: wall column and door row), so a failing episode can be found and replayed, and its stalls and wall pushes."""
    columns = record.layouts | record.corrections
    names = list(columns)
    layouts = torch.stack([columns[name].float() for name in names], dim=1).tolist() if names else [[]] * len(record.goals)
    rows = zip(record.final_distances.tolist(), record.closest_distances.tolist(), record.positions[:, 0].tolist(), record.goals.tolist(), layouts, strict=True)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["episode", "success", "final_distance", "closest_distance", "start_x", "start_y", "goal_x", "goal_y", "steps", *names])
        for index, (distance, nearest, start, goal, layout) in enumerate(rows):
            writer.writerow([index, int(distance < success_radius), round(distance, 3), round(nearest, 3), *(round(v, 3) for v in start + goal), record.positions.shape[1] - 1,
                             *(round(v, 3) for v in layout)])  # fmt: skip


def wilson_interval(successes: int, trials: int, z: float = 1.96) -> tuple[float, float]:
    """95% Wilson score interval of a success rate."""
    if trials == 0:
        return 0.0, 1.0
    p = successes / trials
    centre = (p + z * z / (2 * trials)) / (1 + z * z / trials)
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / (1 + z * z / trials)
    return max(0.0, centre - half), min(1.0, centre + half)


def evaluate_planning(controller: LatentMPC, world: Any, episodes: int = 100, seed: int = 0, max_steps: int = 200,
                      success_radius: float = 4.5, episodes_per_batch: int = 100, different_rooms: bool = True,
                      record_predictions: bool = True) -> tuple[dict[str, Any], EpisodeRecord]:  # fmt: skip
    """Run ``episodes`` episodes of ``max_steps`` env steps, re-planning every ``controller.execute_steps``.

    Success is judged at the final step: final distance to the goal < ``success_radius`` px. Episodes are
    drawn by ``world.episodes()`` with ``seed`` (start and goal in different rooms by default) and run
    ``episodes_per_batch`` at a time through the batched planner. Episodes with a hazard (``rooms.entered``) also
    report the violation rate: the fraction of episodes whose dot entered the hazard at any step. Returns the results
    dict and a record.
    """
    generator = torch.Generator().manual_seed(seed)
    distances, closest, positions, goals, walls, plan_seconds, plan_calls = [], [], [], [], [], 0.0, 0
    layouts: list[dict[str, torch.Tensor]] = []
    predicted: list[torch.Tensor] = []
    subgoals: list[torch.Tensor] = []
    entered: list[torch.Tensor] = []
    corrections: dict[str, list[torch.Tensor]] = {}
    for begin in range(0, episodes, episodes_per_batch):
        rooms = world.episodes()
        rooms.reset(min(episodes_per_batch, episodes - begin), generator, different_rooms=different_rooms)
        controller.reset()
        goal_obs = rooms.goal_observation()
        path = [rooms.pos.clone()]
        nearest = rooms.distance_to_goal()  # (B,) in the units success is judged in (PointMaze: maze frame, not pixels)
        batch_subgoals = []
        steps = 0
        while steps < max_steps:
            start = time.perf_counter()
            actions = controller.act(rooms.observation(), goal_obs)
            plan_seconds += time.perf_counter() - start
            plan_calls += 1
            if record_predictions and begin == 0:
                predicted.append(controller.last_rollout[0].clone())
            if isinstance(controller.planner, SubgoalPlanner):
                batch_subgoals.append(controller.planner.last_subgoals.clone())
            for k in range(min(actions.shape[1], max_steps - steps)):
                rooms.step(actions[:, k])
                path.append(rooms.pos.clone())
                nearest = torch.minimum(nearest, rooms.distance_to_goal())
                steps += 1
        distances.append(rooms.distance_to_goal())
        closest.append(nearest)
        positions.append(torch.stack(path, dim=1))
        goals.append(rooms.goal.clone())
        walls.append(rooms.walls.clone())
        layouts.append({name: values.clone() for name, values in rooms.layouts().items()})
        if hasattr(rooms, "entered"):
            entered.append(rooms.entered.clone())
        if batch_subgoals:
            subgoals.append(torch.stack(batch_subgoals, dim=1))
        if isinstance(controller.planner, SubgoalPlanner):
            for name, count in controller.planner.corrections(len(rooms.goal)).items():
                corrections.setdefault(name, []).append(count)
    final = torch.cat(distances)
    successes = int((final < success_radius).sum())
    low, high = wilson_interval(successes, episodes)
    per_call = plan_seconds / max(plan_calls, 1)
    results = {
        "episodes": episodes,
        "seed": seed,
        "max_steps": max_steps,
        "success_radius": success_radius,
        "success_rate": successes / episodes,
        "success_ci95": [low, high],
        "mean_final_distance": float(final.mean()),
        "median_final_distance": float(final.median()),
        "replan_every": controller.execute_steps,
        "episodes_per_batch": episodes_per_batch,
        "seconds_per_replan_call": per_call,
        "seconds_per_replan_per_episode": per_call / min(episodes_per_batch, episodes),
        "total_planning_seconds": plan_seconds,
    }
    if entered:
        violations = int(torch.cat(entered).sum())
        results |= {"violation_rate": violations / episodes, "violation_ci95": list(wilson_interval(violations, episodes)),
                    "safe_success_rate": int(((final < success_radius) & ~torch.cat(entered)).sum()) / episodes}  # fmt: skip
    counts = {name: torch.cat(batches) for name, batches in corrections.items()}
    results |= {f"episodes_with_{name}": int((count > 0).sum()) for name, count in counts.items()}
    hazard = getattr(rooms, "hazard", None)
    layout_columns = {name: torch.cat([batch[name] for batch in layouts]) for name in layouts[0]}
    record = EpisodeRecord(torch.cat(positions), torch.cat(goals), final, torch.cat(closest), torch.cat(walls), layout_columns, predicted, torch.cat(subgoals) if subgoals else None, hazard, counts)
    return results, record
