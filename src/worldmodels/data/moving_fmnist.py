"""Moving Fashion-MNIST: procedural clips of Fashion-MNIST sprites bouncing on a black canvas, made on the fly."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch.utils.data import Dataset

from worldmodels.data.clip_augment import ClipAugment
from worldmodels.data.fashion_mnist_files import load_fashion_mnist
from worldmodels.data.image_datamodule import ImageDataModule
from worldmodels.data.moving_sprites import Scene, bounce, random_motion, render, resize_sprites

LABELS = ("class", "position")
SPLIT_STREAMS = {"train": 0, "test": 1}


class MovingFMNIST(Dataset):
    """``size`` clips of ``num_objects`` sprites bouncing off the borders of a ``canvas_size``² canvas for ``num_frames``.

    Clip ``i`` is drawn from ``numpy.random.default_rng([seed, stream, i])``: the same seed gives the same clips in
    any order, in any worker. Each object shows one sprite (a random image of ``sprites``), starts anywhere on the
    canvas and moves at a speed uniform in ``speed`` pixels per frame, in any direction.

    ``sample(i)`` -> {"clip": uint8 (1, T, S, S), "classes": (O,), "positions": (T, O, 2) top-left (row, col)};
    ``dataset[i]`` -> (clip, label): the class of the first object (``label="class"``) or the cell of its centre
    at the middle frame on a ``position_bins`` × ``position_bins`` grid over the canvas (``label="position"``).
    """

    def __init__(
        self,
        sprites: torch.Tensor,
        classes: torch.Tensor,
        size: int,
        num_frames: int = 16,
        num_objects: int = 2,
        canvas_size: int = 64,
        speed: tuple[float, float] = (2.0, 4.0),
        seed: int = 0,
        stream: int = 0,
        label: str = "class",
        position_bins: int = 3,
    ) -> None:
        if label not in LABELS:
            raise ValueError(f"label={label!r}; known: {list(LABELS)}")
        if sprites.shape[-1] > canvas_size:
            raise ValueError(
                f"sprites of {sprites.shape[-1]} px do not fit a {canvas_size} px canvas: lower sprite_size or raise canvas_size"
            )
        self.sprites, self.classes = sprites, classes
        self.size, self.num_frames, self.num_objects = size, num_frames, num_objects
        self.canvas_size, self.speed = canvas_size, (float(speed[0]), float(speed[1]))
        self.seed, self.stream, self.label, self.position_bins = seed, stream, label, position_bins
        self.travel = float(canvas_size - sprites.shape[-1])

    @property
    def num_classes(self) -> int:
        """10 garment classes, or ``position_bins``² position cells."""
        return 10 if self.label == "class" else self.position_bins**2

    def __len__(self) -> int:
        return self.size

    def scene(self, index: int) -> Scene:
        """The scene of clip ``index``: positions (T, O, 2), sprite ids (T, O), all visible."""
        if not 0 <= index < self.size:
            raise IndexError(f"clip {index} out of range for {self.size} clips")
        rng = np.random.default_rng([self.seed, self.stream, index])
        ids = rng.integers(0, len(self.sprites), self.num_objects)
        start, velocity = random_motion(rng, self.num_objects, self.travel, self.speed)
        positions, _ = bounce(start, velocity, self.num_frames, self.travel)
        return Scene(
            positions, np.broadcast_to(ids, (self.num_frames, self.num_objects)), np.ones((self.num_frames, self.num_objects), bool)
        )

    def sample(self, index: int) -> dict[str, torch.Tensor]:
        """Clip ``index`` with every label: clip (1, T, S, S) uint8, classes (O,), positions (T, O, 2)."""
        scene = self.scene(index)
        return {
            "clip": render(scene, self.sprites, self.canvas_size)[None],
            "classes": self.classes[torch.from_numpy(scene.sprite_ids[0].copy())],
            "positions": torch.from_numpy(scene.positions).float(),
        }

    def position_cell(self, positions: torch.Tensor) -> int:
        """The grid cell of the first object at the middle frame, from positions (T, O, 2)."""
        row, col = (
            (positions[self.num_frames // 2, 0] / max(self.travel, 1e-6) * self.position_bins).long().clamp(0, self.position_bins - 1)
        )
        return int(row * self.position_bins + col)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, int]:
        item = self.sample(index)
        label = int(item["classes"][0]) if self.label == "class" else self.position_cell(item["positions"])
        return item["clip"], label


class MovingFMNISTDataModule(ImageDataModule):
    """Moving Fashion-MNIST clips for video encoders: batches carry clips (B, 1, T, S, S) under ``image``.

    Train clips use the Fashion-MNIST train images as sprites, test clips the test images (unseen garments), with
    separate random streams. Sprites are resized to ``sprite_size`` (28: the originals). ``ImageDataModule`` makes
    the batches; ``augment`` (a ``ClipAugment``) the views, the same crop for every frame of a clip.
    """

    def __init__(
        self,
        root: str = "/usr/share/datasets/fashion-mnist",
        num_frames: int = 16,
        num_objects: int = 2,
        canvas_size: int = 64,
        sprite_size: int = 28,
        speed: tuple[float, float] = (2.0, 4.0),
        train_clips: int = 10000,
        test_clips: int = 1000,
        label: str = "class",
        position_bins: int = 3,
        seed: int = 0,
        batch_size: int = 64,
        eval_batch_size: int = 256,
        num_workers: int = 0,
        train_subset: int | None = None,
        test_subset: int | None = None,
        augment: ClipAugment | None = None,
        masker: Any = None,
    ) -> None:
        if label not in LABELS:
            raise ValueError(f"label={label!r}; known: {list(LABELS)}")
        super().__init__(
            batch_size, eval_batch_size, num_workers, train_subset, test_subset, augment or ClipAugment(global_size=canvas_size), masker
        )
        self.root, self.seed = root, seed
        self.sizes = {"train": train_clips, "test": test_clips}
        self.clip_options = {
            "num_frames": num_frames,
            "num_objects": num_objects,
            "canvas_size": canvas_size,
            "speed": tuple(speed),
            "label": label,
            "position_bins": position_bins,
        }
        self.sprite_size = sprite_size
        self.num_classes = 10 if label == "class" else position_bins**2

    def load_split(self, split: str, subset: int | None) -> MovingFMNIST:
        """``split``'s clips (``*_clips``, or ``subset`` of them), sprites from the same Fashion-MNIST split."""
        images, classes = load_fashion_mnist(self.root, split)
        size = self.sizes[split] if subset is None else min(subset, self.sizes[split])
        return MovingFMNIST(
            resize_sprites(images, self.sprite_size), classes, size, seed=self.seed, stream=SPLIT_STREAMS[split], **self.clip_options
        )
