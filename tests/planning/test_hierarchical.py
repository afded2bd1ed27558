"""The high level (graph search over the model's macro-actions) finds the door of a wall the straight line runs into,
and with it a flat low-level planner reaches a goal it cannot reach alone."""

from __future__ import annotations

import torch

from worldmodels.planning import ICEMPlanner, LatentGoalEnergy, LatentGraphSearch, LatentMPC, SubgoalPlanner
from worldmodels.planning.latent_graph import macro_directions

DOOR = 1.0  # the wall x = 0 is open for |y| < DOOR


class WallModel:
    """Latent = position (B, 2) in the box [-5, 5]^2, actions add to it; a step across x = 0 outside the door stops short
    of the wall."""

    def encode(self, obs: torch.Tensor) -> torch.Tensor:
        return obs

    def step(self, pos: torch.Tensor, action: torch.Tensor) -> torch.Tensor:
        new = (pos + action).clamp(-5, 5)
        crosses = (pos[:, 0] * new[:, 0] < 0) | ((new[:, 0] == 0) & (pos[:, 0] != 0))
        fraction = pos[:, 0].abs() / (pos[:, 0] - new[:, 0]).abs().clamp_min(1e-9)
        y_at_wall = pos[:, 1] + fraction * (new[:, 1] - pos[:, 1])
        blocked = crosses & (y_at_wall.abs() >= DOOR)
        stopped = torch.stack([pos[:, 0].sign() * 0.01, y_at_wall], dim=-1)
        return torch.where(blocked[:, None], stopped, new)

    def rollout(self, latent: torch.Tensor, actions: torch.Tensor) -> torch.Tensor:
        out, pos = [], latent
        for t in range(actions.shape[1]):
            pos = self.step(pos, actions[:, t])
            out.append(pos)
        return torch.stack(out, dim=1)


def test_macro_directions_span_the_box() -> None:
    two = macro_directions(2, 8)
    assert two.shape == (8, 2) and torch.allclose(two.abs().amax(-1), torch.ones(8))
    assert torch.allclose(two.sum(0), torch.zeros(2), atol=1e-6)  # evenly spaced headings
    three = macro_directions(3, 10)
    assert three.shape == (10, 3) and torch.equal(three[:6], torch.cat([torch.eye(3), -torch.eye(3)]))


def test_search_goes_through_the_door() -> None:
    search = LatentGraphSearch(macro_steps=2, directions=8, max_depth=30)
    start, goal = torch.tensor([-3.0, 4.0]), torch.tensor([3.0, 4.0])
    (path,) = search.search(WallModel(), start[None], goal[None], search.macros(-torch.ones(2), torch.ones(2)))
    assert torch.equal(path.latents[0], start) and path.goal_distance < 1.0
    at_wall = path.latents[(path.latents[:, 0].abs() < 2.0)]
    assert len(at_wall) and at_wall[:, 1].abs().min() < DOOR + 1.0  # it crosses near the door, not over the wall
    assert path.macros.shape == (len(path.latents) - 1, 2)
    replayed = WallModel().rollout(start[None], path.macros.repeat_interleave(2, dim=0)[None])[0, 1::2]
    assert torch.allclose(replayed, path.latents[1:])  # the path is what the model does with its macro-actions


def test_subgoals_let_a_flat_planner_pass_the_wall() -> None:
    def controller(hierarchical: bool) -> LatentMPC:
        low = ICEMPlanner(horizon=6, samples=128, iterations=4, elites=12, init_std=0.3, max_action=1.0)
        planner = SubgoalPlanner(low, LatentGraphSearch(macro_steps=2, max_depth=30)) if hierarchical else low
        return LatentMPC(WallModel(), planner, LatentGoalEnergy("l2", "all"), action_dim=2, execute_steps=2)

    starts, goals = torch.tensor([[-3.0, 4.0], [-4.0, -3.0]]), torch.tensor([[3.0, 4.0], [3.5, -4.0]])
    finals = {}
    for hierarchical in (False, True):
        mpc, pos = controller(hierarchical), starts.clone()
        for _ in range(30):
            for action in mpc.act(pos, goals).unbind(1):
                pos = WallModel().step(pos, action)
        finals[hierarchical] = (pos - goals).norm(dim=-1)
    assert (finals[True] < 0.5).all(), finals
    assert (finals[False] > 2.0).all(), finals  # the flat planner stays pressed against the wall nearest the goal
