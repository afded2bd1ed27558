"""Violation-of-expectation metrics over (possible, impossible) pairs of surprise curves."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
from sklearn.metrics import roc_auc_score

REDUCTIONS = {"mean": lambda curves: curves.mean(dim=1), "max": lambda curves: curves.amax(dim=1)}


def relative_accuracy(possible: torch.Tensor, impossible: torch.Tensor) -> float:
    """Fraction of pairs whose impossible member is the more surprising, from scores (P,) and (P,); ties count half."""
    return float(((impossible > possible).float() + 0.5 * (impossible == possible).float()).mean())


def auroc(possible: torch.Tensor, impossible: torch.Tensor) -> float:
    """Area under the ROC curve of telling impossible clips from possible ones by their score (P,) each; 0.5 is chance."""
    scores = torch.cat([possible, impossible]).double().numpy()
    labels = [0] * len(possible) + [1] * len(impossible)
    return float(roc_auc_score(labels, scores))


def surprise_report(possible: torch.Tensor, impossible: torch.Tensor, events: torch.Tensor, event_names: Sequence[str]) -> dict[str, Any]:
    """Relative accuracy and AUROC of surprise curves (P, W) of both members, reduced over time by mean and by max.

    ``events`` (P,) indexes ``event_names``. Returns {"mean": {...}, "max": {...}}, each with "relative_accuracy",
    "auroc" and "by_event" {name: {"relative_accuracy", "auroc", "pairs"}}.
    """
    report: dict[str, Any] = {}
    for name, reduce in REDUCTIONS.items():
        pos, imp = reduce(possible), reduce(impossible)
        by_event = {}
        for index, event in enumerate(event_names):
            chosen = events == index
            if chosen.any():
                by_event[event] = {
                    "relative_accuracy": relative_accuracy(pos[chosen], imp[chosen]),
                    "auroc": auroc(pos[chosen], imp[chosen]),
                    "pairs": int(chosen.sum()),
                }
        report[name] = {"relative_accuracy": relative_accuracy(pos, imp), "auroc": auroc(pos, imp), "by_event": by_event}
    return report
