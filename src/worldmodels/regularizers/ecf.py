"""The empirical characteristic function on an evenly spaced grid, chunked and recomputed in backward.

For samples x (N, K) and nodes t_j = j · Δ, j = 1..J, it returns

    c[k, j] = mean_n cos(t_j x[n, k]),    s[k, j] = mean_n sin(t_j x[n, k])    (K, J) each.

Because the nodes are multiples of Δ, exp(i t_j x) = z^j with z = exp(iΔx): one cos/sin pair per sample and
column, and the J powers by repeated squaring (z^(k+i) = z^k · z^i for a whole block of i at once: ⌈log2 J⌉
multiplication kernels per chunk, each power at most ⌈log2 J⌉ + 1 roundings deep) instead of J cos/sin pairs.
Columns are processed in chunks of at most ``chunk_elements`` J · N entries and at most half the columns, so no
(N, K, J) tensor is ever materialised; z is kept for backward, where the powers are recomputed chunk by chunk
and the gradient

    ∂L/∂x[n, k] = Σ_j t_j (cos(t_j x) · ∂L/∂s[k, j] − sin(t_j x) · ∂L/∂c[k, j]) / N  =  Im(Σ_j z^j · g[k, j])

is one batched complex matrix-vector product per chunk, with g = t (−∂L/∂c + i ∂L/∂s) / N.
"""

from __future__ import annotations

from typing import Any

import torch
from torch.autograd.function import once_differentiable

CHUNK_ELEMENTS = 1 << 24
"""Default bound on the powers held at once (J · columns · N complex numbers: 128 MiB in complex64). On an idle
2-core CPU 2^21 to 2^24 run equally fast; larger chunks mean fewer kernels and so fewer thread synchronisations,
which is what costs most when other processes share the cores (experiments/benchmarks/README.md)."""


def _powers(base: torch.Tensor, count: int, out: torch.Tensor) -> torch.Tensor:
    """base z (b, N) complex -> out[j − 1] = z^j for j = 1..count, out (count, b, N), by repeated squaring."""
    out[0] = base
    filled = 1
    while filled < count:
        step = min(filled, count - filled)
        torch.mul(out[:step], out[filled - 1], out=out[filled : filled + step])  # z^(i+1) · z^filled = z^(filled+i+1)
        filled += step
    return out


def _chunks(columns: int, samples: int, count: int, chunk_elements: int) -> range:
    """Chunk starts over the columns: at most ``chunk_elements`` powers and at most half the columns at a time, so the
    powers held never exceed J · K · N / 2 complex numbers (the size of the (N, K, J) angles in floats)."""
    width = max(1, min(chunk_elements // max(1, count * samples), -(-columns // 2)))
    return range(0, columns, width)


class EmpiricalCharacteristicFunction(torch.autograd.Function):
    """x (N, K) real -> (cos means, sin means) (K, J) at t_j = j · Δ; see the module docstring."""

    @staticmethod
    def forward(ctx: Any, samples: torch.Tensor, spacing: float, count: int, chunk_elements: int) -> tuple[torch.Tensor, torch.Tensor]:
        num_samples, columns = samples.shape
        angles = samples.t().contiguous() * spacing  # (K, N)
        base = torch.polar(torch.ones_like(angles), angles)  # z = exp(iΔx) (K, N)
        means = torch.empty(count, columns, dtype=base.dtype, device=base.device)  # (J, K)
        starts = _chunks(columns, num_samples, count, chunk_elements)
        buffer = torch.empty(count, min(starts.step, columns), num_samples, dtype=base.dtype, device=base.device)
        for start in starts:
            stop = min(start + starts.step, columns)
            powers = _powers(base[start:stop], count, buffer[:, : stop - start])  # (J, b, N)
            torch.mean(powers, dim=-1, out=means[:, start:stop])
        ctx.save_for_backward(base)
        ctx.spacing, ctx.count, ctx.chunk_elements = spacing, count, chunk_elements
        return means.real.t().contiguous(), means.imag.t().contiguous()

    @staticmethod
    @once_differentiable
    def backward(ctx: Any, grad_cos: torch.Tensor, grad_sin: torch.Tensor) -> tuple[torch.Tensor, None, None, None]:
        (base,) = ctx.saved_tensors  # (K, N)
        columns, num_samples = base.shape
        nodes = ctx.spacing * torch.arange(1, ctx.count + 1, dtype=grad_cos.dtype, device=grad_cos.device)  # (J,)
        weights = torch.complex(-grad_cos * nodes, grad_sin * nodes) / num_samples  # g (K, J)
        projected = torch.empty(columns, 1, num_samples, dtype=base.dtype, device=base.device)  # Σ_j z^j g_j (K, 1, N)
        starts = _chunks(columns, num_samples, ctx.count, ctx.chunk_elements)
        buffer = torch.empty(ctx.count, min(starts.step, columns), num_samples, dtype=base.dtype, device=base.device)
        for start in starts:
            stop = min(start + starts.step, columns)
            powers = _powers(base[start:stop], ctx.count, buffer[:, : stop - start])  # (J, b, N)
            torch.bmm(weights[start:stop, None, :], powers.transpose(0, 1), out=projected[start:stop])
        return projected[:, 0].imag.t(), None, None, None


def empirical_cf(
    samples: torch.Tensor, spacing: float, count: int, chunk_elements: int = CHUNK_ELEMENTS
) -> tuple[torch.Tensor, torch.Tensor]:
    """Samples (N, K) float32/float64 -> (mean cos, mean sin) (K, count) at t_j = j · spacing, j = 1..count."""
    return EmpiricalCharacteristicFunction.apply(samples, spacing, count, chunk_elements)
