"""The planning evaluation protocol: sealed episode splits, episodes seeded one by one, the random floor, fingerprints.

Every episode has its own seed, and everything random in it (its layout, start and goal, the env's collision noise,
the random floor's actions) comes from that seed alone, so an episode is the same whichever episodes are planned beside
it. The two splits own disjoint seed ranges:

- ``dev``: episode seeds 0, 1, 2, ... (< 1,000,000): debugging, replays, ablations and any tuning;
- ``test``: episode seeds 1,000,000, 1,000,001, ...: the figures a README or ``experiments/`` reports.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch

from worldmodels.interfaces import EpisodeBatch, World
from worldmodels.runs.digest import sha256_of_json

SPLIT_SIZE = 1_000_000
SPLITS = {"dev": 0, "test": SPLIT_SIZE}
"""The first episode seed of each split; a split holds ``SPLIT_SIZE`` episodes."""


def episode_seeds(split: str, episodes: int) -> list[int]:
    """The seeds of the first ``episodes`` episodes of ``split`` (``dev`` or ``test``)."""
    if split not in SPLITS:
        raise ValueError(f"protocol.split={split!r}; allowed: {sorted(SPLITS)} (dev for tuning and diagnostics, test for reported figures)")
    if not 0 < episodes <= SPLIT_SIZE:
        raise ValueError(f"protocol.episodes={episodes}: between 1 and {SPLIT_SIZE}")
    return list(range(SPLITS[split], SPLITS[split] + episodes))


def seeded_generator(*entropy: int) -> torch.Generator:
    """A generator that depends only on the integers ``entropy`` (e.g. an episode's seed and a number naming what it
    draws, or a planner's seed and an episode's), mixed by numpy's ``SeedSequence``."""
    state = np.random.SeedSequence(list(entropy)).generate_state(1, dtype=np.uint64)[0]
    return torch.Generator().manual_seed(int(state) & (2**63 - 1))


class SeededEpisodes:
    """B episodes, each a one-episode batch of ``world.episodes()`` reset from its own seed, stepped together.

    Exposes what the evaluation reads of a batch, stacked over the episodes: ``pos``, ``goal`` (B, 2), ``walls``
    (B, S, S), ``layouts()``, ``observation()``, ``goal_observation()``, ``step(actions (B, A))``,
    ``distance_to_goal()`` (B,), and ``entered`` (B,) for worlds with a hazard (None otherwise).
    """

    def __init__(self, world: World, seeds: Sequence[int], different_rooms: bool = True) -> None:
        self.seeds = [int(seed) for seed in seeds]
        self.parts: list[EpisodeBatch] = []
        for seed in self.seeds:
            part = world.episodes()
            part.reset(1, torch.Generator().manual_seed(seed), different_rooms=different_rooms)
            self.parts.append(part)

    def __len__(self) -> int:
        return len(self.parts)

    def _stack(self, name: str) -> torch.Tensor:
        return torch.cat([getattr(part, name) for part in self.parts])

    @property
    def pos(self) -> torch.Tensor:
        return self._stack("pos")

    @property
    def goal(self) -> torch.Tensor:
        return self._stack("goal")

    @property
    def walls(self) -> torch.Tensor:
        return self._stack("walls")

    @property
    def entered(self) -> torch.Tensor | None:
        """(B,) which dots have been inside the hazard, for worlds with one."""
        return self._stack("entered") if hasattr(self.parts[0], "entered") else None

    @property
    def hazard(self) -> torch.Tensor | None:
        return getattr(self.parts[0], "hazard", None)

    def layouts(self) -> dict[str, torch.Tensor]:
        columns = [part.layouts() for part in self.parts]
        return {name: torch.cat([column[name] for column in columns]) for name in columns[0]}

    def observation(self) -> torch.Tensor:
        return torch.cat([part.observation() for part in self.parts])

    def goal_observation(self) -> torch.Tensor:
        return torch.cat([part.goal_observation() for part in self.parts])

    def step(self, actions: torch.Tensor) -> torch.Tensor:
        """Actions (B, A) -> new positions (B, 2), each episode stepped on its own."""
        return torch.cat([part.step(action[None]) for part, action in zip(self.parts, actions, strict=True)])

    def distance_to_goal(self) -> torch.Tensor:
        return torch.cat([part.distance_to_goal() for part in self.parts])

    def manifest(self) -> list[dict[str, Any]]:
        """Each episode's seed, start, goal and layout: what the episodes are, for the fingerprint."""
        layouts = self.layouts()
        return [
            {
                "seed": seed,
                "start": [round(v, 4) for v in pos.tolist()],
                "goal": [round(v, 4) for v in goal.tolist()],
                **{name: round(float(values[i]), 4) for name, values in layouts.items()},
            }
            for i, (seed, pos, goal) in enumerate(zip(self.seeds, self.pos, self.goal, strict=True))
        ]


def random_floor(
    world: World,
    seeds: Sequence[int],
    action_low: torch.Tensor,
    action_high: torch.Tensor,
    max_steps: int,
    success_radius: float,
    different_rooms: bool = True,
) -> torch.Tensor:
    """The paired floor: the same episodes driven by actions uniform in the box [action_low, action_high] ((A,) each),
    each episode's actions from its own seed. Returns which episodes succeed (B,) bool."""
    episodes = SeededEpisodes(world, seeds, different_rooms)
    generators = [seeded_generator(seed, 1) for seed in seeds]  # stream 1: the floor's actions
    for _ in range(max_steps):
        unit = torch.stack([torch.rand(len(action_low), generator=generator) for generator in generators])
        episodes.step(action_low + (action_high - action_low) * unit)
    return episodes.distance_to_goal() < success_radius


def sha256_of_file(path: str | Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def sha256_of_weights(module: torch.nn.Module) -> str:
    """The hash of a module's state dict (names, dtypes, shapes and values): the same weights give the same hash
    whichever checkpoint file, callback state or process they come from."""
    digest = hashlib.sha256()
    for name, tensor in sorted(module.state_dict().items()):
        value = tensor.detach().cpu().contiguous()
        digest.update(f"{name}:{value.dtype}:{tuple(value.shape)}".encode())
        digest.update(value.numpy().tobytes() if value.dtype != torch.bfloat16 else value.float().numpy().tobytes())
    return digest.hexdigest()


def fingerprint(
    checkpoint: str | Path | None, model: torch.nn.Module, planning_config: dict[str, Any], episodes_sha256: str
) -> dict[str, Any]:
    """What a planning result was measured on: the checkpoint file and its hash, the hash of the weights planned with,
    of the resolved planning config and of the episodes (``evaluate_planning``'s ``episodes_sha256``)."""
    found = checkpoint is not None and Path(checkpoint).is_file()
    return {
        "checkpoint": str(checkpoint) if checkpoint else None,
        "checkpoint_sha256": sha256_of_file(checkpoint) if found else None,
        "weights_sha256": sha256_of_weights(model),
        "config_sha256": sha256_of_json(planning_config),
        "episodes_sha256": episodes_sha256,
    }
