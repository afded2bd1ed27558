"""I-JEPA multi-block masks, measured over many batches: block scales and aspects, disjointness, equal K, reach."""

from __future__ import annotations

import pytest
import torch

from worldmodels.maskers import MultiBlockMasker
from worldmodels.maskers.blocks import place_blocks, sample_block_size

GRID = (14, 14)  # I-JEPA's 224 / 16


def _boxes(indices: torch.Tensor, width: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Indices (..., M) of blocks -> bounding-box heights and widths (...)."""
    rows, cols = indices // width, indices % width
    return rows.amax(-1) - rows.amin(-1) + 1, cols.amax(-1) - cols.amin(-1) + 1


def test_target_blocks_are_whole_rectangles_within_the_scale_and_aspect_ranges() -> None:
    masker = MultiBlockMasker(input_size=224, patch_size=16, min_keep=10)
    scales, aspects = [], []
    for _ in range(200):
        target = masker(8)["masks"][0]["target"]
        assert target.shape[:2] == (8, 4)
        heights, widths = _boxes(target, GRID[1])
        assert torch.equal(heights * widths, torch.full_like(heights, target.shape[-1]))  # each group is one full block
        scales.append(target.shape[-1] / 196)
        aspects.append(float(heights[0, 0] / widths[0, 0]))
    scales, aspects = torch.tensor(scales), torch.tensor(aspects)
    # 0.15-0.2 of 196 tokens is 29.4-39.2, rounded to whole rows and columns: 25 (5 x 5) to 42 (7 x 6) tokens
    assert 0.12 <= scales.min() < 0.15 and 0.19 < scales.max() <= 0.215
    assert 0.16 < scales.mean() < 0.19
    assert 0.7 <= aspects.min() < 0.8 and 1.4 < aspects.max() <= 1.75


def test_block_sizes_follow_the_scale_and_aspect_ranges_on_a_fine_grid() -> None:
    generator = torch.Generator().manual_seed(0)
    for scale, aspect in (((0.15, 0.2), (0.75, 1.5)), ((0.85, 1.0), (1.0, 1.0))):
        sizes = torch.tensor([sample_block_size(generator, scale, aspect, (200, 200)) for _ in range(2000)]).float()
        area, ratio = sizes.prod(dim=1) / 200**2, sizes[:, 0] / sizes[:, 1]
        assert scale[0] - 0.005 < area.min() < scale[0] + 0.01 and scale[1] - 0.01 < area.max() < scale[1] + 0.005
        assert aspect[0] - 0.02 < ratio.min() < aspect[0] + 0.03 and aspect[1] - 0.03 < ratio.max() < aspect[1] + 0.02
    sizes = torch.tensor([sample_block_size(generator, (0.15, 0.2), (0.75, 1.5), (200, 200)) for _ in range(2000)]).float()
    correlation = torch.corrcoef(torch.stack([sizes.prod(dim=1), sizes[:, 0] / sizes[:, 1]]))[0, 1]
    assert abs(correlation) < 0.1  # separate draws (I-JEPA's shared draw makes large blocks tall: correlation ~1)


def test_context_and_targets_never_overlap_and_k_is_equal_across_the_batch() -> None:
    masker = MultiBlockMasker(input_size=224, patch_size=16, min_keep=10)
    for batch_size in (1, 7, 64):
        for _ in range(20):
            (mask_set,) = masker(batch_size)["masks"]
            context, target = mask_set["context"], mask_set["target"]
            assert context.shape[0] == target.shape[0] == batch_size and context.dtype == torch.long
            assert context.shape[1] >= 10
            assert torch.equal(context, context.sort(dim=1).values) and torch.equal(context, context.unique(dim=1))
            overlap = (context[:, :, None] == target.flatten(1)[:, None, :]).any(dim=(1, 2))
            assert not overlap.any()


def test_every_patch_is_reachable_as_context_and_as_target() -> None:
    masker = MultiBlockMasker()  # the 7 x 7 Fashion-MNIST grid
    seen_context, seen_target = torch.zeros(49, dtype=torch.bool), torch.zeros(49, dtype=torch.bool)
    for _ in range(100):
        (mask_set,) = masker(32)["masks"]
        seen_context[mask_set["context"].flatten()] = True
        seen_target[mask_set["target"].flatten()] = True
    assert seen_context.all() and seen_target.all()  # includes the last row and column


def test_block_positions_cover_every_valid_offset() -> None:
    generator = torch.Generator().manual_seed(0)
    blocks = place_blocks(generator, 2000, 1, (3, 5), (7, 7))[:, 0]
    assert blocks.flatten(1).sum(dim=1).eq(15).all()
    assert blocks.any(dim=0).all()  # the corners (6, 6) and (0, 0) included
    tops = blocks.any(dim=2).float().argmax(dim=1)
    lefts = blocks.any(dim=1).float().argmax(dim=1)
    assert set(tops.tolist()) == set(range(5)) and set(lefts.tolist()) == set(range(3))


def test_same_seed_same_masks_and_impossible_settings_fail_clearly() -> None:
    first, second = MultiBlockMasker(seed=3), MultiBlockMasker(seed=3)
    for _ in range(5):
        a, b = first(16)["masks"][0], second(16)["masks"][0]
        assert all(torch.equal(a[k], b[k]) for k in ("context", "target"))
    assert not torch.equal(MultiBlockMasker(seed=4)(16)["masks"][0]["context"], MultiBlockMasker(seed=3)(16)["masks"][0]["context"])
    with pytest.raises(ValueError, match="min_keep"):
        MultiBlockMasker(num_targets=8, target_scale=(0.5, 0.5), min_keep=20)(4)
    with pytest.raises(ValueError, match="not divisible by the patch size 5"):
        MultiBlockMasker(input_size=28, patch_size=5)
