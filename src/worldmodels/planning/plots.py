"""Pictures of a planning evaluation: trajectories over the rooms, and a GIF of one episode."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
from PIL import Image  # noqa: E402

from worldmodels.planning.evaluate import EpisodeRecord  # noqa: E402


def plot_trajectories(
    record: EpisodeRecord,
    path: str | Path,
    success_radius: float,
    num_episodes: int = 8,
    decode: Callable[[torch.Tensor], torch.Tensor] | None = None,
) -> None:
    """A grid of episodes: walls, the executed path (start o, end x), the goal with its success circle, the hazard box
    when there is one and, when the record has subgoals and ``decode`` maps latents (N, D) to positions (N, 2), the
    subgoals chosen along the way."""
    count = min(num_episodes, len(record.positions))
    cols = min(4, count)
    rows = -(-count // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3 * cols, 3 * rows), squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i >= count:
            continue
        ax.imshow(record.walls[i].numpy(), cmap="Greys", vmin=0, vmax=400)
        if record.hazard is not None:
            x0, y0, x1, y1 = record.hazard.tolist()
            ax.add_patch(plt.Rectangle((x0, y0), x1 - x0, y1 - y0, color="tab:red", alpha=0.25, label="hazard"))
        xy = record.positions[i].numpy()
        final = float(np.linalg.norm(xy[-1] - record.goals[i].numpy()))
        ax.plot(xy[:, 0], xy[:, 1], "-", color="tab:blue", lw=1)
        ax.plot(*xy[0], "o", color="tab:blue")
        ax.plot(*xy[-1], "x", color="tab:red")
        if record.subgoals is not None and decode is not None:
            sub = decode(record.subgoals[i]).numpy()
            ax.plot(sub[:, 0], sub[:, 1], ".", color="tab:orange", ms=3, label="subgoals")
        ax.add_patch(plt.Circle(tuple(record.goals[i].numpy()), success_radius, color="tab:green", fill=False))
        ax.set_title(f"ep {i}: {'success' if final < success_radius else 'fail'} ({final:.1f} px)", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def episode_gif(
    record: EpisodeRecord, path: str | Path, decode: Callable[[torch.Tensor], torch.Tensor] | None, scale: int = 4, stride: int = 2
) -> None:
    """One episode as a GIF: left the real dot and goal, right the predicted rollout at that step (decoded to
    positions (H, 2) by ``decode``, e.g. the world model's position probe) over the same walls."""
    walls = record.walls[0].numpy().astype(np.float32) / 2
    goal = record.goals[0].numpy()
    frames = []
    for t in range(0, len(record.predicted_latents), stride):
        left = np.stack([walls] * 3, -1)
        right = left.copy()
        _dot(left, record.positions[0, t].numpy(), (255, 60, 60))
        _dot(left, goal, (60, 200, 60))
        _dot(right, goal, (60, 200, 60))
        if decode is not None:
            for xy in decode(record.predicted_latents[t]).numpy():
                _dot(right, xy, (90, 120, 255), radius=1)
        _dot(right, record.positions[0, t].numpy(), (255, 60, 60))
        image = np.concatenate([left, np.full((left.shape[0], 2, 3), 255.0), right], axis=1).clip(0, 255).astype(np.uint8)
        frames.append(Image.fromarray(image).resize((image.shape[1] * scale, image.shape[0] * scale), Image.NEAREST))
    if frames:
        frames[0].save(path, save_all=True, append_images=frames[1:], duration=80, loop=0)


def _dot(image: np.ndarray, xy: np.ndarray, color: tuple[int, int, int], radius: int = 1) -> None:
    x, y = int(round(float(xy[0]))), int(round(float(xy[1])))
    size = image.shape[0]
    image[max(0, y - radius) : min(size, y + radius + 1), max(0, x - radius) : min(size, x + radius + 1)] = color
