"""Closed-loop search for a passage the model misplaces: follow the wall the episode keeps stalling at, pushing
through it at intervals, until a push goes through."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import torch


@dataclass
class _Sweep:
    """One episode's sweep: the wall's normal and the sliding direction (unit (A,) each), which way it slides (±1),
    what the next chunk does, the observed latent move of the last free slide, whether the last slide turned back, and
    the chunks swept so far."""

    normal: torch.Tensor
    tangent: torch.Tensor
    sign: float = 1.0
    phase: str = "slide"
    slide_move: float = 0.0
    turned: bool = False
    chunks: int = 0


class WallSweep:
    """Per episode, after ``after`` stalls: slide along the wall one chunk, push into it the next, until a push passes.

    A model that misplaces a door (predicts passes rows away from it) leads the dot to wall after wall, and a
    ``StallMemory`` matched in latent space blocks only the crossings that start near a stall: the search finds the
    same wrong crossing one macro-step away (experiments/two_rooms/README.md, "Why seed 1 stays short"). The sweep
    leaves the model's belief and searches the wall itself, as a bug algorithm does: the wall's normal is the action
    axis the stalled chunks pushed hardest along (their unit headings summed), the dot slides along the other axis
    (``slide`` × the action box's half-range per step) and pushes along the normal (``push`` × the half-range) every
    other chunk, so pushes land at most two slide-steps apart. A push whose observed latent move reaches ``passed`` × the last slide's went through:
    the sweep ends and the search takes over again. A slide that moves less than ``blocked`` × its predicted move met
    a corner and turns back; two blocked slides in a row, or ``max_chunks`` chunks, end the sweep. Which way it slides
    first: the side whose predicted slide of ``lookahead`` steps ends farther from the episode's stalls. For 2-D actions
    that move the agent along their axes (Two Rooms, Wall, mazes); with other action spaces it stays off (a warning).
    """

    def __init__(self, after: int = 3, slide: float = 1.0, push: float = 1.0, passed: float = 0.5, blocked: float = 0.3,
                 max_chunks: int = 60, lookahead: int = 6) -> None:  # fmt: skip
        self.after, self.slide, self.push, self.passed, self.blocked = after, slide, push, passed, blocked
        self.max_chunks, self.lookahead = max_chunks, lookahead
        self.warned = False
        self.reset(0)

    def reset(self, batch: int) -> None:
        """Forget every sweep and stall count (new episodes)."""
        self.stalls: dict[int, int] = {}  # episode -> stalls since its last sweep
        self.headings: dict[int, torch.Tensor] = {}  # episode -> the sum of those stalls' unit headings (A,)
        self.pending: set[int] = set()  # episodes that sweep from the next chunk
        self.sweeps: dict[int, _Sweep] = {}
        self.started: dict[int, int] = {}  # episode -> sweeps started

    def counts(self, batch: int) -> torch.Tensor:
        """Sweeps started per episode (batch,)."""
        return torch.tensor([self.started.get(b, 0) for b in range(batch)])

    def observe(self, before: torch.Tensor, actions: torch.Tensor, predicted: torch.Tensor, after: torch.Tensor, stalled: torch.Tensor) -> None:
        """An executed chunk: latents before (B, D), its actions (B, k, A), the predicted and observed latents after it
        (B, D), and which episodes stalled (B,) bool (``StallMemory.record``)."""
        observed = (after - before).norm(dim=-1).tolist()
        promised = (predicted - before).norm(dim=-1).tolist()
        for episode in range(len(before)):
            if episode in self.sweeps:
                self._advance(episode, observed[episode], promised[episode])
            elif bool(stalled[episode]):
                heading = actions[episode].mean(dim=0)
                self.stalls[episode] = self.stalls.get(episode, 0) + 1
                self.headings[episode] = self.headings.get(episode, 0.0) + heading / heading.norm().clamp_min(1e-12)
                if self.stalls[episode] >= self.after:
                    self.pending.add(episode)

    def _advance(self, episode: int, observed: float, promised: float) -> None:
        sweep = self.sweeps[episode]
        sweep.chunks += 1
        if sweep.phase == "push":
            done = observed >= self.passed * sweep.slide_move
            sweep.phase = "slide"
        elif observed < self.blocked * promised:  # a slide into a corner: turn back, or give up after two
            done = sweep.turned
            sweep.sign, sweep.turned = -sweep.sign, True
        else:
            done = False
            sweep.slide_move, sweep.turned, sweep.phase = observed, False, "push"
        if done or sweep.chunks >= self.max_chunks:
            del self.sweeps[episode]
            self.stalls[episode] = 0
            self.headings.pop(episode, None)

    def actions(self, world_model: Any, latent: torch.Tensor, stalls: list[list[torch.Tensor]], action_low: torch.Tensor,
                action_high: torch.Tensor) -> dict[int, torch.Tensor]:  # fmt: skip
        """Current latents (B, D), each episode's remembered stall latents, the action box ((A,) each) -> the action (A,)
        each sweeping episode takes this chunk (episodes not sweeping are absent)."""
        if len(action_low) != 2:
            if not self.warned:
                warnings.warn(f"planner.sweep follows walls with 2-D actions; this env's have {len(action_low)} dims, so it stays off "
                              "(planner.sweep=null silences this)", stacklevel=2)  # fmt: skip
                self.warned = True
            return {}
        centre, half = (action_low + action_high) / 2, (action_high - action_low) / 2
        for episode in self.pending:
            self.sweeps[episode] = self._start(world_model, latent[episode], self.headings[episode], stalls[episode], centre, half)
            self.started[episode] = self.started.get(episode, 0) + 1
        self.pending = set()
        chosen = {}
        for episode, sweep in self.sweeps.items():
            step = sweep.sign * self.slide * sweep.tangent if sweep.phase == "slide" else self.push * sweep.normal
            chosen[episode] = centre + half * step
        return chosen

    @torch.no_grad()
    def _start(self, world_model: Any, latent: torch.Tensor, heading: torch.Tensor, stalls: list[torch.Tensor],
               centre: torch.Tensor, half: torch.Tensor) -> _Sweep:  # fmt: skip
        axis = int(heading.abs().argmax())
        normal = torch.zeros_like(heading)
        normal[axis] = 1.0 if float(heading[axis]) >= 0 else -1.0
        tangent = torch.stack([-normal[1], normal[0]])
        sweep = _Sweep(normal, tangent)
        if stalls:
            slides = torch.stack([centre + half * self.slide * tangent, centre - half * self.slide * tangent])  # (2, A)
            ends = world_model.rollout(latent[None].expand(2, -1), slides[:, None].expand(-1, self.lookahead, -1))[:, -1]  # (2, D)
            spread = torch.cdist(ends, torch.stack(stalls).to(ends)).mean(dim=1)
            sweep.sign = 1.0 if float(spread[0]) >= float(spread[1]) else -1.0
        return sweep
