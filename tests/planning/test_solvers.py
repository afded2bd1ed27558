"""Each solver solves a toy problem with a known optimum (a linear latent model z_{t+1} = z_t + a_t), and each
episode's plan depends only on its own generator."""

from __future__ import annotations

import pytest
import torch

from worldmodels.planning import CEMSolver, GradientSolver, ICEMSolver, LatentGoalEnergy, LatentMPC, MPPISolver, wilson_interval
from worldmodels.planning.protocol import seeded_generator
from worldmodels.planning.solvers import coloured_noise


class LinearModel:
    """Latent = observation (B, 2); actions add to it."""

    def encode(self, obs: torch.Tensor) -> torch.Tensor:
        return obs

    def rollout(self, latent: torch.Tensor, actions: torch.Tensor) -> torch.Tensor:
        return latent[:, None] + actions.cumsum(dim=1)


PLANNERS = {
    "cem": lambda: CEMSolver(horizon=5, samples=128, iterations=6, elites=12, max_action=1.0),
    "mppi": lambda: MPPISolver(horizon=5, samples=128, iterations=6, elites=16, temperature=0.05, max_action=1.0),
    "icem": lambda: ICEMSolver(horizon=5, samples=128, iterations=6, elites=12, max_action=1.0),
    "gd": lambda: GradientSolver(horizon=5, samples=8, iterations=60, lr=0.1, max_action=1.0),
}


@pytest.mark.parametrize("name", sorted(PLANNERS))
def test_planner_finds_the_known_optimum(name: str) -> None:
    """Goal 3 units away with |a| <= 1 and final-step cost: the optimum reaches it exactly (cost 0)."""
    torch.manual_seed(0)
    planner = PLANNERS[name]()
    start = torch.zeros(4, 2)
    goal = torch.tensor([[3.0, 0.0], [-3.0, 1.0], [0.0, -2.0], [2.0, 2.0]])
    model, objective = LinearModel(), LatentGoalEnergy("l2", "final")
    controller = LatentMPC(model, planner, objective, action_dim=2, execute_steps=5)
    actions = controller.act(start, goal)
    final = start + actions.sum(1)
    assert actions.abs().max() <= 1.0 + 1e-6
    assert (final - goal).norm(dim=-1).max() < 0.25


@pytest.mark.parametrize("name", sorted(PLANNERS))
def test_receding_horizon_reaches_goals_batched(name: str) -> None:
    torch.manual_seed(0)
    controller = LatentMPC(LinearModel(), PLANNERS[name](), LatentGoalEnergy("l1", "all"), action_dim=2, execute_steps=1)
    pos, goal = torch.zeros(3, 2), torch.tensor([[4.0, 1.0], [-2.0, -3.0], [1.0, 5.0]])
    for _ in range(12):
        pos = pos + controller.act(pos, goal)[:, 0]
    assert (pos - goal).norm(dim=-1).max() < 0.3


@pytest.mark.parametrize("name", sorted(PLANNERS))
def test_an_episodes_plan_does_not_depend_on_its_batch(name: str) -> None:
    """Episode 2 planned alone, or beside three others, with its own generator: the same plan."""
    goals = torch.tensor([[3.0, 0.0], [-3.0, 1.0], [0.0, -2.0], [2.0, 2.0]])
    cost = LatentMPC(LinearModel(), PLANNERS[name](), LatentGoalEnergy("l2", "all"), action_dim=2).cost_fn
    solver = PLANNERS[name]()
    together = solver.solve(cost(torch.zeros(4, 2), goals), solver.initial_mean(4, 2), [seeded_generator(0, seed) for seed in range(4)])
    solver.reset()
    alone = solver.solve(cost(torch.zeros(1, 2), goals[2:3]), solver.initial_mean(1, 2), [seeded_generator(0, 2)])
    assert torch.allclose(together[2], alone[0], atol=1e-6)
    other = solver.solve(cost(torch.zeros(1, 2), goals[2:3]), solver.initial_mean(1, 2), [seeded_generator(1, 2)])
    assert not torch.equal(other, alone) or name == "gd"  # another planner seed samples otherwise (GD may converge to the same point)


def test_warm_start_shifts_the_previous_plan() -> None:
    planner = CEMSolver(horizon=4, samples=16, iterations=1, elites=4, max_action=1.0)
    controller = LatentMPC(LinearModel(), planner, LatentGoalEnergy(), action_dim=2, execute_steps=1)
    controller.act(torch.zeros(1, 2), torch.ones(1, 2))
    plan = controller.plan.clone()
    seen = {}
    planner.solve = lambda cost_fn, init, generators: seen.setdefault("init", init) * 1.0
    controller.act(torch.zeros(1, 2), torch.ones(1, 2))
    assert torch.equal(seen["init"], plan)


def test_energy_options_and_errors() -> None:
    predicted = torch.zeros(1, 2, 3, 4)
    predicted[:, 1, -1] = 1.0
    goal = torch.zeros(1, 4)
    assert LatentGoalEnergy("l2", "final")(predicted, goal).tolist() == [[0.0, 1.0]]
    assert LatentGoalEnergy("l1", "all")(predicted, goal)[0, 1] == pytest.approx(1 / 3)
    with pytest.raises(ValueError, match="allowed"):
        LatentGoalEnergy("cosine")


def test_coloured_noise_is_unit_variance_and_correlated() -> None:
    noise = coloured_noise(2.0, (2000, 16, 1), torch.Generator().manual_seed(0))
    assert noise.std().item() == pytest.approx(1.0, abs=0.05)
    lag1 = (noise[:, 1:] * noise[:, :-1]).mean().item()
    assert lag1 > 0.5  # red noise: neighbouring steps move together


def test_wilson_interval() -> None:
    low, high = wilson_interval(97, 100)
    assert 0.915 < low < 0.916 and 0.989 < high < 0.990
