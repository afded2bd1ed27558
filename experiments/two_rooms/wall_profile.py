"""Where along the wall does a Two Rooms world model believe the dot passes? One line per layout and side.

    python experiments/two_rooms/wall_profile.py outputs/two_rooms/runs/<run> 27:52,35:53 [--push 2.45:0:4] [--start 8]

For each layout (wall column:door row) and each side, dots start ``--start`` px from the wall's centre at rows 4, 6,
..., 60 and the model rolls out ``--push`` (dx:dy:steps, dx toward the wall); the predicted final latent is compared
with the encoded dot that passed (start + the pushes, ignoring the wall) and the one the env stops. One character per
row: a pass predicted ``D`` inside the door / ``P`` beside it (a false pass), a block predicted ``x`` inside the door
(a false block) / ``.`` beside it. Layouts of failed episodes come from ``failures.py``.
"""

from __future__ import annotations

import argparse

import torch
from model_diagnostics import predicted_nearer, pushed

from worldmodels.cli.plan import load_world_model
from worldmodels.envs import RoomsWorld
from worldmodels.envs.rooms import RoomsGeometry


@torch.no_grad()
def profile(model: torch.nn.Module, geometry: RoomsGeometry, wall_x: float, door_y: float, side: int, push: tuple[float, float, int],
            start_px: float, rows: torch.Tensor) -> str:  # fmt: skip
    """One character per row (see the module doc) for dots starting on ``side`` (−1 left, +1 right) of the wall."""
    count = len(rows)
    walls_x, doors_y = torch.full((count,), wall_x), torch.full((count,), door_y)
    start = torch.stack([walls_x + side * start_px, rows], dim=1)
    pushes = torch.tensor([-side * push[0], push[1]]).expand(count, push[2], 2)
    stopped = pushed(geometry, start, pushes, walls_x, torch.full_like(doors_y, -100.0))  # a closed wall
    passes = predicted_nearer(model, geometry, geometry.wall_image(walls_x, doors_y), start, pushes, start + pushes.sum(1), stopped)
    in_door = (rows - door_y).abs() <= geometry.door_half_height + 0.5
    codes = [
        ("D" if door else "P") if passing else ("x" if door else ".")
        for passing, door in zip(passes.tolist(), in_door.tolist(), strict=True)
    ]
    return "".join(codes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ckpt", help="a world-model run dir or .ckpt")
    parser.add_argument("layouts", help="comma-separated wall_x:door_y pairs, e.g. 27:52,35:53")
    parser.add_argument("--push", default="2.45:0:4", help="dx:dy:steps (dx toward the wall, px per step)")
    parser.add_argument("--start", type=float, default=8.0, help="start distance from the wall's centre (px)")
    args = parser.parse_args()
    torch.set_num_threads(2)
    world = RoomsWorld()
    model, _ = load_world_model(args.ckpt, world)
    dx, dy, steps = args.push.split(":")
    push = (float(dx), float(dy), int(steps))
    rows = torch.arange(4, 61, 2).float()
    print(f"rows {int(rows[0])}..{int(rows[-1])}, one character per {int(rows[1] - rows[0])} px; push {args.push} from {args.start:g} px")
    for layout in args.layouts.split(","):
        wall_x, door_y = (float(value) for value in layout.split(":"))
        left, right = (profile(model, world.geometry, wall_x, door_y, side, push, args.start, rows) for side in (-1, 1))
        print(f"wall {wall_x:.0f} door {door_y:.0f}: from the left {left}  from the right {right}")


if __name__ == "__main__":
    main()
