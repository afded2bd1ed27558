"""The chunked empirical characteristic function equals the direct cos/sin formula, in value and gradient."""

from __future__ import annotations

import pytest
import torch

from worldmodels.regularizers import EppsPulley
from worldmodels.regularizers.ecf import empirical_cf


def direct_cf(samples: torch.Tensor, spacing: float, count: int) -> tuple[torch.Tensor, torch.Tensor]:
    """(N, K) -> (K, count) mean cos and sin at t_j = j · spacing, straight from the definition."""
    angles = samples.unsqueeze(-1) * (spacing * torch.arange(1, count + 1, dtype=samples.dtype))  # (N, K, J)
    return angles.cos().mean(0), angles.sin().mean(0)


@pytest.mark.parametrize("count", [1, 5, 16])
@pytest.mark.parametrize("chunk_elements", [1, 200, 1 << 21])
def test_values_and_gradients_match_direct_formula(count: int, chunk_elements: int) -> None:
    torch.manual_seed(0)
    x = (torch.randn(37, 6, dtype=torch.float64) * 2).requires_grad_()
    upstream = torch.randn(2, 6, count, dtype=torch.float64)
    cos_mean, sin_mean = empirical_cf(x, 0.1875, count, chunk_elements)
    ((cos_mean * upstream[0]).sum() + (sin_mean * upstream[1]).sum()).backward()
    grad, x.grad = x.grad, None
    expected_cos, expected_sin = direct_cf(x, 0.1875, count)
    ((expected_cos * upstream[0]).sum() + (expected_sin * upstream[1]).sum()).backward()
    torch.testing.assert_close(cos_mean, expected_cos, rtol=0, atol=1e-12)
    torch.testing.assert_close(sin_mean, expected_sin, rtol=0, atol=1e-12)
    torch.testing.assert_close(grad, x.grad, rtol=0, atol=1e-12)


def test_gradcheck_float64() -> None:
    x = torch.randn(9, 3, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda s: empirical_cf(s, 0.3, 4, 20), (x,))


def test_float32_close_to_float64_and_chunking_invariant() -> None:
    torch.manual_seed(1)
    x = torch.randn(2048, 64)
    reference = EppsPulley()(x.double())
    for chunk_elements in (1, 4096, 1 << 21):
        value = EppsPulley(chunk_elements=chunk_elements)(x)
        assert value.dtype == torch.float32
        torch.testing.assert_close(value.double(), reference, rtol=1e-5, atol=1e-6)


def test_non_contiguous_input_and_unused_output() -> None:
    x = torch.randn(8, 40, dtype=torch.float64)[:, ::2].requires_grad_()
    cos_mean, _ = empirical_cf(x, 0.5, 3)
    cos_mean.sum().backward()
    expected = -(x.detach().unsqueeze(-1) * (0.5 * torch.arange(1, 4))).sin().mul(0.5 * torch.arange(1, 4)).sum(-1) / 8
    torch.testing.assert_close(x.grad, expected)
