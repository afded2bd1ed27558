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
    (with the same noise), so the data holds enough crossings. Each crossing aims at a row drawn uniformly within
    ``door_aim_range`` px of the door's centre: aims past the door's edge push into the wall beside it, and the data
    shows where the door ends (0: every crossing aims at the centre). ``door_aim_decay`` scales the aim by this factor
    at each step a wall stopped (the dot moved less than half its step): a crossing aimed far beside the door pushes
    into the wall there, then slides along it into the door, so one trajectory shows blocked pushes row after row up
    to the door's edge and the pass through it (1: the aimed row stays fixed). Actions (B, 2) are displacements in px, clipped to
    ``max_action``. Works with any batch exposing ``pos``, ``region``, ``start_routes`` and ``route_target``.
    """

    def __init__(self, max_action: float = 2.45, kappa: float = 5.0, step_mean: float = 1.0, step_std: float = 0.4,
                 step_range: tuple[float, float] = (0.2, 1.8), door_crossing_prob: float = 0.35, door_aim_range: float = 0.0,
                 door_aim_decay: float = 1.0) -> None:  # fmt: skip
        if door_aim_range < 0:
            raise ValueError(f"door_aim_range={door_aim_range} must be >= 0 (px along the wall from the door's centre)")
        if not 0 < door_aim_decay <= 1:
            raise ValueError(f"door_aim_decay={door_aim_decay} must be in (0, 1] (the aim's factor per step; 1: fixed)")
        self.max_action = max_action
        self.kappa = kappa
        self.step_mean, self.step_std, self.step_range = step_mean, step_std, tuple(step_range)
        self.door_crossing_prob, self.door_aim_range, self.door_aim_decay = door_crossing_prob, door_aim_range, door_aim_decay

    def config(self) -> dict[str, float | tuple[float, float]]:
        """The policy's parameters, for dataset metadata."""
        return {"max_action": self.max_action, "kappa": self.kappa, "step_mean": self.step_mean, "step_std": self.step_std,
                "step_range": self.step_range, "door_crossing_prob": self.door_crossing_prob, "door_aim_range": self.door_aim_range,
                "door_aim_decay": self.door_aim_decay}  # fmt: skip

    def reset(self, rooms: RoomsBatch, generator: torch.Generator) -> None:
        """Draw initial headings, which episodes cross a door and through which door."""
        n = len(rooms.pos)
        self.heading = 2 * math.pi * torch.rand(n, generator=generator)
        self.crossing = torch.rand(n, generator=generator) < self.door_crossing_prob
        self.start_region = rooms.region()
        self.route = rooms.start_routes(generator)
        self.aim = torch.zeros(n)
        if self.door_aim_range:  # drawn only when used, so data without aiming stays what it was
            self.aim = self.door_aim_range * (2 * torch.rand(n, generator=generator) - 1)
        self.last_pos, self.last_step = rooms.pos.clone(), torch.zeros(n, 2)
        self.von_mises = torch.distributions.VonMises(torch.tensor(0.0), torch.tensor(self.kappa))

    def __call__(self, rooms: RoomsBatch, generator: torch.Generator) -> torch.Tensor:
        """The next actions (B, 2) for the batch's current positions."""
        n = len(rooms.pos)
        torch.manual_seed(int(torch.randint(2**62, (1,), generator=generator)))
        turn = self.von_mises.sample((n,))
        length = torch.normal(self.step_mean, self.step_std, (n,), generator=generator).clamp(*self.step_range)
        target = rooms.route_target(self.route, self.aim)
        toward = torch.atan2(target[:, 1] - rooms.pos[:, 1], target[:, 0] - rooms.pos[:, 0])
        steer = self.crossing & (rooms.region() == self.start_region)
        self.heading = torch.where(steer, toward + 0.3 * turn, self.heading + turn)
        stopped = (rooms.pos - self.last_pos).norm(dim=1) < 0.5 * self.last_step.norm(dim=1)
        self.aim = torch.where(stopped & steer, self.aim * self.door_aim_decay, self.aim)
        step = torch.stack([torch.cos(self.heading), torch.sin(self.heading)], dim=1) * length[:, None]
        step = step.clamp(-self.max_action, self.max_action)
        self.last_pos, self.last_step = rooms.pos.clone(), step
        return step
