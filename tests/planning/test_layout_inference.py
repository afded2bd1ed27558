"""Layout inference: a stall refits the episode's static latent dims until the model predicts what the world did."""

from __future__ import annotations

import pytest
import torch

from worldmodels.planning import ICEMPlanner, LatentGraphSearch, LayoutInference, StallMemory, SubgoalPlanner


class SoftDoorModel:
    """Latent (B, 3) = (x, y, c): a dot at (x, y) and the door's centre c in the wall x = 0, which the dot crosses
    where |y − c| < 1 (a smooth gate, so the door's place gets gradients); c never moves."""

    def rollout(self, latent: torch.Tensor, actions: torch.Tensor) -> torch.Tensor:
        out, state = [], latent
        for t in range(actions.shape[1]):
            x, y, c = state.unbind(-1)
            dx, dy = actions[:, t].unbind(-1)
            crosses = (x < 0) & (x + dx > 0)
            gate = torch.sigmoid(8 * (1 - (y - c).abs()))
            step = torch.where(crosses, gate * dx + (1 - gate) * (-x - 0.01), dx)
            state = torch.stack([x + step, y + dy, c], dim=-1)
            out.append(state)
        return torch.stack(out, dim=1)


def test_a_stall_moves_the_believed_door_off_the_stalled_row_and_keeps_the_free_moves() -> None:
    """The model puts the door at y = 3 where the world has wall (the dot stalls at x = −0.01, y = 3.3). Before the stall the
    offsets are zero; after it, only the static dim moved, and the refitted model predicts the stall (the dot stays at
    the wall) while still predicting the free move it saw before and a pass through the door's new place."""
    model, inference = SoftDoorModel(), LayoutInference(static_from=2, steps=100, lr=0.1)
    push = torch.tensor([[[1.0, 0.0]] * 2])
    free_before, free_after = torch.tensor([[-3.5, 3.0, 3.0]]), torch.tensor([[-1.5, 3.0, 3.0]])
    inference.observe(model, free_before, push, free_after, torch.tensor([False]))
    assert torch.equal(inference.offsets(free_after), torch.zeros(1, 3))
    stall_before, stall_after = torch.tensor([[-1.5, 3.3, 3.0]]), torch.tensor([[-0.01, 3.3, 3.0]])
    assert model.rollout(stall_before, push)[0, -1, 0] > 0.4  # the model predicts a pass
    inference.observe(model, stall_before, push, stall_after, torch.tensor([True]))
    offsets = inference.offsets(stall_after)
    assert offsets[0, :2].abs().max() == 0 and offsets[0, 2].abs() > 0.5
    assert model.rollout(stall_before + offsets, push)[0, -1, 0] < 0.1  # now it predicts the stall
    assert torch.allclose(model.rollout(free_before + offsets, push)[0, -1, :2], free_after[0, :2], atol=1e-3)
    door = 3.0 + float(offsets[0, 2])
    assert model.rollout(torch.tensor([[-1.5, door, door]]), push)[0, -1, 0] > 0.4
    inference.reset(1)
    assert torch.equal(inference.offsets(stall_after), torch.zeros(1, 3))


def test_inference_needs_the_stall_memory() -> None:
    low = ICEMPlanner(horizon=4, samples=16, iterations=2, elites=4)
    with pytest.raises(ValueError, match="planner.memory"):
        SubgoalPlanner(low, LatentGraphSearch(), inference=LayoutInference(static_from=2))
    assert SubgoalPlanner(low, LatentGraphSearch(), memory=StallMemory(), inference=LayoutInference(static_from=2)).inference is not None
