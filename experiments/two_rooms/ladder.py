"""The Two Rooms planner ladder: one row per planner, success mean ± std over training seeds on the test split.

    python experiments/two_rooms/ladder.py            # reads ladder/<row>/seed_<n>/results.json -> ladder.md, ladder.png

Each ``ladder/<row>/seed_<n>/`` is the run dir of one ``worldmodels plan`` (see ``ladder.sh``); a row's
figures are the mean ± std (sample std) of its seeds' success rates with the per-seed values, the paired random
floor on the same episodes, the model transitions and seconds per re-plan per episode (mean over seeds). A row
measured on the test split's first E episodes only also shows the default planner on those same E episodes (from the
default's ``episodes.csv``: episodes are planned independently of each other, so the first E are a fair paired
comparison).
"""

from __future__ import annotations

import csv
import json
import statistics
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

HERE = Path(__file__).parent
ROWS = {
    "hierarchical": "search + transition memory (the default: `planner=hierarchical`)",
    "search": "graph search alone (`planner.corrections.memory=null`)",
    "icem_equal": "flat iCEM at the default's compute (`planner=flat solver=icem`, see ladder.sh)",
    "mppi_equal": "flat MPPI at the default's compute",
    "cem_equal": "flat CEM at the default's compute",
    "gd_equal": "flat GD at the default's compute",
    "mppi_reference": "flat MPPI at the reference's settings (200 samples × 20 iterations × horizon 90, re-plan every step)",
}


def load_row(row: str) -> list[dict]:
    """The results.json of every seed of ``row``, with the training seed added, in seed order."""
    runs = []
    for path in sorted((HERE / "ladder" / row).glob("seed_*/results.json")):
        results = json.loads(path.read_text())
        results["training_seed"] = int(path.parent.name.removeprefix("seed_"))
        runs.append(results)
    return runs


def default_on_first(episodes: int, seeds: list[int]) -> list[float] | None:
    """The default planner's success (%) on the test split's first ``episodes`` episodes, per training seed."""
    rates = []
    for seed in seeds:
        path = HERE / "ladder" / "hierarchical" / f"seed_{seed}" / "episodes.csv"
        if not path.is_file():
            return None
        with path.open() as handle:
            rows = list(csv.DictReader(handle))[:episodes]
        rates.append(100 * statistics.mean(row["success"] in ("1", "True", "true") for row in rows))
    return rates


def summarize(runs: list[dict]) -> dict:
    rates = [100 * run["success_rate"] for run in runs]
    return {
        "seeds": [run["training_seed"] for run in runs],
        "rates": rates,
        "mean": statistics.mean(rates),
        "std": statistics.stdev(rates) if len(rates) > 1 else float("nan"),
        "floor": statistics.mean(100 * run["floor_success_rate"] for run in runs if run["floor_success_rate"] is not None),
        "episodes": sorted({run["episodes"] for run in runs}),
        "splits": sorted({run["split"] for run in runs}),
        "transitions": statistics.mean(run["model_transitions_per_replan_per_episode"]["transitions"] for run in runs),
        "seconds": statistics.mean(run["seconds_per_replan_per_episode"] for run in runs),
    }


def main() -> None:
    table = {row: summarize(runs) for row in ROWS if (runs := load_row(row))}
    lines = [
        "| planner | success, mean ± std over seeds | per seed | random floor | episodes per seed (split) "
        "| model transitions per re-plan per episode | s per re-plan per episode | the default on the same episodes |",
        "|---|---|---|---|---|---|---|---|",
    ]
    full = max(s["episodes"][-1] for s in table.values())
    for row, s in table.items():
        per_seed = ", ".join(f"{seed}: {rate:.0f} %" for seed, rate in zip(s["seeds"], s["rates"], strict=True))
        paired = default_on_first(s["episodes"][0], s["seeds"]) if s["episodes"] == [s["episodes"][0]] and s["episodes"][0] < full else None
        same = f"{statistics.mean(paired):.1f} ± {statistics.stdev(paired):.1f} %" if paired and len(paired) > 1 else "(this row)"
        lines.append(
            f"| {ROWS[row]} | **{s['mean']:.1f} ± {s['std']:.1f} %** | {per_seed} | {s['floor']:.1f} % | "
            f"{'/'.join(map(str, s['episodes']))} ({'/'.join(s['splits'])}) | {s['transitions']:,.0f} | {s['seconds']:.3f} | {same} |"
        )
    (HERE / "ladder.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    fig, ax = plt.subplots(figsize=(8, 0.6 * len(table) + 1.2))
    names = list(table)[::-1]
    ax.barh(
        names,
        [table[n]["mean"] for n in names],
        xerr=[table[n]["std"] for n in names],
        color="tab:blue",
        alpha=0.8,
        label="success (mean ± std)",
    )
    for y, name in enumerate(names):
        ax.plot(table[name]["rates"], [y] * len(table[name]["rates"]), "k.", ms=6)
        ax.plot(table[name]["floor"], y, "r|", ms=14)
    ax.set_xlim(0, 100)
    ax.set_xlabel("success on the test split (%); dots: training seeds; red bar: random floor")
    fig.tight_layout()
    fig.savefig(HERE / "ladder.png", dpi=100)


if __name__ == "__main__":
    main()
