"""Which Two Rooms episodes failed, and in which layouts, from a planning run's episodes.csv.

    python experiments/two_rooms/failures.py outputs/two_rooms/runs/<run>      # a train run or a `worldmodels.plan` output dir

Prints one line per failure (wall column, door row, start, goal, final and closest distance), how many failures
had reached the goal (closest approach within the run's success radius, from its results.json) and left it, and the
door rows of all episodes against those of the failures.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path


def main(run: str) -> list[dict]:
    results = json.loads((Path(run) / "results.json").read_text())
    success_radius = results.get("planning", results)["success_radius"]  # a train run nests the evaluation under "planning"
    with (Path(run) / "episodes.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    if rows and "door_y" not in rows[0]:
        raise ValueError(f"{run}/episodes.csv has no door_y column: it was not written by a Two Rooms evaluation")
    failures = [{"episode": int(row["episode"]), "wall_x": round(float(row["wall_x"])), "door_y": round(float(row["door_y"])),
                 "start": [float(row["start_x"]), float(row["start_y"])], "goal": [float(row["goal_x"]), float(row["goal_y"])],
                 "final_distance": float(row["final_distance"]), "closest_distance": float(row.get("closest_distance", "nan"))}
                for row in rows if row["success"] == "0"]  # fmt: skip
    for failure in failures:
        print(json.dumps(failure))
    left = (f"{sum(failure['closest_distance'] < success_radius for failure in failures)} of them after reaching the goal"
            if rows and "closest_distance" in rows[0] else "closest approach not recorded (an older episodes.csv)")
    print(f"{len(failures)} of {len(rows)} failed, {left}; door rows of the failures: {sorted(f['door_y'] for f in failures)}")
    print(f"door rows of all episodes: {sorted(round(float(row['door_y'])) for row in rows)}")
    return failures


if __name__ == "__main__":
    main(sys.argv[1])
