"""When did a world model's latent start to locate the dot? The first logged training step whose position-probe error
(``probe/pos_err``, px, on detached latents) falls below a threshold, and the inverse-dynamics term there.

    python experiments/two_rooms/training_start.py outputs/two_rooms/runs/<run> [<run> ...] [--below 5]

A run whose latent ignores the dot for thousands of steps (keypoints on the walls, the inverse-dynamics regression no
better than at the start) spends that part of its 15-minute budget on nothing. Prints one JSON line per run.
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path


def first_step_below(metrics: Path, below: float) -> dict[str, float | int | None]:
    """{step, inverse_dynamics} at the first training row of ``metrics`` (metrics.csv) with probe/pos_err < ``below``
    (None when none), and the last logged step."""
    rows = [row for row in csv.DictReader(metrics.open()) if row.get("probe/pos_err")]
    if not rows:
        raise ValueError(f"{metrics} has no probe/pos_err column values: was it written by a world-model run?")
    hit = next((row for row in rows if float(row["probe/pos_err"]) < below), None)
    return {"step": int(float(hit["step"])) if hit else None,
            "inverse_dynamics": round(float(hit["reg/inverse_dynamics"]), 3) if hit and hit.get("reg/inverse_dynamics") else None,
            "last_step": int(float(rows[-1]["step"]))}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="+", type=Path, help="run directories (each with logs/metrics.csv)")
    parser.add_argument("--below", type=float, default=5.0, help="probe error threshold in px")
    args = parser.parse_args()
    for run in args.runs:
        metrics = run / "logs" / "metrics.csv"
        if not metrics.exists():
            raise SystemExit(f"no {metrics}: pass a training run directory (outputs/two_rooms/runs/<run>)")
        print(json.dumps({"run": str(run), "below_px": args.below, **first_step_below(metrics, args.below)}))


if __name__ == "__main__":
    main()
