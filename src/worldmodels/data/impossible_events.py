"""Intuitive-physics pairs: two clips of bouncing sprites, identical until an event that only one of them breaks.

The possible member follows the physics of Moving Fashion-MNIST (straight lines, elastic bounces off the borders);
from the event frame on, the impossible member breaks it for one object:

- ``vanish``: the object disappears;
- ``teleport``: it jumps to a far-away place and moves on from there;
- ``wall``: where the possible object bounces off a border, it passes through the border and leaves the canvas;
- ``shape``: its sprite turns into a garment of another class, mid-flight.
"""

from __future__ import annotations

import numpy as np
import torch
from torch.utils.data import Dataset

from worldmodels.data.fashion_mnist_files import load_fashion_mnist
from worldmodels.data.moving_sprites import Scene, bounce, random_motion, render, resize_sprites

EVENTS = ("vanish", "teleport", "wall", "shape")


class ImpossibleEventPairs(Dataset):
    """``num_pairs`` seeded (possible, impossible) clip pairs, made on the fly; pair ``i`` shows event ``events[i % len]``.

    Pair ``i`` is drawn from ``numpy.random.default_rng([seed, i])``. The event frame is uniform in ``event_frames``
    (inclusive; for ``wall`` it is the frame of a bounce of the event object in that range that moves it by at least
    a pixel, found by redrawing the motion), so both clips are identical on frames < event frame and differ on it.
    ``sprites`` (N, s, s) uint8 with ``classes`` (N,).

    ``dataset[i]`` -> {"possible": uint8 (1, T, S, S), "impossible": uint8 (1, T, S, S), "event_frame": int,
    "event": index into ``events``}.
    """

    def __init__(
        self,
        sprites: torch.Tensor,
        classes: torch.Tensor,
        num_pairs: int = 400,
        num_frames: int = 16,
        num_objects: int = 1,
        canvas_size: int = 64,
        speed: tuple[float, float] = (2.0, 4.0),
        event_frames: tuple[int, int] = (9, 12),
        events: tuple[str, ...] = EVENTS,
        seed: int = 0,
        max_tries: int = 1000,
    ) -> None:
        unknown = sorted(set(events) - set(EVENTS))
        if unknown or not events:
            raise ValueError(f"unknown events {unknown}; choose from {list(EVENTS)}")
        low, high = int(event_frames[0]), int(event_frames[1])
        if not 1 <= low <= high < num_frames:
            raise ValueError(f"event_frames {[low, high]} must lie within frames 1..{num_frames - 1} of the {num_frames}-frame clips")
        self.sprites, self.classes = sprites, classes
        self.num_pairs, self.num_frames, self.num_objects = num_pairs, num_frames, num_objects
        self.canvas_size, self.speed, self.event_frames = canvas_size, (float(speed[0]), float(speed[1])), (low, high)
        self.events, self.seed, self.max_tries = tuple(events), seed, max_tries
        self.travel = float(canvas_size - sprites.shape[-1])

    @classmethod
    def from_fashion_mnist(cls, root: str, sprite_size: int = 28, split: str = "test", **options: object) -> ImpossibleEventPairs:
        """Pairs whose sprites are the Fashion-MNIST ``split`` images in ``root``, resized to ``sprite_size``."""
        images, classes = load_fashion_mnist(root, split)
        return cls(resize_sprites(images, sprite_size), classes, **options)

    def __len__(self) -> int:
        return self.num_pairs

    def _motion(self, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        start, velocity = random_motion(rng, self.num_objects, self.travel, self.speed)
        return bounce(start, velocity, self.num_frames, self.travel)

    def _wall_motion(self, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, int]:
        """Positions and velocities (T, O, 2), and the first frame in ``event_frames`` where object 0 has just bounced
        and where going straight on would put it at another pixel (so the two clips differ from that frame)."""
        low, high = self.event_frames
        for _ in range(self.max_tries):
            positions, velocities = self._motion(rng)
            for frame in range(low, high + 1):
                bounced = (velocities[frame, 0] != velocities[frame - 1, 0]).any()
                straight = positions[frame - 1, 0] + velocities[frame - 1, 0]
                if bounced and (np.rint(straight) != np.rint(positions[frame, 0])).any():
                    return positions, velocities, frame
        raise ValueError(
            f"no bounce within event_frames {list(self.event_frames)} in {self.max_tries} draws: widen event_frames or raise speed"
        )

    def scenes(self, index: int) -> tuple[Scene, Scene, int, str]:
        """The possible and impossible scenes of pair ``index``, its event frame and its event."""
        if not 0 <= index < self.num_pairs:
            raise IndexError(f"pair {index} out of range for {self.num_pairs} pairs")
        event = self.events[index % len(self.events)]
        rng = np.random.default_rng([self.seed, index])
        ids = rng.integers(0, len(self.sprites), self.num_objects)
        if event == "wall":
            positions, velocities, frame = self._wall_motion(rng)
        else:
            positions, velocities = self._motion(rng)
            frame = int(rng.integers(self.event_frames[0], self.event_frames[1] + 1))
        shape = (self.num_frames, self.num_objects)
        possible = Scene(positions, np.broadcast_to(ids, shape).copy(), np.ones(shape, bool))
        impossible = Scene(positions.copy(), possible.sprite_ids.copy(), possible.visible.copy())
        self._break(impossible, velocities, frame, event, rng)
        return possible, impossible, frame, event

    def _break(self, scene: Scene, velocities: np.ndarray, frame: int, event: str, rng: np.random.Generator) -> None:
        """Make object 0 of ``scene`` break physics from ``frame`` on (in place)."""
        if event == "vanish":
            scene.visible[frame:, 0] = False
        elif event == "shape":
            others = np.nonzero((self.classes != self.classes[scene.sprite_ids[0, 0]]).numpy())[0]
            scene.sprite_ids[frame:, 0] = others[rng.integers(len(others))]
        elif event == "wall":
            steps = np.arange(1, self.num_frames - frame + 1)[:, None]
            scene.positions[frame:, 0] = scene.positions[frame - 1, 0] + velocities[frame - 1, 0] * steps
        else:
            here = scene.positions[frame, 0]
            for _ in range(self.max_tries):
                there = rng.uniform(0.0, self.travel, 2)
                if np.abs(there - here).max() >= self.travel / 2:
                    break
            scene.positions[frame:, 0] = bounce(there[None], velocities[frame, :1], self.num_frames - frame, self.travel)[0][:, 0]

    def __getitem__(self, index: int) -> dict[str, torch.Tensor | int]:
        possible, impossible, frame, event = self.scenes(index)
        return {
            "possible": render(possible, self.sprites, self.canvas_size)[None],
            "impossible": render(impossible, self.sprites, self.canvas_size)[None],
            "event_frame": frame,
            "event": self.events.index(event),
        }
