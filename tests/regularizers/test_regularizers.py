"""VICReg, EMA teacher, none and the SIGReg regularizer's λ convention; collapse diagnostics."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from worldmodels.regularizers import EMATeacher, NoRegularizer, SIGRegRegularizer, VICRegRegularizer, embedding_std, rankme


def test_sigreg_regularizer_weights_follow_lejepa_convention() -> None:
    reg = SIGRegRegularizer(lambd=0.2, num_slices=16)
    z = torch.randn(2, 64, 8)
    out = reg(z, step=0)
    assert reg.pred_weight == pytest.approx(0.8)
    assert out["loss"].item() == pytest.approx(0.2 * out["sigreg"].item())
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        SIGRegRegularizer(lambd=1.5)


def test_vicreg_terms_on_known_embeddings() -> None:
    reg = VICRegRegularizer(var_weight=2.0, cov_weight=3.0)
    collapsed = reg(torch.zeros(2, 16, 4), step=0)
    assert collapsed["variance"].item() == pytest.approx(1 - 1e-2, abs=1e-6)  # relu(1 - sqrt(0 + 1e-4))
    assert collapsed["covariance"].item() == 0.0
    torch.manual_seed(0)
    white = torch.randn(1, 20000, 4) * 2.0
    healthy = reg(white, step=0)
    assert healthy["variance"].item() == 0.0
    assert healthy["covariance"].item() < 0.05
    correlated = white.clone()
    correlated[..., 1] = correlated[..., 0]
    assert reg(correlated, step=0)["covariance"].item() == pytest.approx(2 * 4.0**2 / 4, rel=0.05)
    assert reg.pred_weight == 25.0


def test_ema_teacher_follows_momentum_schedule_and_update() -> None:
    student = nn.Linear(3, 2)
    teacher_reg = EMATeacher(momentum_start=0.9, momentum_end=1.0, schedule="linear")
    teacher_reg.setup(student)
    before = teacher_reg.teacher.weight.clone()
    with torch.no_grad():
        student.weight.add_(1.0)
    teacher_reg.on_optimizer_step(step=0, total_steps=10)
    torch.testing.assert_close(teacher_reg.teacher.weight, before + 0.1)
    assert teacher_reg.momentum_at(5, 10) == pytest.approx(0.95)
    assert EMATeacher(0.9, 1.0, "cosine").momentum_at(5, 10) == pytest.approx(0.95)
    assert EMATeacher(0.9, 1.0, "cosine").momentum_at(2, 10) < 0.92
    assert not any(p.requires_grad for p in teacher_reg.teacher.parameters())
    assert all(name.startswith("teacher.") for name, _ in teacher_reg.named_parameters())


def test_ema_targets_carry_no_gradient() -> None:
    student = nn.Sequential(nn.Flatten(), nn.Linear(4, 2))
    reg = EMATeacher()
    reg.setup(student)
    views = torch.randn(2, 5, 1, 2, 2, requires_grad=True)
    targets = reg.targets(views, torch.zeros(2, 5, 2))
    assert targets.shape == (5, 2)
    assert not targets.requires_grad
    with pytest.raises(ValueError, match="cosine"):
        EMATeacher(schedule="step")


def test_none_adds_nothing() -> None:
    out = NoRegularizer()(torch.randn(2, 8, 4), step=0)
    assert out == {"loss": torch.tensor(0.0)}


def test_default_targets_are_the_global_mean_with_gradient() -> None:
    z = torch.randn(2, 6, 3, requires_grad=True)
    targets = NoRegularizer().targets(torch.zeros(2, 6, 1, 4, 4), z)
    torch.testing.assert_close(targets, z.mean(0))
    assert targets.requires_grad


def test_rankme_and_std_detect_collapse() -> None:
    torch.manual_seed(0)
    healthy = torch.randn(512, 16)
    assert rankme(healthy).item() > 14.0
    collapsed = torch.randn(512, 1) @ torch.randn(1, 16)
    assert rankme(collapsed).item() < 1.1
    assert embedding_std(torch.ones(10, 4)).item() == 0.0
    assert embedding_std(healthy).item() == pytest.approx(1.0, abs=0.05)
