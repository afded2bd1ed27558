"""SIGReg against the golden values and identities of shared/reference/sigreg.md."""

from __future__ import annotations

import math

import pytest
import torch
from scipy.stats import norm

from worldmodels.regularizers import EppsPulley, SIGReg, SlicingUnivariateTest, random_directions

GOLDEN_WEIGHTS = [
    0.1875,
    0.36846581,
    0.34953845,
    0.32012865,
    0.28306484,
    0.24164578,
    0.19916099,
    0.15847516,
    0.12174468,
    0.09029642,
    0.06465811,
    0.04469997,
    0.02983482,
    0.01922522,
    0.01196055,
    0.00718394,
    0.00208294,
]
GOLDEN_SLICES = [0.7777304249, 0.8221912694, 0.2364387709, 0.0125146396, 0.0713974845, 0.3076716374, 0.1595613684, 2.0077299009]


def golden_data(dtype: torch.dtype = torch.float64) -> tuple[torch.Tensor, torch.Tensor]:
    """X (128, 16) from normal quantiles and unit-column directions A (16, 8), as the reference defines them."""
    n, d = torch.meshgrid(torch.arange(128), torch.arange(16), indexing="ij")
    u = (((n * (2 * d + 1) + 7 * d + 3) % 128).double() + 0.5) / 128
    x = torch.from_numpy(norm.ppf(u.numpy()))
    dd, mm = torch.meshgrid(torch.arange(16).double(), torch.arange(8).double(), indexing="ij")
    a = torch.cos(0.37 * (dd + 1) * (mm + 1) + 0.11 * (dd - mm))
    return x.to(dtype), (a / a.norm(dim=0, keepdim=True)).to(dtype)


def test_golden_inputs_match_reference() -> None:
    x, a = golden_data()
    assert x[0, :4].tolist() == pytest.approx([-1.921350774, -1.391537488, -1.095180653, -0.872725895], abs=1e-8)
    assert a[0, :3].tolist() == pytest.approx([0.33153137, 0.28439479, 0.22101057], abs=1e-7)


def test_weights_match_reference() -> None:
    assert EppsPulley().weights.tolist() == pytest.approx(GOLDEN_WEIGHTS, abs=1e-7)


def test_golden_slices_float64() -> None:
    x, a = golden_data()
    statistics = EppsPulley()(x @ a)
    torch.testing.assert_close(statistics, torch.tensor(GOLDEN_SLICES, dtype=torch.float64), rtol=1e-6, atol=0)
    assert statistics.dtype == torch.float64


def test_golden_mean_through_sigreg_float64_and_float32() -> None:
    x, a = golden_data()
    value64 = SIGReg(num_slices=8)(x, directions=a)
    assert value64.item() == pytest.approx(0.549404436998862, rel=1e-6)
    x32, a32 = golden_data(torch.float32)
    value32 = SIGReg(num_slices=8)(x32, directions=a32)
    assert value32.dtype == torch.float32
    assert value32.item() == pytest.approx(0.5494043827, rel=1e-5)


def test_expected_value_for_standard_normal_is_1_05246() -> None:
    torch.manual_seed(0)
    nodes = torch.linspace(0, 3, 17, dtype=torch.float64)
    expected = (EppsPulley().weights.double() * (1 - torch.exp(-nodes.square()))).sum().item()
    assert expected == pytest.approx(1.05246, abs=1e-5)
    samples = torch.randn(256, 4000, dtype=torch.float64)
    assert EppsPulley()(samples).mean().item() == pytest.approx(expected, rel=0.03)


@pytest.mark.parametrize("n", [1, 64, 1000])
def test_collapsed_data_gives_0_402048_n(n: int) -> None:
    statistic = EppsPulley()(torch.zeros(n, 3, dtype=torch.float64))
    torch.testing.assert_close(statistic, torch.full((3,), 0.402048 * n, dtype=torch.float64), rtol=2e-6, atol=0)  # 6 printed digits


def test_gradient_bounded_by_7_886() -> None:
    torch.manual_seed(1)
    for n, scale in [(8, 0.3), (128, 1.0), (1024, 2.0), (4096, 0.05)]:
        x = (torch.randn(n, 2, dtype=torch.float64) * scale).requires_grad_()
        EppsPulley()(x).sum().backward()
        assert x.grad.abs().max().item() <= 7.886


def test_views_share_directions_and_average() -> None:
    torch.manual_seed(2)
    views = torch.randn(3, 64, 32)
    sigreg = SIGReg(num_slices=16)
    directions = random_directions(32, 16, seed=5)
    per_view = torch.stack([sigreg(v, directions=directions) for v in views])
    torch.testing.assert_close(sigreg(views, step=5), per_view.mean())


def test_directions_are_seeded_by_step_and_unit_norm() -> None:
    first, again, other = random_directions(64, 128, 7), random_directions(64, 128, 7), random_directions(64, 128, 8)
    torch.testing.assert_close(first, again)
    assert not torch.allclose(first, other)
    torch.testing.assert_close(first.norm(dim=0), torch.ones(128))


def test_internal_counter_advances_only_in_training() -> None:
    sigreg = SIGReg(num_slices=8)
    x = torch.randn(32, 4)
    sigreg.eval()
    sigreg(x)
    assert int(sigreg.step) == 0
    sigreg.train()
    sigreg(x)
    sigreg(x)
    assert int(sigreg.step) == 2
    assert sigreg(x, step=11) == sigreg(x, step=11)
    assert int(sigreg.step) == 2


def test_float32_under_bf16_autocast() -> None:
    x = torch.randn(64, 16)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        value = SIGReg(num_slices=32)(x.bfloat16(), step=0)
    assert value.dtype == torch.float32
    assert value.item() == pytest.approx(SIGReg(num_slices=32)(x.bfloat16().float(), step=0).item(), rel=1e-6)


def test_slicing_wrapper_accepts_any_univariate_test() -> None:
    class MeanSquare(torch.nn.Module):
        def forward(self, samples: torch.Tensor) -> torch.Tensor:
            return samples.square().mean(0)

    x = torch.randn(100, 8, dtype=torch.float64)
    directions = random_directions(8, 4, seed=0, dtype=torch.float64)
    value = SlicingUnivariateTest(MeanSquare(), num_slices=4)(x, directions=directions)
    assert value.item() == pytest.approx((x @ directions).square().mean().item())


def test_bad_shapes_and_grids_are_rejected() -> None:
    with pytest.raises(ValueError, match="odd"):
        EppsPulley(num_points=16)
    with pytest.raises(ValueError, match=r"\(N, D\) or \(V, N, D\)"):
        SIGReg()(torch.zeros(2, 3, 4, 5))
    assert math.isfinite(SIGReg(num_slices=4)(torch.randn(10, 3), step=0).item())
