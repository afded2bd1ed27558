"""Planning with a perfect model whose latent is the dot's position: how far does the energy alone get?

The oracle's latent is the blob's centroid / 10 and its rollout is the true Two Rooms dynamics with the episode's
walls, so failures come from the planner and the energy (latent L2 to the goal), not from learning. With
``hierarchical=true`` the planner is wrapped in ``SubgoalPlanner`` (graph search over the true dynamics for subgoals;
``macro_steps``, ``directions``, ``max_depth``, ``merge``, ``subgoal_ahead``). With
``door_weight=w`` > 0 the latent gets a third, wall-aware coordinate w · side · |p − door centre| / 10 (side = ±1 by
room): across the wall the energy then grows with the way through the door. Planner options: ``init_std``,
``min_std``, ``beta`` (iCEM noise colour), ``elites``. Examples:

    python experiments/two_rooms/oracle_planning.py planner=icem horizon=25 action_repeat=4 samples=256 iterations=4 steps=all execute_steps=4 episodes=20
    python experiments/two_rooms/oracle_planning.py horizon=50 action_repeat=2 execute_steps=2 init_std=0.1 iterations=6 door_weight=3 episodes=40
    python experiments/two_rooms/oracle_planning.py hierarchical=true horizon=10 action_repeat=1 execute_steps=2 init_std=0.3 episodes=100
"""

from __future__ import annotations

import json
import sys
import time

import torch

from worldmodels.envs import RoomsBatch, RoomsWorld
from worldmodels.planning import (
    CEMPlanner,
    ICEMPlanner,
    LatentGoalEnergy,
    LatentGraphSearch,
    LatentMPC,
    MPPIPlanner,
    SubgoalPlanner,
    evaluate_planning,
)


class OraclePositionModel:
    """encode: observations (B, 2, S, S) -> centroid of the dot channel / 10, plus the wall-aware coordinate when
    ``door_weight`` > 0, plus the layout (wall x, door y) times ``LAYOUT_SCALE`` (B, 4 or 5); rollout: the true dynamics
    of the layout carried in the latent (so any batch of latents rolls out, as the hierarchical planner's search needs).
    The layout coordinates are equal for a state and its goal and too small to change distances."""

    LAYOUT_SCALE = 1e-4

    def __init__(self, world: RoomsWorld, door_weight: float = 0.0) -> None:
        self.world = world
        self.door_weight = door_weight
        self.rooms: RoomsBatch | None = None

    def latent(self, pos: torch.Tensor, wall_x: torch.Tensor, door_y: torch.Tensor) -> torch.Tensor:
        """Positions (N, 2) in pixels and layouts (N,) -> latents (N, 4 or 5)."""
        layout = torch.stack([wall_x, door_y], dim=-1).float() * self.LAYOUT_SCALE
        if not self.door_weight:
            return torch.cat([pos / 10, layout], dim=-1)
        offset = pos - torch.stack([wall_x, door_y], dim=-1)
        door = self.door_weight * torch.sign(offset[:, :1]) * offset.norm(dim=-1, keepdim=True)
        return torch.cat([pos / 10, door / 10, layout], dim=-1)

    def encode(self, obs: torch.Tensor) -> torch.Tensor:
        dot = obs[:, 0].float()
        coords = torch.arange(dot.shape[-1], dtype=torch.float32)
        mass = dot.sum((1, 2))
        pos = torch.stack([(dot * coords[None, None, :]).sum((1, 2)) / mass, (dot * coords[None, :, None]).sum((1, 2)) / mass], dim=1)
        return self.latent(pos, self.rooms.wall_x, self.rooms.door_y)

    def rollout(self, latent: torch.Tensor, actions: torch.Tensor) -> torch.Tensor:
        """latent (N, D), actions (N, H, 2) -> (N, H, D)."""
        wall_x, door_y = (latent[:, -2:] / self.LAYOUT_SCALE).round().unbind(-1)
        pos, out = latent[:, :2] * 10, []
        for t in range(actions.shape[1]):
            pos = self.world.geometry.move(pos, actions[:, t], wall_x, door_y)
            out.append(self.latent(pos, wall_x, door_y))
        return torch.stack(out, dim=1)


def main(args: dict[str, str]) -> dict:
    world = RoomsWorld()
    oracle = OraclePositionModel(world, door_weight=float(args.get("door_weight", 0)))
    make_batch = world.episodes

    def episodes() -> RoomsBatch:
        oracle.rooms = make_batch()
        return oracle.rooms

    world.episodes = episodes
    horizon, samples, iterations = int(args.get("horizon", 25)), int(args.get("samples", 256)), int(args.get("iterations", 4))
    planners = {"icem": ICEMPlanner, "cem": CEMPlanner, "mppi": MPPIPlanner}
    options = {key: float(args[key]) for key in ("init_std", "min_std", "beta", "temperature") if key in args}
    elites = int(args.get("elites", max(8, samples // 16)))
    planner = planners[args.get("planner", "icem")](horizon=horizon, samples=samples, iterations=iterations, elites=elites, max_action=2.45, **options)
    if args.get("hierarchical") == "true":
        search = LatentGraphSearch(macro_steps=int(args.get("macro_steps", 4)), directions=int(args.get("directions", 8)),
                                   max_depth=int(args.get("max_depth", 40)), merge=float(args.get("merge", 0.5)))  # fmt: skip
        planner = SubgoalPlanner(planner, search, subgoal_ahead=int(args.get("subgoal_ahead", 2)))
    mpc = LatentMPC(oracle, planner, LatentGoalEnergy("l2", args.get("steps", "all")), action_dim=2,
                    execute_steps=int(args.get("execute_steps", 4)), action_repeat=int(args.get("action_repeat", 4)))  # fmt: skip
    episodes_count = int(args.get("episodes", 20))
    start = time.perf_counter()
    results, _ = evaluate_planning(mpc, world, episodes=episodes_count, seed=1000, episodes_per_batch=episodes_count, record_predictions=False)
    results |= {"args": args, "wall_s": round(time.perf_counter() - start, 1)}
    print(json.dumps({k: results[k] for k in ("args", "success_rate", "success_ci95", "mean_final_distance", "median_final_distance", "seconds_per_replan_call", "wall_s")}))
    return results


if __name__ == "__main__":
    main(dict(arg.split("=", 1) for arg in sys.argv[1:]))
