"""V-JEPA multi-block 3D (tube) masks at 16 x 16 x 8 tokens: masked ratios, tubes, disjointness, equal K, reach."""

from __future__ import annotations

import torch

from worldmodels.maskers import MultiBlock3DMasker

FRAMES, SIDE = 8, 16
TOKENS = FRAMES * SIDE * SIDE


def vjepa_masker(seed: int = 0) -> MultiBlock3DMasker:
    """V-JEPA's setting: 16 frames of 224 x 224, tubelets 2 x 14 x 14 -> 8 x 16 x 16 tokens."""
    return MultiBlock3DMasker(input_size=224, patch_size=14, num_frames=16, tubelet_size=2, seed=seed)


def _masked_fractions(masker: MultiBlock3DMasker, batch_size: int, batches: int) -> tuple[float, float]:
    """Mean of 1 − K / N over batches, for the short- and the long-range mask set."""
    fractions = torch.tensor([[1 - s["context"].shape[1] / TOKENS for s in masker(batch_size)["masks"]] for _ in range(batches)])
    short, long = fractions.mean(dim=0).tolist()
    return short, long


def test_masked_ratios_short_and_long_range() -> None:
    """The papers' ≈76 % / 94-95 % masked: the tokens outside the context once it is cut to the batch's smallest
    (1 − K / N), at V-JEPA's per-GPU batch sizes (24-64 clips; 32 here). A lone clip is not cut: its unions cover
    ≈62 % and ≈81 % of the tokens."""
    short, long = _masked_fractions(vjepa_masker(), batch_size=32, batches=30)
    assert 0.74 < short < 0.79 and 0.935 < long < 0.96
    short, long = _masked_fractions(vjepa_masker(), batch_size=1, batches=200)
    assert 0.58 < short < 0.66 and 0.77 < long < 0.85


def test_context_and_target_are_disjoint_equal_sized_and_within_the_grid() -> None:
    masker = vjepa_masker()
    for batch_size in (1, 5, 16):
        for mask_set in masker(batch_size)["masks"]:
            context, target = mask_set["context"], mask_set["target"]
            assert context.shape[0] == target.shape[0] == batch_size and target.shape[1] == 1
            assert not (context[:, :, None] == target[:, 0, None, :]).any()
            assert context.max() < TOKENS and target.max() < TOKENS


def test_a_lone_clip_is_split_into_tubes_over_every_frame() -> None:
    for mask_set in vjepa_masker()(1)["masks"]:  # one clip: nothing is cut
        context = torch.zeros(TOKENS, dtype=torch.bool).scatter_(0, mask_set["context"][0], True).view(FRAMES, -1)
        target = torch.zeros(TOKENS, dtype=torch.bool).scatter_(0, mask_set["target"][0, 0], True).view(FRAMES, -1)
        assert (context == context[:1]).all()  # the same spatial positions in every frame
        assert (target == ~context).all()


def test_every_token_is_reachable() -> None:
    """Every token can be a target, and short-range context; a 70 % block always covers the frame's centre, so the
    long-range context reaches every edge token (the last row and column too) but not the centre."""
    masker = MultiBlock3DMasker()  # 4 x 7 x 7 tokens
    seen = torch.zeros(2, 2, 4 * 49, dtype=torch.bool)  # (short, long) x (context, target)
    for _ in range(100):
        for i, mask_set in enumerate(masker(8)["masks"]):
            seen[i, 0, mask_set["context"].flatten()] = True
            seen[i, 1, mask_set["target"].flatten()] = True
    assert seen[:, 1].all() and seen[0, 0].all()
    long_context = seen[1, 0].view(4, 7, 7)
    assert long_context[:, [0, -1], :].all() and long_context[:, :, [0, -1]].all()
