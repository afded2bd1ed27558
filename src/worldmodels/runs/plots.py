"""Training curves from the CSV logger's metrics.csv, as one PNG a user without W&B can open."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

PANELS = (
    ("train/loss", "total loss"),
    ("train/reg_loss", "regularizer term"),
    ("collapse/rankme", "RankMe of embeddings"),
    ("probe/acc", "online probe accuracy"),
)


def read_metrics(path: Path) -> dict[str, tuple[list[int], list[float]]]:
    """metrics.csv -> {metric: (steps, values)} for every non-empty cell."""
    series: dict[str, tuple[list[int], list[float]]] = {}
    with open(path, newline="") as handle:
        for row in csv.DictReader(handle):
            step = int(float(row.get("step") or 0))
            for key, value in row.items():
                if key in ("step", "epoch") or value in ("", None):
                    continue
                steps, values = series.setdefault(key, ([], []))
                steps.append(step)
                values.append(float(value))
    return series


def plot_training_curves(metrics_csv: Path, out_png: Path) -> Path | None:
    """Plot loss, regularizer, RankMe and online probe accuracy (validation accuracy overlaid); None if no CSV."""
    if not metrics_csv.is_file():
        return None
    series = read_metrics(metrics_csv)
    fig, axes = plt.subplots(1, len(PANELS), figsize=(4 * len(PANELS), 3.2))
    for axis, (key, title) in zip(axes, PANELS, strict=True):
        if key in series:
            steps, values = series[key]
            axis.plot(steps, [v if math.isfinite(v) else float("nan") for v in values], label=key, lw=1)
        if key == "probe/acc" and "val/probe_acc" in series:
            axis.plot(*series["val/probe_acc"], "o-", label="val/probe_acc")
            axis.legend(fontsize=7)
        axis.set_title(title, fontsize=9)
        axis.set_xlabel("step")
        axis.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(out_png, dpi=110)
    plt.close(fig)
    return out_png
