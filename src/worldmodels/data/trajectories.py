"""Windows of T frames and actions from trajectories, collected once (files) or generated per run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytorch_lightning as pl
import torch
from torch.utils.data import DataLoader, Dataset

from worldmodels.data.trajectory_files import TrajectoryDataError, load_shards


class TrajectoryWindows(Dataset):
    """Every window of ``num_frames`` consecutive frames: obs (T, C, H, W) uint8, actions (T − 1, A), states (T, S)."""

    def __init__(self, arrays: dict[str, np.ndarray], num_frames: int) -> None:
        self.arrays = {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in arrays.items()}
        length = self.arrays["obs"].shape[1]
        if num_frames > length:
            raise TrajectoryDataError(
                f"windows of {num_frames} frames need trajectories of at least {num_frames} frames; these have {length}"
            )
        self.num_frames = num_frames
        self.per_trajectory = length - num_frames + 1

    def __len__(self) -> int:
        return len(self.arrays["obs"]) * self.per_trajectory

    def __getitem__(self, index: int) -> dict[str, torch.Tensor]:
        traj, start = divmod(index, self.per_trajectory)
        frames = slice(start, start + self.num_frames)
        item = {"obs": self.arrays["obs"][traj, frames], "actions": self.arrays["actions"][traj, start : start + self.num_frames - 1]}
        if "states" in self.arrays:
            item["states"] = self.arrays["states"][traj, frames]
        if "layout" in self.arrays:
            item["layout"] = self.arrays["layout"][traj]
        return item


class TrajectoryDataModule(pl.LightningDataModule):
    """Train/validation windows from a world's random-policy trajectories.

    ``source="generate"`` collects ``num_trajectories`` fresh trajectories with ``seed`` at setup (no files);
    ``source="files"`` reads shards written by ``worldmodels collect`` from ``path`` and checks that
    they belong to this world. The last ``val_fraction`` of trajectories is held out for validation. With
    ``fresh_every_epoch`` (``source="generate"`` only) every training epoch after the first collects new training
    trajectories, seeded by ``seed`` and the epoch (a resumed run sees the same data), as EB-JEPA draws fresh samples
    per epoch; the validation trajectories stay fixed. It needs ``trainer.reload_dataloaders_every_n_epochs=1``.
    """

    def __init__(
        self,
        world: Any,
        source: str = "generate",
        path: str | None = None,
        num_trajectories: int = 1000,
        trajectory_length: int = 90,
        num_frames: int = 17,
        batch_size: int = 64,
        val_fraction: float = 0.05,
        num_workers: int = 0,
        seed: int = 0,
        fresh_every_epoch: bool = False,
    ) -> None:
        super().__init__()
        if source not in ("generate", "files"):
            raise ValueError(f"data.source={source!r}; allowed: 'generate' (collect at setup) or 'files' (read data.path)")
        if source == "files" and not path:
            raise ValueError("data.source=files needs data.path: a folder written by `worldmodels collect`")
        if fresh_every_epoch and source != "generate":
            raise ValueError(
                "data.fresh_every_epoch=true collects new trajectories each epoch; it needs data.source=generate "
                f"(data.source is {source!r}: add data.fresh_every_epoch=false to train on those files)"
            )
        self.world = world
        self.source, self.path = source, path
        self.num_trajectories, self.trajectory_length = num_trajectories, trajectory_length
        self.num_frames, self.batch_size, self.val_fraction = num_frames, batch_size, val_fraction
        self.num_workers, self.seed, self.fresh_every_epoch = num_workers, seed, fresh_every_epoch
        self.train_set: TrajectoryWindows | None = None
        self.val_set: TrajectoryWindows | None = None
        self.train_epoch = 0  # the epoch whose trajectories train_set holds

    @property
    def action_dim(self) -> int:
        return self.world.action_dim

    def load_arrays(self) -> dict[str, np.ndarray]:
        """The trajectories (N, ...) this module serves, collected or read from shards."""
        if self.source == "files":
            return load_shards(Path(self.path), expected_env=self.world.name)[0]
        return self.world.collect(self.num_trajectories, self.trajectory_length, torch.Generator().manual_seed(self.seed))

    def setup(self, stage: str | None = None) -> None:
        if self.fresh_every_epoch and self.trainer is not None and self.trainer.reload_dataloaders_every_n_epochs != 1:
            raise ValueError(
                "data.fresh_every_epoch=true needs trainer.reload_dataloaders_every_n_epochs=1 (Lightning then asks for "
                f"a new training loader each epoch); it is {self.trainer.reload_dataloaders_every_n_epochs}"
            )
        if self.train_set is not None:
            return
        arrays = self.load_arrays()
        count = len(arrays["obs"])
        num_val = max(1, int(round(count * self.val_fraction))) if count > 1 else 0
        self.train_set = TrajectoryWindows({k: v[: count - num_val] for k, v in arrays.items()}, self.num_frames)
        self.val_set = TrajectoryWindows({k: v[count - num_val :] for k, v in arrays.items()}, self.num_frames) if num_val else None

    def fresh_training_set(self, epoch: int) -> TrajectoryWindows:
        """Windows of newly collected training trajectories for ``epoch`` (as many as the first epoch had)."""
        count = len(self.train_set.arrays["obs"])
        generator = torch.Generator().manual_seed(self.seed + 1_000_003 * epoch)
        return TrajectoryWindows(self.world.collect(count, self.trajectory_length, generator), self.num_frames)

    def train_dataloader(self) -> DataLoader:
        if self.fresh_every_epoch and self.trainer is not None and self.trainer.current_epoch != self.train_epoch:
            epoch = self.trainer.current_epoch
            self.train_set, self.train_epoch = self.fresh_training_set(epoch), epoch
        return DataLoader(self.train_set, batch_size=self.batch_size, shuffle=True, drop_last=True, num_workers=self.num_workers)

    def val_dataloader(self) -> DataLoader | list:
        if self.val_set is None:
            return []
        return DataLoader(self.val_set, batch_size=self.batch_size, num_workers=self.num_workers)
