"""When did a world model's latent start to locate the dot? The first logged training step whose position-probe error
(``probe/pos_err``, px, on detached latents) falls below a threshold, and the inverse-dynamics term there.

    python experiments/two_rooms/training_start.py outputs/two_rooms/runs/<run> [<run> ...] [--below 5]

A run whose latent ignores the dot for thousands of steps (keypoints on the walls, the inverse-dynamics regression no
better than at the start) spends that part of its 15-minute budget on nothing. Prints one JSON line per run.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from worldmodels.runs.plots import read_metrics


def first_step_below(metrics: Path, below: float) -> dict[str, float | int | None]:
    """{step, inverse_dynamics} at the first training row of ``metrics`` (metrics.csv) with probe/pos_err < ``below``
    (None when none), and the last logged step."""
    series = read_metrics(metrics)
    if "probe/pos_err" not in series:
        raise ValueError(f"{metrics} has no probe/pos_err column values: was it written by a world-model run?")
    steps, errors = series["probe/pos_err"]
    step = next((step for step, error in zip(steps, errors, strict=True) if error < below), None)
    inverse_dynamics = dict(zip(*series.get("reg/inverse_dynamics", ([], [])), strict=True)).get(step)
    return {"step": step,
            "inverse_dynamics": round(inverse_dynamics, 3) if inverse_dynamics is not None else None,
            "last_step": steps[-1]}  # fmt: skip


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
