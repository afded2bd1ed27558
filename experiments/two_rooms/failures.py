"""Which Two Rooms episodes failed, and in which layouts: a planning run's episodes.csv joined with the protocol's layouts.

    python experiments/two_rooms/failures.py outputs/two_rooms/runs/<run>      # a train run or a `worldmodels.plan` output dir

The protocol's seed redraws the same episodes (layouts, starts, goals) that the run planned, batch by batch as
``evaluate_planning`` drew them. Prints one line per failure (wall column, door row, start, goal, final distance) and the
door rows of all episodes against those of the failures.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import torch

from worldmodels.envs import RoomsWorld


def protocol_layouts(episodes: int, seed: int, per_batch: int, different_rooms: bool = True) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Wall columns (N,), door rows (N,) and starts (N, 2) of the protocol's episodes, drawn as the evaluation draws them."""
    generator = torch.Generator().manual_seed(seed)
    walls, doors, starts = [], [], []
    for begin in range(0, episodes, per_batch):
        rooms = RoomsWorld().episodes()
        rooms.reset(min(per_batch, episodes - begin), generator, different_rooms=different_rooms)
        walls.append(rooms.wall_x)
        doors.append(rooms.door_y)
        starts.append(rooms.pos)
    return torch.cat(walls), torch.cat(doors), torch.cat(starts)


def main(run: str) -> list[dict]:
    run_dir = Path(run)
    results = json.loads((run_dir / "results.json").read_text())
    protocol = results.get("planning", results)
    with (run_dir / "episodes.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    wall_x, door_y, starts = protocol_layouts(protocol["episodes"], protocol["seed"], protocol["episodes_per_batch"])
    recorded = torch.tensor([[float(row["start_x"]), float(row["start_y"])] for row in rows])
    if not torch.allclose(recorded, starts, atol=1e-2):
        raise ValueError(f"{run_dir}/episodes.csv does not match the protocol's episodes (seed {protocol['seed']}): was it written by another env?")
    failures = [{"episode": int(row["episode"]), "wall_x": int(wall_x[i]), "door_y": int(door_y[i]), "start": [float(row["start_x"]), float(row["start_y"])],
                 "goal": [float(row["goal_x"]), float(row["goal_y"])], "final_distance": float(row["final_distance"])}
                for i, row in enumerate(rows) if row["success"] == "0"]  # fmt: skip
    for failure in failures:
        print(json.dumps(failure))
    print(f"{len(failures)} of {len(rows)} failed; door rows of the failures: {sorted(f['door_y'] for f in failures)}")
    print(f"door rows of all episodes: {sorted(int(d) for d in door_y)}")
    return failures


if __name__ == "__main__":
    main(sys.argv[1])
