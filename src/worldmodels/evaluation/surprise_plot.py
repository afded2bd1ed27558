"""The surprise curves of a violation-of-expectation benchmark, with the event frame marked, as one PNG."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import torch  # noqa: E402


def _aligned_mean(curves: torch.Tensor, frames: torch.Tensor, event_frames: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Curves (P, W) at ``frames`` (W,) re-indexed by frame − event frame -> offsets (K,) and the mean curve (K,)."""
    offsets = frames[None] - event_frames[:, None]  # (P, W)
    grid = torch.arange(int(offsets.min()), int(offsets.max()) + 1)
    sums, counts = torch.zeros(len(grid)), torch.zeros(len(grid))
    sums.index_add_(0, (offsets - grid[0]).flatten(), curves.flatten().float())
    counts.index_add_(0, (offsets - grid[0]).flatten(), torch.ones(curves.numel()))
    seen = counts > 0
    return grid[seen], sums[seen] / counts[seen]


def plot_surprise(
    possible: torch.Tensor,
    impossible: torch.Tensor,
    frames: torch.Tensor,
    event_frames: torch.Tensor,
    events: torch.Tensor,
    event_names: Sequence[str],
    path: str | Path,
) -> Path:
    """One column per event: the first pair's curves (top) and the mean over the event's pairs aligned at the event
    frame (bottom), possible in blue and impossible in red, the event frame dashed.

    Curves are (P, W) surprise of each window, drawn at ``frames`` (W,): the last frame of each window.
    """
    present = [(index, name) for index, name in enumerate(event_names) if (events == index).any()]
    fig, axes = plt.subplots(2, len(present), figsize=(3.4 * len(present), 5.6), squeeze=False)
    for column, (index, name) in enumerate(present):
        chosen = torch.nonzero(events == index)[:, 0]
        first = int(chosen[0])
        top, bottom = axes[0, column], axes[1, column]
        top.plot(frames, possible[first], "o-", color="tab:blue", ms=3, label="possible")
        top.plot(frames, impossible[first], "o-", color="tab:red", ms=3, label="impossible")
        top.axvline(int(event_frames[first]), color="k", ls="--", lw=1, label="event")
        top.set(title=f"{name}: pair {first}", xlabel="last frame of the window", ylabel="surprise (L1)")
        for curves, color, label in ((possible, "tab:blue", "possible"), (impossible, "tab:red", "impossible")):
            offsets, mean = _aligned_mean(curves[chosen], frames, event_frames[chosen])
            bottom.plot(offsets, mean, "o-", color=color, ms=3, label=label)
        bottom.axvline(0, color="k", ls="--", lw=1)
        bottom.set(title=f"{name}: mean of {len(chosen)} pairs", xlabel="frames after the event", ylabel="surprise (L1)")
    axes[0, 0].legend(fontsize=8)
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
