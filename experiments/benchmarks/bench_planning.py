"""Time per re-plan of each planner (the flat solvers and the hierarchical planner) at its default budget on Two Rooms,
batched vs one episode.

    python experiments/benchmarks/bench_planning.py            # -> results/planning.json
    python experiments/benchmarks/bench_planning.py --smoke    # tiny budgets

The world model is ``experiment=two_rooms`` built by ``build_world_model`` with seed 0 and left at its random
initialisation: the cost of a re-plan depends on the networks' shapes and the planner's budget, not on the
weights (this measures time, not success). Each planner (``planner=flat solver=<name>`` for the solvers,
``planner=hierarchical`` with its default iCEM solver) plans ``protocol.episodes_per_batch`` episodes in one batched
call and one episode per call, alternating over rounds; the episodes are the first of the dev split and the executed
actions move them, so warm starts behave as in the protocol. Figures: the median over rounds of the mean seconds per
``LatentMPC.act`` call, and per episode.

With ``--ckpt`` (a trained world model's run dir or file) the model is loaded instead, and each planner also runs
the planning protocol on the dev split (``protocol`` of ``task=world_model``: 100 episodes, 200 steps), adding its
success rate and success per minute of planning time.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from common import compose_config, median, parse_args, write_json
from hydra.utils import instantiate
from omegaconf import OmegaConf

from worldmodels.pipelines.world_model import build_controller, build_world_model, load_world_model
from worldmodels.planning import SeededEpisodes, episode_seeds, evaluate_planning

PLANNERS = ("cem", "mppi", "icem", "gd", "hierarchical")
SMOKE_PROTOCOL = ["protocol.episodes_per_batch=2", "protocol.episodes=2", "protocol.max_steps=3"]


def planner_overrides(name: str) -> list[str]:
    """The planner and solver options of ``name``: a flat solver, or the hierarchical planner with its default solver."""
    return ["planner=hierarchical"] if name == "hierarchical" else ["planner=flat", f"solver={name}"]


def smoke_overrides(name: str) -> list[str]:
    """Tiny budgets for planner ``name`` (the hierarchical planner's budget is its solver's and its search's)."""
    search = ["planner.search.max_depth=2", "planner.search.max_nodes=20"] if name == "hierarchical" else []
    return ["solver.horizon=3", "solver.samples=32", "solver.iterations=1", *search, *SMOKE_PROTOCOL]


def replan_seconds(controller: Any, world: Any, episodes: int, replans: int) -> float:
    """Mean seconds per ``controller.act`` over ``replans`` consecutive re-plans of the first ``episodes`` dev episodes."""
    seeds = episode_seeds("dev", episodes)
    rooms = SeededEpisodes(world, seeds)
    controller.reset(seeds)
    goal = rooms.goal_observation()
    total = 0.0
    for _ in range(replans):
        start = time.perf_counter()
        actions = controller.act(rooms.observation(), goal)  # (B, execute_steps, A)
        total += time.perf_counter() - start
        for k in range(actions.shape[1]):
            rooms.step(actions[:, k])
    return total / replans


def run_planner(name: str, smoke: bool, root: Path, ckpt: str | None) -> dict[str, Any]:
    """Batched and single-episode re-plan times of planner ``name``; with ``ckpt``, also the protocol's success."""
    cfg = compose_config(
        ["experiment=two_rooms", *planner_overrides(name), "protocol.split=dev", *(smoke_overrides(name) if smoke else [])], root
    )
    world = instantiate(cfg.env)
    model = load_world_model(ckpt, world)[0] if ckpt else build_world_model(cfg, world).eval()
    batch = cfg.protocol.episodes_per_batch
    replans, rounds = (2, 1) if smoke else (5, 3)
    controller = build_controller(cfg, model, world)
    replan_seconds(controller, world, batch, 1)  # warm-up
    batched, single = [], []
    for round_ in range(rounds):
        runs = [(batched, batch), (single, 1)]
        for times, episodes in runs if round_ % 2 == 0 else runs[::-1]:
            times.append(replan_seconds(controller, world, episodes, replans))
    batched_s, single_s = median(batched), median(single)
    planner = OmegaConf.to_container(cfg.planner, resolve=True)
    budget = {"solver": {k: v for k, v in planner["solver"].items() if k != "_target_"}, "search": planner["search"]}
    success: dict[str, Any] = {}
    if ckpt:
        protocol = OmegaConf.to_container(cfg.protocol, resolve=True)
        outcome = evaluate_planning(build_controller(cfg, model, world), world, **protocol, record_predictions=False, progress=False)[0]
        minutes = outcome["total_planning_seconds"] / 60
        success = {
            "protocol": protocol,
            "success_rate": outcome["success_rate"],
            "success_ci95": outcome["success_ci95"],
            "planning_minutes": minutes,
            "success_per_planning_minute": outcome["success_rate"] / minutes,
        }
    return {
        **success,
        "budget": budget,
        "episodes_per_batch": batch,
        "replans_per_round": replans,
        "rounds": rounds,
        "batched_s_per_call": batched,
        "single_s_per_call": single,
        "batched_median_s_per_call": batched_s,
        "batched_median_s_per_episode": batched_s / batch,
        "single_median_s_per_episode": single_s,
        "batching_speedup": single_s * batch / batched_s,
    }


def main() -> None:
    args = parse_args(__doc__.splitlines()[0], lambda p: p.add_argument("--ckpt", help="a trained world model (run dir or .ckpt)"))
    results = {}
    with tempfile.TemporaryDirectory(prefix="bench_planning_") as tmp:
        for name in PLANNERS:
            results[name] = run_planner(name, args.smoke, Path(tmp), args.ckpt)
            row = results[name]
            print(
                f"{name}: batched {row['batched_median_s_per_call'] * 1e3:.1f} ms/call ({row['episodes_per_batch']} episodes), "
                f"single {row['single_median_s_per_episode'] * 1e3:.1f} ms/episode, x{row['batching_speedup']:.1f}",
                flush=True,
            )
    write_json(
        args.out,
        "planning",
        {"settings": {"seed": 0, "episodes": "dev split", "smoke": args.smoke, "ckpt": args.ckpt}, "planners": results},
    )


if __name__ == "__main__":
    main()
