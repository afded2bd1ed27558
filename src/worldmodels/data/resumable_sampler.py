"""A shuffling sampler whose position is saved in checkpoints, so a run resumed mid-epoch sees the same batches."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import torch
from torch.utils.data import RandomSampler


class ResumableRandomSampler(RandomSampler):
    """``RandomSampler`` (same seed draw, same order) that remembers its epoch's seed and how many indices it gave.

    ``state_dict`` -> {"seed", "yielded"}; after ``load_state_dict`` the next epoch replays that permutation from
    index ``yielded`` on, so a run resumed from a mid-epoch checkpoint trains on exactly the remaining batches.
    Exact with ``num_workers=0``; with workers the loader has already drawn the indices of its prefetched batches,
    which a resumed epoch then skips. Under DDP Lightning replaces it with a ``DistributedSampler`` (resumes at
    epoch boundaries).
    """

    def __init__(self, data_source: Any) -> None:
        super().__init__(data_source)
        self.seed: int | None = None
        self.yielded = 0
        self._resume: dict[str, int] | None = None

    def __iter__(self) -> Iterator[int]:
        resume, self._resume = self._resume, None
        if resume is not None and resume["yielded"] < len(self.data_source):
            seed, start = resume["seed"], resume["yielded"]
        else:  # a new epoch (also after a checkpoint saved at an epoch's end)
            seed, start = int(torch.empty((), dtype=torch.int64).random_().item()), 0
        self.seed, self.yielded = seed, start
        order = torch.randperm(len(self.data_source), generator=torch.Generator().manual_seed(seed)).tolist()
        for index in order[start:]:
            self.yielded += 1
            yield index

    def state_dict(self) -> dict[str, int]:
        """The current epoch's seed and the number of indices handed out so far (empty before the first epoch)."""
        return {} if self.seed is None else {"seed": self.seed, "yielded": self.yielded}

    def load_state_dict(self, state_dict: dict[str, int]) -> None:
        """Make the next epoch continue the saved one (no-op for an empty state)."""
        self._resume = dict(state_dict) if state_dict else None
