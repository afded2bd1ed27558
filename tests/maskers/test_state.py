"""Masker state: saved and restored (also through the datamodule's checkpoint hooks); workers never repeat masks."""

from __future__ import annotations

import pytest
import torch
from torch.utils.data import DataLoader

from worldmodels.data import FashionMNISTDataModule
from worldmodels.maskers import Masker, MultiBlock3DMasker, MultiBlockMasker, RandomMasker

MASKERS = [MultiBlockMasker, MultiBlock3DMasker, RandomMasker]


def _flat(out: dict) -> list[torch.Tensor]:
    return [tensor for mask_set in out["masks"] for tensor in (mask_set["context"], mask_set["target"])]


def _same(a: dict, b: dict) -> bool:
    return all(torch.equal(x, y) for x, y in zip(_flat(a), _flat(b), strict=True))


@pytest.mark.parametrize("kind", MASKERS, ids=lambda k: k.__name__)
def test_restoring_the_state_reproduces_the_rest_of_the_stream(kind: type[Masker]) -> None:
    masker = kind(seed=5)
    masker(8)
    state = masker.state_dict()
    expected = [masker(8) for _ in range(3)]
    resumed = kind(seed=0)
    resumed.load_state_dict(state)
    assert all(_same(resumed(8), e) for e in expected)
    assert not _same(kind(seed=5)(8), expected[0])  # the state moved on: a fresh masker starts elsewhere


def test_datamodule_checkpoint_hooks_carry_the_masker_state() -> None:
    datamodule = FashionMNISTDataModule(masker=MultiBlockMasker(seed=1))
    datamodule.masker(4)
    state = datamodule.state_dict()
    expected = datamodule.masker(4)
    restored = FashionMNISTDataModule(masker=MultiBlockMasker(seed=2))
    restored.load_state_dict(state)
    assert _same(restored.masker(4), expected)
    assert FashionMNISTDataModule().state_dict() == {}  # no masker, nothing saved


def test_dataloader_workers_draw_different_masks() -> None:
    masker = RandomMasker(seed=0)
    loader = DataLoader(range(8), batch_size=2, num_workers=2, collate_fn=lambda items: masker(len(items)))
    contexts = [batch["masks"][0]["context"] for batch in loader]
    assert len(contexts) == 4
    assert not torch.equal(contexts[0], contexts[1])  # batches 0 and 1 come from different workers
    again = [
        batch["masks"][0]["context"]
        for batch in DataLoader(range(8), batch_size=2, num_workers=2, collate_fn=lambda items: masker(len(items)))
    ]
    assert all(torch.equal(a, b) for a, b in zip(contexts, again, strict=True))  # reproducible for a fixed worker count
