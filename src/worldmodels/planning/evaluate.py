"""The planning evaluation: goal-reaching episodes of a split, planned batch by batch with receding-horizon control.

Episodes are planned ``episodes_per_batch`` at a time; each batch's rows go to ``episodes.csv`` as soon as it ends, and
only the few episodes the plots show are kept whole, so memory holds one batch, not the evaluation. Batch size changes
speed, never outcomes (``SeededEpisodes``, per-episode planner generators).
"""

from __future__ import annotations

import csv
import io
import math
import resource
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from tqdm.auto import tqdm

from worldmodels.interfaces import Planner, World
from worldmodels.planning.protocol import SeededEpisodes, episode_seeds, random_floor, sha256_of_json
from worldmodels.runs.atomic import atomic_path, atomic_write_text


@dataclass
class EpisodeRecord:
    """What the plots need of the first P episodes: positions (P, T + 1, 2), goals (P, 2), wall images (P, S, S), the
    layouts' parameters (name -> (P,)), the predicted paths of episode 0 (one (H, D) per re-plan), the subgoal latents
    at every re-plan (P, R, D) when a search proposed them, and the env's hazard box (x0, y0, x1, y1) when it has one."""

    positions: torch.Tensor
    goals: torch.Tensor
    walls: torch.Tensor
    layouts: dict[str, torch.Tensor] = field(default_factory=dict)
    predicted_latents: list[torch.Tensor] = field(default_factory=list)
    subgoals: torch.Tensor | None = None
    hazard: torch.Tensor | None = None


class EpisodeTable:
    """``episodes.csv``, one row per episode in protocol order, rewritten whole (atomically) after each batch: its seed, success,
    final distance, closest approach to the goal (a failure with a small one reached the goal and left it), start,
    goal, env steps, the layout's parameters (Two Rooms: wall column and door row), what each correction did, and
    whether random actions (the floor) solved it. A failing episode can be found and replayed (on ``dev``)."""

    def __init__(self, path: Path | None) -> None:
        self.path, self.lines = path, io.StringIO()

    def append(self, rows: list[dict[str, Any]]) -> None:
        """Add ``rows`` (one dict per episode, the same keys each) and rewrite the file."""
        if self.path is None or not rows:
            return
        writer = csv.writer(self.lines)
        if not self.lines.tell():
            writer.writerow(list(rows[0]))
        for row in rows:
            writer.writerow([round(value, 3) if isinstance(value, float) else value for value in row.values()])
        atomic_write_text(self.path, self.lines.getvalue())


def wilson_interval(successes: int, trials: int, z: float = 1.96) -> tuple[float, float]:
    """95% Wilson score interval of a success rate."""
    if trials == 0:
        return 0.0, 1.0
    p = successes / trials
    centre = (p + z * z / (2 * trials)) / (1 + z * z / trials)
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / (1 + z * z / trials)
    return max(0.0, centre - half), min(1.0, centre + half)


