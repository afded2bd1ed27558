"""The multi-head grid probe: one head and one optimizer parameter group per (lr, weight decay), best reported."""

from __future__ import annotations

from functools import partial

import pytest
import torch

from worldmodels.modules import ProbeTrainer
from worldmodels.probes import LinearProbe


def separable(count: int, seed: int, num_classes: int = 10, dim: int = 32) -> tuple[torch.Tensor, torch.Tensor]:
    """Features (count, dim): class means far apart, small noise; labels (count,)."""
    generator = torch.Generator().manual_seed(seed)
    means = 3.0 * torch.randn(num_classes, dim, generator=torch.Generator().manual_seed(0))
    labels = torch.randint(0, num_classes, (count,), generator=generator)
    return means[labels] + 0.5 * torch.randn(count, dim, generator=generator), labels


def grid_probe(lr: list[float], weight_decay: list[float]) -> ProbeTrainer:
    return ProbeTrainer(partial(LinearProbe), 32, 10, lr=lr, weight_decay=weight_decay, epochs=5, batch_size=64, warmup_steps=5)


def test_grid_reports_one_accuracy_per_pair_and_the_best_is_the_max() -> None:
    report = grid_probe([1e-7, 3e-2], [0.0, 1e-2, 0.1]).fit_and_score(separable(512, 1), separable(256, 2))
    pairs = [(entry["lr"], entry["weight_decay"]) for entry in report["grid"]]
    assert pairs == [(1e-7, 0.0), (1e-7, 1e-2), (1e-7, 0.1), (3e-2, 0.0), (3e-2, 1e-2), (3e-2, 0.1)]
    accuracies = [entry["accuracy"] for entry in report["grid"]]
    assert report["accuracy"] == max(accuracies)
    assert report["best"]["lr"] == 3e-2 and report["accuracy"] > 0.95
    assert max(accuracies[:3]) < 0.6  # the heads at lr 1e-7 barely move: each head trains at its own rate


def test_each_head_has_its_own_parameter_groups() -> None:
    probe = grid_probe([1e-3, 1e-2], [0.0, 0.5])
    assert len(probe.heads) == 4
    groups = probe.param_groups()
    for head, (lr, decay) in zip(probe.heads, probe.grid, strict=True):
        weight, bias = head.linear.weight, head.linear.bias
        (weight_group,) = [g for g in groups if any(p is weight for p in g["params"])]
        (bias_group,) = [g for g in groups if any(p is bias for p in g["params"])]
        assert (weight_group["lr"], weight_group["weight_decay"]) == (lr, decay)
        assert (bias_group["lr"], bias_group["weight_decay"]) == (lr, 0.0)
    assert sum(len(g["params"]) for g in groups) == len(list(probe.parameters()))


def test_a_scalar_lr_and_weight_decay_make_the_single_probe() -> None:
    probe = ProbeTrainer(partial(LinearProbe), 32, 10, lr=1e-2, weight_decay=1e-4, epochs=2, batch_size=64)
    report = probe.fit_and_score(separable(128, 1), separable(64, 2))
    assert len(probe.heads) == 1 and len(report["grid"]) == 1 and report["best"] == {"lr": 1e-2, "weight_decay": 1e-4}


def test_unknown_feature_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="pooled"):
        ProbeTrainer(partial(LinearProbe), 8, 2, features="patches")
