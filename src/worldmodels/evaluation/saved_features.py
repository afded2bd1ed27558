"""Per-video feature files written by `worldmodels extract`, read back as (features, labels) for probes."""

from __future__ import annotations

from pathlib import Path

import torch

from worldmodels.data.errors import DatasetNotFoundError


def load_feature_folder(folder: Path, classes: list[str] | None = None) -> tuple[torch.Tensor, torch.Tensor, list[str]]:
    """Every ``*.pt`` file of ``folder`` -> features (N, D) or (N, T, D) as float32, labels (N,) and the class names.

    Labels are indices into ``classes`` (given: the train split's; else the sorted label names found here). A file
    without a label, or with a label outside ``classes``, is an error naming it.
    """
    files = sorted(folder.glob("*.pt"))
    if not files:
        raise DatasetNotFoundError(f"no feature files (*.pt) in {folder}: write them with `worldmodels extract input=... out_dir={folder}`")
    saved = [torch.load(path, weights_only=True) for path in files]
    names = [entry["label"] for entry in saved]
    unlabelled = [str(path) for path, name in zip(files, names, strict=True) if not name]
    if unlabelled:
        raise ValueError(
            f"{len(unlabelled)} feature files have no label (videos outside class folders and no labels CSV), e.g. {unlabelled[0]}"
        )
    classes = classes if classes is not None else sorted(set(names))
    index = {name: i for i, name in enumerate(classes)}
    unknown = sorted({name for name in names if name not in index})
    if unknown:
        raise ValueError(f"{folder} has labels the train features do not: {unknown[:5]}")
    features = torch.stack([entry["features"].float() for entry in saved])
    return features, torch.tensor([index[name] for name in names]), classes
