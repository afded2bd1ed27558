"""Video folders read through decord: labels from class folders or a CSV, clip sampling, resizing, broken files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import torch

from worldmodels.data import ClipAugment, DatasetNotFoundError, VideoFolderDataModule, write_video
from worldmodels.data.clip_sampling import clip_indices


def datamodule(root: Path, **options: object) -> VideoFolderDataModule:
    defaults = {"num_frames": 4, "frame_step": 2, "image_size": 16, "batch_size": 2, "eval_batch_size": 4, "num_workers": 0}
    return VideoFolderDataModule(root=str(root), **{**defaults, **options})


def test_reads_class_folders_resized_and_labelled(video_root: Path) -> None:
    dm = datamodule(video_root, sampling="random")
    assert dm.classes == ["ball", "cube"] and dm.num_classes == 2
    batches = list(dm.feature_dataloaders()["train"])
    clips, labels = torch.cat([b["image"] for b in batches]), torch.cat([b["label"] for b in batches])
    assert clips.shape == (6, 3, 4, 16, 16) and clips.dtype == torch.uint8
    assert labels.tolist() == [0, 0, 0, 1, 1, 1]
    red, green = clips[:, 0].float().mean(dim=(1, 2, 3)), clips[:, 1].float().mean(dim=(1, 2, 3))
    assert ((red > green) == (labels == 0)).all()  # the colour of the square still tells the class
    brightness = clips[0, 0].flatten(1).amax(dim=1).float()
    assert (brightness.diff() > 0).all()  # frames come in order (the square brightens over time)


def test_test_split_clips_are_central_and_deterministic(video_root: Path) -> None:
    dm = datamodule(video_root)
    dm.setup()
    first, second = dm.splits["test"][0][0], dm.splits["test"][0][0]
    assert torch.equal(first, second)


def test_clip_sampling() -> None:
    assert clip_indices(64, 8, 1, "uniform").tolist() == [0, 9, 18, 27, 36, 45, 54, 63]
    assert clip_indices(20, 4, 3, "center").tolist() == [5, 8, 11, 14]
    assert clip_indices(5, 4, 3, "center").tolist() == [0, 3, 4, 4]  # short videos repeat their last frame
    starts = {int(clip_indices(20, 4, 3, "random", torch.Generator().manual_seed(s))[0]) for s in range(50)}
    assert starts == set(range(11))
    with pytest.raises(ValueError, match="known"):
        clip_indices(20, 4, 3, "sideways")


def test_views_and_normalisation(video_root: Path) -> None:
    augment = ClipAugment(
        num_global=2,
        num_local=1,
        global_size=16,
        local_size=8,
        global_scale=(0.5, 1.0),
        flip_prob=0.5,
        mean=[0.5, 0.5, 0.5],
        std=[0.25, 0.25, 0.25],
    )
    dm = datamodule(video_root, augment=augment)
    dm.setup()

    class Training:
        training = True

    dm.trainer = Training()
    batch = dm.on_after_batch_transfer(next(iter(dm.train_dataloader())), 0)
    assert batch["views"]["global"].shape == (2, 2, 3, 4, 16, 16) and batch["views"]["local"].shape == (1, 2, 3, 4, 8, 8)
    assert batch["image"].dtype == torch.float32 and batch["image"].min() >= -2.0


def test_labels_from_a_csv(video_root: Path) -> None:
    rows = ["video,label"] + [f"{name}/{i}.mp4,{label}" for label, name in enumerate(("ball", "cube")) for i in range(3)]
    (video_root / "train" / "labels.csv").write_text("\n".join(rows) + "\n")
    (video_root / "val" / "labels.csv").write_text("ball/0.mp4 1\ncube/0.mp4 0\n")  # V-JEPA's space-separated form
    dm = datamodule(video_root, train="train/labels.csv", test="val/labels.csv", channels=1)
    dm.setup()
    assert dm.num_classes == 2
    assert [label for _, label in dm.splits["train"]] == [0, 0, 0, 1, 1, 1]
    assert [label for _, label in dm.splits["test"]] == [1, 0]
    assert dm.splits["test"][0][0].shape == (1, 4, 16, 16)


def test_corrupt_files_are_skipped_with_their_names_and_a_count(video_root: Path, square_frames: Callable[..., np.ndarray]) -> None:
    broken = video_root / "train" / "ball" / "broken.mp4"
    broken.write_bytes(b"not a video" * 50)
    truncated = video_root / "train" / "cube" / "truncated.mp4"
    write_video(truncated, square_frames(1, 12), fps=8)
    truncated.write_bytes(truncated.read_bytes()[:300])
    dm = datamodule(video_root)
    with pytest.warns(UserWarning) as caught:
        dm.setup()
    messages = [str(w.message) for w in caught]
    assert any(str(broken) in m for m in messages) and any(str(truncated) in m for m in messages)
    assert any("skipped 2 of 8 videos" in m for m in messages)
    assert len(dm.splits["train"]) == 6


def test_missing_and_empty_folders_fail_clearly(tmp_path: Path) -> None:
    with pytest.raises(DatasetNotFoundError, match="no such folder"):
        datamodule(tmp_path / "nowhere").setup()
    (tmp_path / "empty" / "train" / "ball").mkdir(parents=True)
    with pytest.raises(DatasetNotFoundError, match="no videos in class sub-folders"):
        datamodule(tmp_path / "empty").setup()
    (tmp_path / "bad" / "train" / "ball").mkdir(parents=True)
    (tmp_path / "bad" / "train" / "ball" / "a.mp4").write_bytes(b"junk")
    with pytest.raises(DatasetNotFoundError, match="none of the 1 videos"), pytest.warns(UserWarning):
        datamodule(tmp_path / "bad").setup()
