"""Random masks: the ratio, disjoint context and target covering every token, same seed -> same masks."""

from __future__ import annotations

import pytest
import torch

from worldmodels.maskers import RandomMasker


def test_ratio_partition_and_reach() -> None:
    masker = RandomMasker(input_size=28, patch_size=4, ratio=0.75)
    seen = torch.zeros(49, dtype=torch.bool)
    for _ in range(20):
        (mask_set,) = masker(16)["masks"]
        context, target = mask_set["context"], mask_set["target"][:, 0]
        assert context.shape == (16, 12) and target.shape == (16, 37)  # round(0.75 · 49) = 37 masked
        everything = torch.cat([context, target], dim=1).sort(dim=1).values
        assert torch.equal(everything, torch.arange(49).expand(16, -1))  # disjoint, and together every token
        seen[context.flatten()] = True
    assert seen.all()


def test_clips_same_seed_and_bad_ratio() -> None:
    masker = RandomMasker(input_size=28, patch_size=4, num_frames=8, tubelet_size=2, ratio=0.9, seed=1)
    (mask_set,) = masker(2)["masks"]
    assert mask_set["context"].shape == (2, 20) and mask_set["target"].shape == (2, 1, 176)  # 4 x 7 x 7 = 196 tokens
    assert torch.equal(RandomMasker(seed=1)(4)["masks"][0]["context"], RandomMasker(seed=1)(4)["masks"][0]["context"])
    with pytest.raises(ValueError, match="ratio"):
        RandomMasker(ratio=1.0)
