"""Does a trained Two Rooms world model know the walls and the door?

    python experiments/two_rooms/model_diagnostics.py outputs/two_rooms/runs/<run>

1. Linear decodability of the dot (x, y) and the layout (wall x, door y) from the latent: a least-squares readout fitted
   on 2,000 encoded observations (random layouts, free positions), its mean absolute error in pixels on 1,000 others.
2. Rollouts against the wall: the dot starts 8 px left of the wall and the model rolls out 8 pushes to the right
   (+2.45, 0); at the door's height the true dot passes (final x − wall x > 0), 15 px away from the door it stops.
   The readout decodes the predicted final x; a model that plans through doors must predict both cases.
3. The door's extent, without a readout: per band of door rows (the extreme ones, whose outer wall segment is 1 px,
   and the rest), the same 8 pushes start 0, 3, 5, 7 and 10 px from the door's centre (the door's half-height is 4).
   Inside the door a push is misjudged when the predicted final latent lies nearer the encoded dot stopped by a closed
   wall than the one that passed; beside it, when it lies nearer the dot that passed than the one that stopped.
Prints one JSON line.
"""

from __future__ import annotations

import json
import sys

import torch

from worldmodels.cli.plan import load_world_model
from worldmodels.envs import RoomsWorld
from worldmodels.envs.rooms import RoomsGeometry


@torch.no_grad()
def main(ckpt: str) -> dict:
    torch.set_num_threads(1)
    world = RoomsWorld()
    geometry = world.geometry
    model, _ = load_world_model(ckpt, world)
    generator = torch.Generator().manual_seed(0)
    wall_x, door_y = geometry.sample_layouts(3000, generator)
    pos = geometry.sample_free_positions(wall_x, door_y, generator)
    obs = geometry.render(pos, geometry.wall_image(wall_x, door_y))
    latents = torch.cat([model.encode(part) for part in obs.split(500)])
    design = torch.cat([latents, torch.ones(len(latents), 1)], dim=1)
    targets = torch.stack([pos[:, 0], pos[:, 1], wall_x.float(), door_y.float()], dim=1)
    readout = torch.linalg.lstsq(design[:2000], targets[:2000]).solution
    decode_mae = (design[2000:] @ readout - targets[2000:]).abs().mean(0)
    report = {"ckpt": ckpt, "latent_dim": latents.shape[1],
              "decode_mae_px": dict(zip(("x", "y", "wall_x", "door_y"), [round(v, 2) for v in decode_mae.tolist()], strict=True))}  # fmt: skip

    pushes = torch.tensor([2.45, 0.0]).expand(400, 8, 2)
    for case, offset in (("at_door", 0.0), ("off_door", 15.0)):
        layout_x, layout_y = geometry.sample_layouts(400, generator)
        sign = torch.where(layout_y > 32, -1.0, 1.0)  # 15 px toward the middle, so the start stays inside the room
        start = torch.stack([layout_x.float() - 8, layout_y.float() + sign * offset], dim=1)
        predicted = model.rollout(model.encode(geometry.render(start, geometry.wall_image(layout_x, layout_y))), pushes)[:, -1]
        true = pushed(geometry, start, pushes, layout_x, layout_y)
        predicted_x = torch.cat([predicted, torch.ones(400, 1)], dim=1) @ readout[:, 0]
        report[case] = {"true_final_x_minus_wall": round(float((true[:, 0] - layout_x).mean()), 1),
                        "predicted_final_x_minus_wall": round(float((predicted_x - layout_x).mean()), 1),
                        "passed_true": round(float((true[:, 0] > layout_x + 2).float().mean()), 3),
                        "passed_predicted": round(float((predicted_x > layout_x + 2).float().mean()), 3)}  # fmt: skip
    report["door_misjudged"] = door_misjudged(model, geometry)
    print(json.dumps(report))
    return report


def pushed(geometry: RoomsGeometry, start: torch.Tensor, pushes: torch.Tensor, wall_x: torch.Tensor, door_y: torch.Tensor) -> torch.Tensor:
    """Where the env's dynamics take the dots at ``start`` (B, 2) under ``pushes`` (B, T, 2): final positions (B, 2)."""
    for t in range(pushes.shape[1]):
        start = geometry.move(start, pushes[:, t], wall_x, door_y)
    return start


def predicted_nearer(model: torch.nn.Module, geometry: RoomsGeometry, walls: torch.Tensor, start: torch.Tensor, pushes: torch.Tensor,
                     first: torch.Tensor, second: torch.Tensor) -> torch.Tensor:  # fmt: skip
    """(B,) True where the model's final latent for dots at ``start`` (B, 2) under ``pushes`` (B, T, 2), in ``walls``
    (B, S, S), lies nearer the encoded dot at ``first`` (B, 2) than the one at ``second`` (B, 2)."""
    predicted = model.rollout(model.encode(geometry.render(start, walls)), pushes)[:, -1]
    to_first = (predicted - model.encode(geometry.render(first, walls))).norm(dim=-1)
    to_second = (predicted - model.encode(geometry.render(second, walls))).norm(dim=-1)
    return to_first < to_second


def door_misjudged(model: torch.nn.Module, geometry: RoomsGeometry, count: int = 300) -> dict[str, dict[str, float]]:
    """{door band: {px from the door's centre: fraction of pushes whose outcome the model gets wrong}}: inside the door
    (0, 3 px) the dot passes and the alternative is stopping at a closed wall; beside it (5, 7, 10 px) the dot stops and
    the alternative is passing. Wrong: the predicted final latent lies nearer the alternative's encoded latent."""
    pushes = torch.tensor([2.45, 0.0]).expand(count, 8, 2)
    bands = {"rows 10-14": (10, 14), "rows 15-49": (15, 49), "rows 50-54": (50, 54)}
    report = {}
    for name, (low, high) in bands.items():
        generator = torch.Generator().manual_seed(0)
        wall_x, _ = geometry.sample_layouts(count, generator)
        door_y = torch.randint(low, high + 1, (count,), generator=generator).float()
        walls = geometry.wall_image(wall_x, door_y)
        toward_middle = torch.where(door_y > 32, -1.0, 1.0)
        report[name] = {}
        for offset in (0.0, 3.0, 5.0, 7.0, 10.0):
            start = torch.stack([wall_x - 8, door_y + toward_middle * offset], dim=1)
            true = pushed(geometry, start, pushes, wall_x, door_y)
            if offset <= geometry.door_half_height:  # the alternative: a closed wall (no door in reach) stops the dot
                alternative = pushed(geometry, start, pushes, wall_x, torch.full_like(door_y, -100.0))
            else:  # the alternative: the dot passes through the wall
                alternative = start + pushes.sum(1)
            wrong = predicted_nearer(model, geometry, walls, start, pushes, alternative, true)
            report[name][f"{offset:g}px"] = round(float(wrong.float().mean()), 3)
    return report


if __name__ == "__main__":
    main(sys.argv[1])
