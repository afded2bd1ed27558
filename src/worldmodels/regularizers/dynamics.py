"""Anti-collapse terms for action-conditioned world models: a per-frame regularizer plus temporal terms."""

from __future__ import annotations

import torch
from torch import nn

from worldmodels.regularizers.base import Regularizer


class DynamicsRegularizer(nn.Module):
    """loss = frame(z_t for every t) + temporal_weight · smoothness + inverse_dynamics_weight · mean (g(z_t, z_{t+1}) − a_t)².

    ``frame`` is any per-view regularizer (SIGReg, VICReg variance/covariance) applied with time steps as
    views, or, with ``within_trajectory``, to the deviations z_t − mean_t z_t of all B·T frames as one view:
    then what is constant along a trajectory (the room layout) cannot satisfy the variance terms, and the
    latent must spread the moving state; with the smoothness term this yields slow features, whose
    distances follow the walls (Laplacian-eigenmap-like). Smoothness is the per-dimension mean of (z_{t+1} − z_t)²
    (EB-JEPA's temporal term); the inverse-dynamics MLP g
    predicts the action between consecutive latents so actions stay decodable. With ``frame_dims`` = k the frame
    regularizer sees only the first k latent dimensions; the others are shaped by prediction alone, which leaves
    them free to carry what is constant along a trajectory (where the walls and the door are) when the dynamics need
    it. With ``static_across_trajectories`` those other dimensions get the frame regularizer too, per time step across
    the batch: they must then differ between trajectories, and as the temporal term makes moving them costly they hold
    what is constant along a trajectory but differs between trajectories (a content / motion split of the latent).
    Latents (B, T, D), actions (B, T − 1, A).
    """

    def __init__(
        self,
        frame: Regularizer,
        latent_dim: int,
        action_dim: int,
        temporal_weight: float = 0.0,
        inverse_dynamics_weight: float = 0.0,
        hidden_dim: int = 128,
        within_trajectory: bool = False,
        frame_dims: int | None = None,
        static_across_trajectories: bool = False,
    ) -> None:
        super().__init__()
        if frame_dims is not None and not 0 < frame_dims <= latent_dim:
            raise ValueError(f"frame_dims={frame_dims} must be in [1, latent_dim={latent_dim}] (or null: all dimensions)")
        if static_across_trajectories and (frame_dims is None or frame_dims == latent_dim):
            raise ValueError(
                f"static_across_trajectories=true regularizes the dims after frame_dims; set frame_dims below latent_dim={latent_dim}"
            )
        self.frame, self.frame_dims, self.static_across_trajectories = frame, frame_dims, static_across_trajectories
        self.within_trajectory = within_trajectory
        self.temporal_weight, self.inverse_dynamics_weight = temporal_weight, inverse_dynamics_weight
        self.inverse_dynamics = (
            nn.Sequential(nn.Linear(2 * latent_dim, hidden_dim), nn.GELU(), nn.Linear(hidden_dim, action_dim))
            if inverse_dynamics_weight
            else None
        )

    def forward(self, latents: torch.Tensor, actions: torch.Tensor, step: int) -> dict[str, torch.Tensor]:
        framed = latents[..., : self.frame_dims]
        if self.within_trajectory:
            out = self.frame((framed - framed.mean(dim=1, keepdim=True)).flatten(0, 1)[None], step=step)
        else:
            out = self.frame(framed.transpose(0, 1), step=step)
        loss = out["loss"]
        terms = {f"frame_{k}": v for k, v in out.items() if k != "loss"}
        if self.static_across_trajectories:
            static = self.frame(latents[..., self.frame_dims :].transpose(0, 1), step=step)
            loss = loss + static["loss"]
            terms |= {f"static_{k}": v for k, v in static.items() if k != "loss"}
        if self.temporal_weight:
            smoothness = (latents[:, 1:] - latents[:, :-1]).square().mean()
            loss = loss + self.temporal_weight * smoothness
            terms["temporal"] = smoothness.detach()
        if self.inverse_dynamics is not None:
            pairs = torch.cat([latents[:, :-1], latents[:, 1:]], dim=-1)
            inverse = (self.inverse_dynamics(pairs) - actions).square().mean()
            loss = loss + self.inverse_dynamics_weight * inverse
            terms["inverse_dynamics"] = inverse.detach()
        return {"loss": loss, **terms}
