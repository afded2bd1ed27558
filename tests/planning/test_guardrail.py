"""Guardrails: a head fitted on 100 labelled states learns a forbidden zone, and the planner then goes around it."""

from __future__ import annotations

import pytest
import torch

from worldmodels.planning import Guardrail, ICEMSolver, LatentGoalEnergy, LatentGraphSearch, LatentMPC

ZONE = torch.tensor([-1.0, -1.5, 1.0, 1.5])  # x0, y0, x1, y1: between start (-3, 0) and goal (3, 0)


class OpenModel:
    """Latent = position (B, 2), actions add to it, the box [-5, 5]^2: the straight way crosses the zone."""

    def encode(self, obs: torch.Tensor) -> torch.Tensor:
        return obs

    def rollout(self, latent: torch.Tensor, actions: torch.Tensor) -> torch.Tensor:
        return (latent[:, None] + actions.cumsum(1)).clamp(-5, 5)


def inside(pos: torch.Tensor) -> torch.Tensor:
    return (pos[..., 0] >= ZONE[0]) & (pos[..., 0] <= ZONE[2]) & (pos[..., 1] >= ZONE[1]) & (pos[..., 1] <= ZONE[3])


def labelled(count: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Positions uniform around the zone (its box grown by half its size), labelled inside or not."""
    g = torch.Generator().manual_seed(seed)
    pos = torch.stack([torch.rand(count, generator=g) * 4 - 2, torch.rand(count, generator=g) * 6 - 3], dim=-1)
    return pos, inside(pos)


def test_a_guardrail_fitted_on_100_labels_classifies_unseen_states() -> None:
    latents, labels = labelled(100, seed=0)
    guardrail = Guardrail.fit(latents, labels, hidden_dim=32)
    assert guardrail.fit_report["labels"] == 100 and 0 < guardrail.fit_report["positives"] < 100
    test, truth = labelled(2000, seed=1)
    assert float((guardrail.violates(test) == truth).float().mean()) > 0.93
    far = torch.tensor([[4.0, 4.0], [-4.0, -4.0]])
    assert not guardrail.violates(far).any() and bool(guardrail.violates(torch.zeros(1, 2)).all())


def test_fit_rejects_labels_of_one_class() -> None:
    with pytest.raises(ValueError, match="examples of both"):
        Guardrail.fit(torch.randn(10, 2), torch.zeros(10))


def test_cost_adds_to_the_energy_and_hard_rejects() -> None:
    guardrail = Guardrail.fit(*labelled(100, seed=0), weight=10.0, hard=True)
    through = torch.stack([torch.linspace(-3, 3, 7), torch.zeros(7)], dim=-1)  # (H, 2) straight through the zone
    around = torch.stack([torch.linspace(-3, 3, 7), torch.full((7,), 3.0)], dim=-1)
    predicted = torch.stack([through, around])[None]  # (1, 2, H, 2)
    cost = guardrail.cost(predicted)
    assert cost[0, 0] > 1000 and cost[0, 1] < 1.0  # the violating sequence carries the hard penalty
    energy = LatentGoalEnergy("l2", "all")
    plain = energy(predicted, torch.tensor([[3.0, 0.0]]))
    energy.guardrails.append(guardrail)
    assert torch.allclose(energy(predicted, torch.tensor([[3.0, 0.0]])), plain + cost)


@pytest.mark.parametrize("hard", [False, True], ids=["soft", "hard"])
def test_the_planner_goes_around_the_zone_with_the_guardrail(hard: bool) -> None:
    guardrail = Guardrail.fit(*labelled(100, seed=0), weight=100.0, hard=hard, threshold=0.02)  # a wide berth at the corners
    start, goal = torch.tensor([[-3.0, 0.2], [-3.0, -0.3]]), torch.tensor([[3.0, 0.0], [3.0, 0.3]])
    outcome = {}
    for guarded in (False, True):
        energy = LatentGoalEnergy("l2", "all")
        if guarded:
            energy.guardrails.append(guardrail)
        solver = ICEMSolver(horizon=8, samples=128, iterations=4, elites=12, init_std=0.3, max_action=0.5)
        search = LatentGraphSearch(macro_steps=2, max_depth=20, subgoal_ahead=1)  # the search plans round the zone
        mpc = LatentMPC(OpenModel(), solver, energy, action_dim=2, search=search, execute_steps=2)
        pos, entered = start.clone(), torch.zeros(2, dtype=torch.bool)
        for _ in range(30):
            for action in mpc.act(pos, goal).unbind(1):
                pos = OpenModel().rollout(pos, action[:, None])[:, 0]
                entered |= inside(pos)
        outcome[guarded] = (entered, (pos - goal).norm(dim=-1))
    assert outcome[False][0].all()  # the plain energy goes straight through
    assert not outcome[True][0].any() and (outcome[True][1] < 0.5).all(), outcome[True]


def test_the_search_drops_nodes_inside_the_zone() -> None:
    guardrail = Guardrail.fit(*labelled(100, seed=0), threshold=0.1)
    search = LatentGraphSearch(macro_steps=2, directions=8, max_depth=20)
    start, goal = torch.tensor([[-3.0, 0.0]]), torch.tensor([[3.0, 0.0]])
    macros = search.macros(-0.5 * torch.ones(2), 0.5 * torch.ones(2))
    (plain,) = search.search(OpenModel(), start, goal, macros)
    (guarded,) = search.search(OpenModel(), start, goal, macros, guardrails=[guardrail])
    assert inside(plain.latents).any() and not inside(guarded.latents).any()
    assert guarded.goal_distance < 1.0
    subgoal = search.propose(OpenModel(), start, goal, -0.5 * torch.ones(2), 0.5 * torch.ones(2), guardrails=[guardrail])
    assert not inside(subgoal).any()
