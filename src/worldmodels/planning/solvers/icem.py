"""iCEM (Pinneri et al. 2020): CEM with coloured noise, kept elites and a decaying population."""

from __future__ import annotations

from collections.abc import Sequence

import torch

from worldmodels.planning.solvers.base import CostFn, gather_samples
from worldmodels.planning.solvers.cem import CEMSolver


def coloured_noise(beta: float, shape: tuple[int, ...], generator: torch.Generator) -> torch.Tensor:
    """Unit-variance Gaussian noise (..., H, A) with power spectrum ∝ 1 / f^beta along H (beta = 0: white)."""
    *lead, horizon, action_dim = shape
    freqs = torch.fft.rfftfreq(horizon)
    freqs[0] = freqs[1] if horizon > 1 else 1.0
    scale = freqs ** (-beta / 2)
    spectrum = torch.complex(
        torch.randn(*lead, action_dim, len(freqs), generator=generator), torch.randn(*lead, action_dim, len(freqs), generator=generator)
    )
    signal = torch.fft.irfft(spectrum * scale, n=horizon)
    signal = signal / signal.std().clamp_min(1e-6)  # one normalisation for all the samples: keeps each one's low frequencies
    return signal.transpose(-1, -2)


class ICEMSolver(CEMSolver):
    """iCEM: coloured-noise samples (``beta``), a fraction ``keep_elites`` of elites carried to the next
    iteration (and, shifted, to the next re-plan), population ``samples`` · ``decay``^i, the mean always tried. Each
    episode's noise comes from its own generator and is normalised over its own samples."""

    def __init__(
        self,
        horizon: int = 10,
        samples: int = 128,
        iterations: int = 4,
        elites: int = 12,
        init_std: float = 0.5,
        min_std: float = 0.02,
        beta: float = 2.0,
        decay: float = 1.25,
        keep_elites: float = 0.3,
        **bounds,
    ) -> None:
        super().__init__(horizon, samples, iterations, elites, init_std, min_std, **bounds)
        self.beta, self.decay, self.keep_elites = beta, decay, keep_elites
        self.kept: torch.Tensor | None = None

    def reset(self) -> None:
        """Forget elites kept from the previous re-plan (call at the start of an episode batch)."""
        self.kept = None

    @torch.no_grad()
    def solve(self, cost_fn: CostFn, init: torch.Tensor, generators: Sequence[torch.Generator]) -> torch.Tensor:
        batch = init.shape[0]
        mean = init.clone()
        std = torch.ones_like(mean) * self.init_std * self.action_range
        kept = None
        if self.kept is not None and self.kept.shape[0] == batch:
            kept = torch.cat([self.kept[:, :, 1:], self.kept[:, :, -1:]], dim=2)  # shift the kept elites one step
        best, best_cost = mean, torch.full((batch,), float("inf"))
        for i in range(self.iterations):
            population = max(2 * self.elites, int(self.samples * self.decay ** (-i)))
            noise = torch.stack([coloured_noise(self.beta, (population, *mean.shape[1:]), generator) for generator in generators])
            candidates = [self.clip(mean[:, None] + std[:, None] * noise), mean[:, None]]
            if kept is not None:
                candidates.append(kept)
            candidates = torch.cat(candidates, dim=1)
            costs = cost_fn(candidates)
            order = costs.topk(self.elites, dim=1, largest=False)
            elite = gather_samples(candidates, order.indices)
            improved = order.values[:, 0] < best_cost
            best = torch.where(improved[:, None, None], elite[:, 0], best)
            best_cost = torch.minimum(best_cost, order.values[:, 0])
            mean, std = self.fit_elites(elite)
            kept = elite[:, : max(1, int(self.keep_elites * self.elites))]
        self.kept = kept
        return best
