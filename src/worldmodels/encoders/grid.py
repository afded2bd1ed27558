"""Token grids: input sizes and patch (tubelet) sizes -> the grid of tokens, with a clear error when they do not divide."""

from __future__ import annotations


def check_divisible(size: int, patch: int, what: str = "image size", unit: str = "patch size") -> int:
    """``size // patch``; a ValueError naming both sizes and the allowed ones when ``patch`` does not divide ``size``."""
    if patch < 1:
        raise ValueError(f"the {unit} must be a positive integer, got {patch}")
    if size % patch:
        lower, upper = size // patch * patch, (size // patch + 1) * patch
        nearest = f"{lower} or {upper}" if lower else str(upper)
        divisors = [d for d in range(1, size + 1) if size % d == 0]
        raise ValueError(
            f"{what} {size} is not divisible by the {unit} {patch}: the {what} must be a multiple of {patch} "
            f"(e.g. {nearest}), or the {unit} one of the divisors of {size}: {divisors}"
        )
    return size // patch


def token_grid(input_size: int, patch_size: int, num_frames: int = 1, tubelet_size: int = 1) -> tuple[int, ...]:
    """Token grid of square inputs: (H, W) for images (``num_frames`` 1), (T, H, W) for clips of ``num_frames``."""
    side = check_divisible(input_size, patch_size)
    if num_frames == 1:
        return side, side
    return check_divisible(num_frames, tubelet_size, "number of frames", "tubelet size"), side, side