def peak_rss_mb() -> float:
    """The process's peak resident memory so far, MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def evaluate_planning(
    controller: Planner,
    world: World,
    split: str = "test",
    episodes: int = 100,
    max_steps: int = 200,
    success_radius: float = 4.5,
    episodes_per_batch: int = 25,
    different_rooms: bool = True,
    floor: bool = True,
    plot_episodes: int = 8,
    out_dir: Path | None = None,
    record_predictions: bool = True,
    progress: bool = True,
) -> tuple[dict[str, Any], EpisodeRecord]:
    """Plan the first ``episodes`` episodes of ``split`` for ``max_steps`` env steps each, re-planning every
    ``controller.execute_steps``; success: final distance to the goal < ``success_radius`` (the env's units).

    With ``floor`` the same episodes are also driven by uniformly random actions (the paired floor). With ``out_dir``,
    ``episodes.csv`` grows batch by batch and ``trajectories.npz`` holds every episode's positions. A progress bar
    shows env steps, re-plans and the running success. Returns the results dict and the plotted episodes' record.
    """
    seeds = episode_seeds(split, episodes)
    controller.calls.clear()
    table = EpisodeTable(out_dir / "episodes.csv" if out_dir is not None else None)
    finals, manifest, positions = [], [], []
    plan_seconds, replans, episode_replans, floor_successes, successes = 0.0, 0, 0, 0, 0
    violations: list[torch.Tensor] = []
    corrections: dict[str, int] = {}
    plotted: dict[str, list[Any]] = {"positions": [], "goals": [], "walls": [], "layouts": [], "subgoals": [], "predicted": []}
    hazard = None
    bar = tqdm(total=episodes * max_steps, unit="step", desc=f"planning {split}", disable=not progress, dynamic_ncols=True)
    for begin in range(0, episodes, episodes_per_batch):
        batch_seeds = seeds[begin : begin + episodes_per_batch]
        rooms = SeededEpisodes(world, batch_seeds, different_rooms)
        manifest += rooms.manifest()
        controller.reset(batch_seeds)
        goal_obs, path, subgoals = rooms.goal_observation(), [rooms.pos.clone()], []
        nearest = rooms.distance_to_goal()
        steps = 0
        while steps < max_steps:
            start = time.perf_counter()
            actions = controller.act(rooms.observation(), goal_obs)
            plan_seconds += time.perf_counter() - start
            replans += 1
            episode_replans += len(rooms)
            if record_predictions and begin == 0:
                plotted["predicted"].append(controller.last_rollout[0].clone())
            if controller.last_subgoals is not None:
                subgoals.append(controller.last_subgoals[:plot_episodes].clone())
            for k in range(min(actions.shape[1], max_steps - steps)):
                path.append(rooms.step(actions[:, k]).clone())
                nearest = torch.minimum(nearest, rooms.distance_to_goal())
                steps += 1
            at_goal = int((rooms.distance_to_goal() < success_radius).sum())
            bar.update(begin * max_steps + len(rooms) * steps - bar.n)
            bar.set_postfix_str(
                f"episodes {begin + 1}-{begin + len(rooms)}, re-plan {replans}, solved {successes}/{begin}, "
                f"at the goal now {at_goal}/{len(rooms)}"
            )
        final = rooms.distance_to_goal()
        successes += int((final < success_radius).sum())
        floored = (
            random_floor(
                world,
                batch_seeds,
                controller.solver.action_low.expand(controller.action_dim),
                controller.solver.action_high.expand(controller.action_dim),
                max_steps,
                success_radius,
                different_rooms,
            )
            if floor
            else None
        )
        floor_successes += int(floored.sum()) if floored is not None else 0
        counts = {name: correction.counts(len(rooms)) for name, correction in controller.corrections.items()}
        for name, count in counts.items():
            corrections[name] = corrections.get(name, 0) + int((count > 0).sum())
        if rooms.entered is not None:
            violations.append(rooms.entered.clone())
            hazard = rooms.hazard
        track = torch.stack(path, dim=1)  # (B, T + 1, 2)
        table.append(_rows(begin, rooms, track, final, nearest, success_radius, counts, floored))
        finals.append(final)
        positions.append(track)
        if len(plotted["positions"]) * episodes_per_batch < plot_episodes:
            plotted["positions"].append(track)
            plotted["goals"].append(rooms.goal)
            plotted["walls"].append(rooms.walls)
            plotted["layouts"].append(rooms.layouts())
            if subgoals:
                plotted["subgoals"].append(torch.stack(subgoals, dim=1))
    bar.close()
    final = torch.cat(finals)
    calls = controller.calls.totals()
    results = {
        "split": split,
        "episode_seeds": [seeds[0], seeds[-1]],
        "episodes": episodes,
        "max_steps": max_steps,
        "success_radius": success_radius,
        "different_rooms": different_rooms,
        "successes": successes,
        "success_rate": successes / episodes,
        "success_ci95": list(wilson_interval(successes, episodes)),
        "floor_success_rate": floor_successes / episodes if floor else None,
        "mean_final_distance": float(final.mean()),
        "median_final_distance": float(final.median()),
        "replan_every": controller.execute_steps,
        "episodes_per_batch": episodes_per_batch,
        "seconds_per_replan_per_episode": plan_seconds / max(episode_replans, 1),
        "total_planning_seconds": plan_seconds,
        "model_transitions_per_replan_per_episode": {
            name: count / max(episode_replans, 1) for name, count in calls.items() if name.startswith("transitions")
        },
        "model_calls_per_replan": calls["calls"] / max(replans, 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "episodes_sha256": sha256_of_json(manifest),
        **{f"episodes_with_{name}": count for name, count in corrections.items()},
    }
    if violations:
        entered = torch.cat(violations)
        results |= {
            "violation_rate": float(entered.float().mean()),
            "violation_ci95": list(wilson_interval(int(entered.sum()), episodes)),
            "safe_success_rate": int(((final < success_radius) & ~entered).sum()) / episodes,
        }
    if out_dir is not None:
        arrays = {"positions": torch.cat(positions).numpy(), "seeds": np.array(seeds), "final_distance": final.numpy()}
        with atomic_path(out_dir / "trajectories.npz") as partial, open(partial, "wb") as handle:
            np.savez_compressed(handle, **arrays)
    record = _record(plotted, plot_episodes, hazard)
    return results, record


def _rows(
    begin: int,
    rooms: SeededEpisodes,
    track: torch.Tensor,
    final: torch.Tensor,
    nearest: torch.Tensor,
    success_radius: float,
    counts: dict[str, torch.Tensor],
    floored: torch.Tensor | None,
) -> list[dict[str, Any]]:
    layouts, goals = rooms.layouts(), rooms.goal  # stacked once for the batch
    rows = []
    for i, seed in enumerate(rooms.seeds):
        row = {
            "episode": begin + i,
            "seed": seed,
            "success": int(final[i] < success_radius),
            "final_distance": float(final[i]),
            "closest_distance": float(nearest[i]),
            "start_x": float(track[i, 0, 0]),
            "start_y": float(track[i, 0, 1]),
            "goal_x": float(goals[i, 0]),
            "goal_y": float(goals[i, 1]),
            "steps": track.shape[1] - 1,
        }
        row |= {name: float(values[i]) for name, values in layouts.items()}
        row |= {name: int(count[i]) for name, count in counts.items()}
        if floored is not None:
            row["floor_success"] = int(floored[i])
        rows.append(row)
    return rows


def _record(plotted: dict[str, list[Any]], count: int, hazard: torch.Tensor | None) -> EpisodeRecord:
    layouts = {
        name: torch.cat([batch[name] for batch in plotted["layouts"]])[:count]
        for name in (plotted["layouts"][0] if plotted["layouts"] else {})
    }
    subgoals = torch.cat(plotted["subgoals"])[:count] if plotted["subgoals"] else None
    return EpisodeRecord(
        torch.cat(plotted["positions"])[:count],
        torch.cat(plotted["goals"])[:count],
        torch.cat(plotted["walls"])[:count],
        layouts,
        plotted["predicted"],
        subgoals,
        hazard,
    )
