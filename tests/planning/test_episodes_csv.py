"""The per-episode table every planning evaluation writes."""

from __future__ import annotations

import csv
from pathlib import Path

import torch

from worldmodels.planning.evaluate import EpisodeRecord, write_episodes_csv


def test_episodes_csv_tells_a_failure_that_reached_the_goal_and_left_from_one_that_never_did(tmp_path: Path) -> None:
    goals = torch.tensor([[10.0, 10.0], [10.0, 10.0]])
    positions = torch.tensor([[[0.0, 10.0], [10.0, 11.0], [20.0, 10.0]],   # passes 1 px from the goal, ends 10 px away
                              [[0.0, 10.0], [2.0, 10.0], [0.0, 10.0]]])    # never gets nearer than 8 px
    distances = (positions - goals[:, None]).norm(dim=-1)  # (B, T + 1)
    record = EpisodeRecord(positions, goals, distances[:, -1], distances.amin(dim=1), torch.zeros(2, 4, 4), layouts={"door_y": torch.tensor([30.0, 40.0])},
                           corrections={"stalls": torch.tensor([3, 0]), "wall_pushes": torch.tensor([0, 2])})  # fmt: skip
    write_episodes_csv(record, success_radius=4.5, path=tmp_path / "episodes.csv")
    with (tmp_path / "episodes.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert [(row["success"], float(row["final_distance"]), float(row["closest_distance"])) for row in rows] == [("0", 10.0, 1.0), ("0", 10.0, 8.0)]
    assert [(row["steps"], float(row["door_y"]), float(row["start_x"])) for row in rows] == [("2", 30.0, 0.0), ("2", 40.0, 0.0)]
    assert [(float(row["stalls"]), float(row["wall_pushes"])) for row in rows] == [(3.0, 0.0), (0.0, 2.0)]
