"""The train sampler shuffles like RandomSampler and, restored from a checkpoint, continues the same epoch."""

from __future__ import annotations

import torch
from torch.utils.data import RandomSampler, TensorDataset

from worldmodels.data import FashionMNISTDataModule
from worldmodels.data.resumable_sampler import ResumableRandomSampler


def test_same_order_as_random_sampler_for_the_same_global_seed() -> None:
    torch.manual_seed(3)
    expected = [list(RandomSampler(range(20))) for _ in range(2)]
    torch.manual_seed(3)
    sampler = ResumableRandomSampler(range(20))
    assert [list(sampler) for _ in range(2)] == expected


def test_restored_state_continues_the_epoch_then_starts_a_new_one() -> None:
    sampler = ResumableRandomSampler(range(20))
    iterator = iter(sampler)
    seen = [next(iterator) for _ in range(7)]
    state = sampler.state_dict()
    rest = list(iterator)
    resumed = ResumableRandomSampler(range(20))
    resumed.load_state_dict(state)
    assert list(resumed) == rest and sorted(seen + rest) == list(range(20))
    assert sorted(resumed) == list(range(20))  # the epoch after is a full one
    finished = ResumableRandomSampler(range(20))
    finished.load_state_dict({"seed": 1, "yielded": 20})  # saved at an epoch's end: a fresh epoch
    assert sorted(finished) == list(range(20))
    assert ResumableRandomSampler(range(3)).state_dict() == {}


def tiny_splits() -> dict[str, TensorDataset]:
    """32 train and 8 test one-pixel "images" whose value is their index."""
    return {
        split: TensorDataset(torch.arange(n, dtype=torch.uint8).view(n, 1, 1, 1), torch.arange(n))
        for split, n in (("train", 32), ("test", 8))
    }


def test_datamodule_checkpoints_the_sampler_position_even_after_its_loader_exists() -> None:
    source = FashionMNISTDataModule(batch_size=4)
    source.splits = tiny_splits()
    batches = iter(source.train_dataloader())
    next(batches)
    state = source.state_dict()
    expected = next(batches)["image"]
    restored = FashionMNISTDataModule(batch_size=4)
    restored.splits = tiny_splits()
    loader = restored.train_dataloader()  # Lightning makes the loader before it restores the checkpoint
    restored.load_state_dict(state)
    assert torch.equal(next(iter(loader))["image"], expected)
