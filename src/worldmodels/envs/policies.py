"""Random data-collection policies for the room worlds (the reference's heading random walk)."""

from __future__ import annotations

import math

import torch

from worldmodels.envs.rooms_batch import RoomsBatch


class HeadingRandomWalk:
    """Batched heading random walk with door-crossing episodes, as in EB-JEPA's Two Rooms data.

    The heading starts uniform and turns by von Mises(0, ``kappa``) increments; the step length is a normal
    (``step_mean``, ``step_std``) truncated to ``step_range``. With probability ``door_crossing_prob`` an
    episode instead steers toward a door of its room (``rooms.start_routes``), through it and on into the next room
    (with the same noise), aimed at the door's centre, so the data holds enough crossings. Actions (B, 2) are
    displacements in px, clipped to ``max_action``. Works with any batch exposing ``pos``, ``region``, ``start_routes``
    and ``route_target``.
    """

    def __init__(
        self,
        max_action: float = 2.45,
        kappa: float = 5.0,
        step_mean: float = 1.0,
        step_std: float = 0.4,
        step_range: tuple[float, float] = (0.2, 1.8),
        door_crossing_prob: float = 0.35,
    ) -> None:
        self.max_action = max_action
        self.kappa = kappa
        self.step_mean, self.step_std, self.step_range = step_mean, step_std, tuple(step_range)
        self.door_crossing_prob = door_crossing_prob

    def config(self) -> dict[str, float | tuple[float, float]]:
        """The policy's parameters, for dataset metadata."""
        return {
            "max_action": self.max_action,
            "kappa": self.kappa,
            "step_mean": self.step_mean,
            "step_std": self.step_std,
            "step_range": self.step_range,
            "door_crossing_prob": self.door_crossing_prob,
        }

    def reset(self, rooms: RoomsBatch, generator: torch.Generator) -> None:
        """Draw initial headings, which episodes cross a door and through which door."""
        n = len(rooms.pos)
        self.heading = 2 * math.pi * torch.rand(n, generator=generator)
        self.crossing = torch.rand(n, generator=generator) < self.door_crossing_prob
        self.start_region = rooms.region()
        self.route = rooms.start_routes(generator)
        self.von_mises = torch.distributions.VonMises(torch.tensor(0.0), torch.tensor(self.kappa))

    def __call__(self, rooms: RoomsBatch, generator: torch.Generator) -> torch.Tensor:
        """The next actions (B, 2) for the batch's current positions."""
        n = len(rooms.pos)
        torch.manual_seed(int(torch.randint(2**62, (1,), generator=generator)))
        turn = self.von_mises.sample((n,))
        length = torch.normal(self.step_mean, self.step_std, (n,), generator=generator).clamp(*self.step_range)
        target = rooms.route_target(self.route)
        toward = torch.atan2(target[:, 1] - rooms.pos[:, 1], target[:, 0] - rooms.pos[:, 0])
        steer = self.crossing & (rooms.region() == self.start_region)
        self.heading = torch.where(steer, toward + 0.3 * turn, self.heading + turn)
        step = torch.stack([torch.cos(self.heading), torch.sin(self.heading)], dim=1) * length[:, None]
        return step.clamp(-self.max_action, self.max_action)
