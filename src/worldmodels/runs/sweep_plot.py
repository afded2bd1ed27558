"""A sweep's metric against its first swept value (mean ± std over seeds), one line per value of the other keys."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from worldmodels.runs.sweep import Setting  # noqa: E402


def _as_number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


PANELS_PER_ROW = 4  # metric panels side by side before a new row


def plot_sweep(keys: list[str], columns: dict[str, list[Setting]], out_png: Path) -> Path:
    """One panel per metric ({label: settings}): error bars of its mean ± std vs ``keys[0]`` (numeric axis when every
    value is a number), one line per value of the other keys; returns ``out_png``."""
    cols = min(PANELS_PER_ROW, len(columns))
    rows = -(-len(columns) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(6 * cols, 4 * rows), squeeze=False)
    for axis in axes.flat[len(columns) :]:
        axis.axis("off")
    for axis, (label, settings) in zip(axes.flat, columns.items(), strict=False):  # spare axes stay off
        _panel(axis, keys, settings, label)
    fig.tight_layout()
    fig.savefig(out_png, dpi=110)
    plt.close(fig)
    return out_png


def _panel(axis: plt.Axes, keys: list[str], settings: list[Setting], metric: str) -> None:
    x_key = keys[0] if keys else None
    x_values = [s.values[x_key] if x_key else "all jobs" for s in settings]
    numbers = [_as_number(v) for v in x_values]
    numeric = x_key is not None and None not in numbers
    categories = list(dict.fromkeys(x_values))
    position = {id(s): (numbers[i] if numeric else categories.index(x_values[i])) for i, s in enumerate(settings)}
    lines: dict[str, list[Setting]] = {}
    for setting in settings:
        lines.setdefault(", ".join(f"{k}={setting.values[k]}" for k in keys[1:]), []).append(setting)
    for label, members in lines.items():
        members = sorted(members, key=lambda s: position[id(s)])
        axis.errorbar(
            [position[id(s)] for s in members],
            [s.mean for s in members],
            yerr=[s.std for s in members],
            marker="o",
            capsize=4,
            label=label or None,
        )
    if not numeric:
        axis.set_xticks(range(len(categories)), categories, rotation=20)
    axis.set_xlabel(x_key or "")
    axis.set_ylabel(f"{metric}\n(mean ± std over seeds)")
    axis.grid(alpha=0.3)
    if len(lines) > 1:
        axis.legend(fontsize=7)
