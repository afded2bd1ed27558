"""SIGReg: push embeddings toward an isotropic standard Gaussian by testing random 1-D projections.

The Epps–Pulley statistic compares a column's empirical characteristic function with the N(0, 1) one on a
fixed grid t_j = j · t_max / (T − 1), j = 0..T−1 (the "library grid"; the negative half is folded in by
symmetry, so interior trapezoid weights are 2Δ and end weights Δ), weighted by exp(−t²/2):

    EP = N_global · Σ_j w_j [(mean_n cos(t_j x_n) − e^{−t_j²/2})² + (mean_n sin(t_j x_n))²]

Under ``torch.distributed`` the empirical characteristic function is averaged over ranks with an
autograd-aware all-reduce, so the loss on every rank equals the single-process loss on the global batch
and DDP-averaged gradients equal the single-process ones. Everything is computed in float32 with autocast off.
The j = 0 term vanishes exactly (cos 0 = e^0 = 1, sin 0 = 0) and is skipped; the others come from
``empirical_cf``, which never materialises the (N, K, T) angles (see ``worldmodels.regularizers.ecf``).
"""

from __future__ import annotations

import torch
import torch.distributed as dist
import torch.distributed.nn.functional as dist_fn
from torch import nn

from worldmodels.regularizers.ecf import CHUNK_ELEMENTS, empirical_cf


def _world_size() -> int:
    return dist.get_world_size() if dist.is_available() and dist.is_initialized() else 1


class EppsPulley(nn.Module):
    """Epps–Pulley normality test against N(0, 1): samples (N, K) -> one statistic per column (K,).

    ``chunk_elements`` bounds the working memory: at most that many T · N complex numbers are held at once.
    """

    def __init__(self, t_max: float = 3.0, num_points: int = 17, chunk_elements: int = CHUNK_ELEMENTS) -> None:
        super().__init__()
        if num_points < 3 or num_points % 2 == 0:
            raise ValueError(f"num_points must be odd and >= 3, got {num_points}")
        nodes = torch.linspace(0.0, t_max, num_points, dtype=torch.float64)
        step = t_max / (num_points - 1)
        self.spacing, self.chunk_elements = step, chunk_elements
        trapezoid = torch.full((num_points,), 2 * step, dtype=torch.float64)
        trapezoid[0] = trapezoid[-1] = step
        gaussian_cf = torch.exp(-nodes.square() / 2)
        self.register_buffer("gaussian_cf", gaussian_cf, persistent=False)  # float64; cast to the compute dtype per call
        self.register_buffer("weights", trapezoid * gaussian_cf, persistent=False)

    def forward(self, samples: torch.Tensor) -> torch.Tensor:
        """(N, K) -> (K,) statistics; float64 input stays float64, anything else is computed in float32."""
        dtype = torch.float64 if samples.dtype == torch.float64 else torch.float32
        with torch.autocast(device_type=samples.device.type, enabled=False):
            samples = samples.to(dtype)
            target, weights = (b[1:].to(dtype) for b in (self.gaussian_cf, self.weights))
            cos_mean, sin_mean = empirical_cf(samples, self.spacing, len(weights), self.chunk_elements)  # (K, T − 1)
            world = _world_size()
            if world > 1:
                cos_mean = dist_fn.all_reduce(cos_mean, op=dist.ReduceOp.SUM) / world
                sin_mean = dist_fn.all_reduce(sin_mean, op=dist.ReduceOp.SUM) / world
            error = (cos_mean - target).square() + sin_mean.square()
            return samples.shape[0] * world * (error @ weights)


def random_directions(dim: int, num_slices: int, seed: int, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """Unit-norm Gaussian directions (dim, num_slices) drawn on the CPU from a generator seeded with ``seed``."""
    generator = torch.Generator(device="cpu").manual_seed(seed)
    directions = torch.randn(dim, num_slices, generator=generator, dtype=torch.float64)
    return (directions / directions.norm(dim=0, keepdim=True)).to(dtype)


class SlicingUnivariateTest(nn.Module):
    """Apply a univariate test to ``num_slices`` random 1-D projections and average.

    Input (N, D) or (V, N, D) (the same directions for every view); output a scalar. Directions are drawn
    from a CPU generator seeded with ``seed + step``, so every rank draws the same ones. Pass ``step`` (the
    optimisation step) explicitly; without it an internal counter is used and advanced after each call in
    training mode.
    """

    def __init__(self, univariate_test: nn.Module, num_slices: int = 1024, seed: int = 0) -> None:
        super().__init__()
        self.univariate_test = univariate_test
        self.num_slices = num_slices
        self.seed = seed
        self.register_buffer("step", torch.zeros((), dtype=torch.long))

    def forward(self, embeddings: torch.Tensor, step: int | None = None, directions: torch.Tensor | None = None) -> torch.Tensor:
        """(N, D) or (V, N, D) -> scalar mean statistic over views and slices."""
        if embeddings.dim() not in (2, 3):
            raise ValueError(f"expected embeddings of shape (N, D) or (V, N, D), got {tuple(embeddings.shape)}")
        views = embeddings if embeddings.dim() == 3 else embeddings.unsqueeze(0)
        dtype = torch.float64 if views.dtype == torch.float64 else torch.float32
        if directions is None:
            current = int(self.step) if step is None else step
            directions = random_directions(views.shape[-1], self.num_slices, self.seed + current, dtype)
            if step is None and self.training:
                self.step += 1
        directions = directions.to(device=views.device, dtype=dtype)
        with torch.autocast(device_type=views.device.type, enabled=False):
            projections = views.to(dtype) @ directions  # (V, N, M)
            statistics = torch.stack([self.univariate_test(view) for view in projections])  # (V, M)
        return statistics.mean()


class SIGReg(SlicingUnivariateTest):
    """Sketched Isotropic Gaussian Regularization: Epps–Pulley on random slices; (N, D) or (V, N, D) -> scalar."""

    def __init__(self, num_slices: int = 1024, t_max: float = 3.0, num_points: int = 17, seed: int = 0) -> None:
        super().__init__(EppsPulley(t_max=t_max, num_points=num_points), num_slices=num_slices, seed=seed)
