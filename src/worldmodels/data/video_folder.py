"""Labelled videos on disk as a LightningDataModule: class sub-folders or CSV files, decoded with decord per item."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from torch.utils.data import Dataset

from worldmodels.data.clip_augment import ClipAugment
from worldmodels.data.errors import DatasetNotFoundError
from worldmodels.data.image_datamodule import ImageDataModule
from worldmodels.data.video_clips import VideoClips
from worldmodels.data.video_files import VideoEntry, class_names, labelled_videos, open_videos


class VideoFolderDataModule(ImageDataModule):
    """Videos of ``root/<train>`` and ``root/<test>``: each a folder of class sub-folders (``<class>/<video>``) or a
    CSV file of ``video,label`` rows (paths relative to the CSV). Class indices follow the train split's sorted
    class names (integer labels keep their values).

    Every video is opened once in ``setup`` (decord) to count its frames; unreadable files are skipped with a warning
    naming each and a count. Items are one clip per video (``VideoClips``): ``num_frames`` frames ``frame_step``
    apart from a random start (``sampling="random"``; the test split takes the central run) or spread over the whole
    video (``"uniform"``), resized and centre-cropped to ``image_size``. Batches carry clips (B, C, T, S, S) under
    ``image``; ``augment`` (a ``ClipAugment``) makes the views.
    """

    def __init__(
        self,
        root: str,
        train: str = "train",
        test: str = "val",
        num_frames: int = 16,
        frame_step: int = 4,
        sampling: str = "random",
        image_size: int = 224,
        channels: int = 3,
        batch_size: int = 32,
        eval_batch_size: int = 64,
        num_workers: int = 4,
        train_subset: int | None = None,
        test_subset: int | None = None,
        augment: ClipAugment | None = None,
        masker: Any = None,
    ) -> None:
        super().__init__(
            batch_size, eval_batch_size, num_workers, train_subset, test_subset, augment or ClipAugment(global_size=image_size), masker
        )
        self.root = Path(root).expanduser()
        self.sources = {"train": self.root / train, "test": self.root / test}
        self.clip_options = {"num_frames": num_frames, "frame_step": frame_step, "image_size": image_size, "channels": channels}
        self.sampling = sampling
        self._classes: list[str] | None = None

    @property
    def classes(self) -> list[str]:
        """Class names of the train split, in class-index order."""
        if self._classes is None:
            self._classes = class_names([label for _, label in labelled_videos(self.sources["train"])[0]])
        return self._classes

    @property
    def num_classes(self) -> int:
        return len(self.classes)

    def entries(self, split: str) -> tuple[list[VideoEntry], str]:
        """The split's videos with class indices (not yet opened), and where they were listed."""
        rows, where = labelled_videos(self.sources[split])
        index = {name: i for i, name in enumerate(self.classes)}
        unknown = sorted({label for _, label in rows if label not in index})
        if unknown:
            raise DatasetNotFoundError(f"{where} has labels the train split does not: {unknown[:5]}; train classes: {self.classes[:10]}")
        return [VideoEntry(path, index[label]) for path, label in rows], where

    def load_split(self, split: str, subset: int | None) -> Dataset:
        """``split``'s readable videos as one-clip-per-video items, ``subset`` of them spread evenly when given."""
        entries, where = self.entries(split)
        if subset is not None and subset < len(entries):
            entries = [entries[i * len(entries) // subset] for i in range(subset)]
        sampling = "center" if split == "test" and self.sampling == "random" else self.sampling
        return VideoClips(open_videos(entries, where), sampling=sampling, **self.clip_options)
