"""Does a trained Two Rooms world model know the walls and the door?

    python experiments/two_rooms/model_diagnostics.py outputs/two_rooms/runs/<run>

1. Linear decodability of the dot (x, y) and the layout (wall x, door y) from the latent: a least-squares readout fitted
   on 2,000 encoded observations (random layouts, free positions), its mean absolute error in pixels on 1,000 others.
2. Rollouts against the wall: the dot starts 8 px left of the wall and the model rolls out 8 pushes to the right
   (+2.45, 0); at the door's height the true dot passes (final x − wall x > 0), 15 px away from the door it stops.
   The readout decodes the predicted final x; a model that plans through doors must predict both cases.
Prints one JSON line.
"""

from __future__ import annotations

import json
import sys

import torch

from worldmodels.cli.plan import load_world_model
from worldmodels.envs import RoomsWorld


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
        true = start.clone()
        for t in range(pushes.shape[1]):
            true = geometry.move(true, pushes[:, t], layout_x, layout_y)
        predicted_x = torch.cat([predicted, torch.ones(400, 1)], dim=1) @ readout[:, 0]
        report[case] = {"true_final_x_minus_wall": round(float((true[:, 0] - layout_x).mean()), 1),
                        "predicted_final_x_minus_wall": round(float((predicted_x - layout_x).mean()), 1),
                        "passed_true": round(float((true[:, 0] > layout_x + 2).float().mean()), 3),
                        "passed_predicted": round(float((predicted_x > layout_x + 2).float().mean()), 3)}  # fmt: skip
    print(json.dumps(report))
    return report


if __name__ == "__main__":
    main(sys.argv[1])
