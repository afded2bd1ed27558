"""Moving Fashion-MNIST: deterministic per seed, sprites stay on the canvas, labels, batches for video encoders."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from worldmodels.data import ClipAugment, MovingFMNIST, MovingFMNISTDataModule
from worldmodels.data.moving_sprites import Scene, bounce, render, resize_sprites


def sprites(count: int = 6, size: int = 8) -> tuple[torch.Tensor, torch.Tensor]:
    """``count`` solid sprites (N, size, size) of brightness 100 + 20 i, classes i % 3."""
    images = torch.stack([torch.full((size, size), 100 + 20 * i, dtype=torch.uint8) for i in range(count)])
    return images, torch.arange(count) % 3


def test_bounces_keep_sprites_on_the_canvas_and_conserve_speed() -> None:
    positions, velocities = bounce(np.array([[0.5, 9.0]]), np.array([[-2.0, 3.0]]), 40, travel=10.0)
    assert positions.min() >= 0 and positions.max() <= 10
    assert np.allclose(np.abs(velocities), [2.0, 3.0])
    assert positions[1, 0, 0] == pytest.approx(1.5) and velocities[1, 0, 0] == 2.0  # reflected off the top wall


def test_render_clips_sprites_partly_outside_and_takes_the_maximum() -> None:
    images, _ = sprites(2, size=4)
    scene = Scene(np.array([[[-2.0, 0.0], [0.0, 1.0]]]), np.array([[0, 1]]), np.array([[True, True]]))
    frame = render(scene, images, canvas_size=6)[0]
    assert frame[0, 0] == 100 and frame[0, 1] == 120  # sprite 1 (brighter) wins where the two overlap
    assert frame[1, 0] == 100 and frame[2, 0] == 0  # sprite 0 shows only its bottom two rows
    assert resize_sprites(images, 2).shape == (2, 2, 2)


def test_clips_are_deterministic_per_seed_and_index() -> None:
    images, classes = sprites()
    make = lambda seed: MovingFMNIST(images, classes, size=8, num_frames=6, canvas_size=16, speed=(1, 2), seed=seed)  # noqa: E731
    first, again, other = make(0), make(0), make(1)
    assert torch.equal(first[5][0], again[5][0]) and not torch.equal(first[5][0], other[5][0])
    assert torch.equal(first[3][0], first[3][0]) and not torch.equal(first[3][0], first[4][0])
    clip, label = first[2]
    assert clip.shape == (1, 6, 16, 16) and clip.dtype == torch.uint8 and 0 <= label < 3
    with pytest.raises(IndexError):
        first[8]


def test_labels_are_class_or_position_cell() -> None:
    images, classes = sprites()
    dataset = MovingFMNIST(images, classes, size=20, num_frames=6, num_objects=2, canvas_size=16, label="position", position_bins=2)
    assert dataset.num_classes == 4
    for index in range(20):
        sample = dataset.sample(index)
        row, col = sample["positions"][3, 0]
        assert dataset[index][1] == int(row >= 4) * 2 + int(col >= 4)  # travel 8: cells split at 4
        assert sample["classes"].shape == (2,)


def test_datamodule_batches_clips_and_views(fake_fmnist: Path) -> None:
    augment = ClipAugment(num_global=1, global_size=16, mean=0.1, std=0.25)
    dm = MovingFMNISTDataModule(
        root=str(fake_fmnist),
        num_frames=4,
        canvas_size=16,
        sprite_size=8,
        speed=[1, 2],
        train_clips=12,
        test_clips=6,
        batch_size=4,
        eval_batch_size=6,
        augment=augment,
    )
    dm.setup()
    assert len(dm.splits["train"]) == 12 and len(dm.splits["test"]) == 6 and dm.num_classes == 10

    class Training:
        training = True

    dm.trainer = Training()
    batch = dm.on_after_batch_transfer(next(iter(dm.train_dataloader())), 0)
    assert batch["views"]["global"].shape == (1, 4, 1, 4, 16, 16) and batch["image"].shape == (4, 1, 4, 16, 16)
    assert torch.allclose(batch["views"]["global"][0], batch["image"], atol=1e-5)  # whole-frame views: the clip itself
    with pytest.raises(ValueError, match="label"):
        MovingFMNISTDataModule(label="colour")
