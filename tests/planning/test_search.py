"""The latent graph search (over the model's macro-actions) finds the door of a wall the straight line runs into, and
with its subgoals a flat solver reaches a goal it cannot reach alone; the transition memory (a closed-loop correction)
gets the dot through when the model sees a door the world lacks, and any correction's proposal is executed."""

from __future__ import annotations

import pytest
import torch

from worldmodels.planning import Correction, ICEMSolver, LatentGoalEnergy, LatentGraphSearch, LatentMPC, Transition, TransitionMemory
from worldmodels.planning.search import macro_directions

DOOR = 1.0  # the wall x = 0 is open for |y| < DOOR


class WallModel:
    """Latent = position (B, 2) in the box [-5, 5]^2, actions add to it; a step across x = 0 outside the door stops short
    of the wall. With ``false_door`` = (low, high) the model also lets the dot through for low < y < high: a wrong
    model whose extra door the world does not have. With ``door_closed`` it blocks the real door too."""

    def __init__(self, false_door: tuple[float, float] | None = None, door_closed: bool = False) -> None:
        self.false_door, self.door_closed = false_door, door_closed

    def encode(self, obs: torch.Tensor) -> torch.Tensor:
        return obs

    def step(self, pos: torch.Tensor, action: torch.Tensor) -> torch.Tensor:
        new = (pos + action).clamp(-5, 5)
        crosses = (pos[:, 0] * new[:, 0] < 0) | ((new[:, 0] == 0) & (pos[:, 0] != 0))
        fraction = pos[:, 0].abs() / (pos[:, 0] - new[:, 0]).abs().clamp_min(1e-9)
        y_at_wall = pos[:, 1] + fraction * (new[:, 1] - pos[:, 1])
        blocked = crosses & ((y_at_wall.abs() >= DOOR) | self.door_closed)
        if self.false_door is not None:
            blocked &= ~((y_at_wall > self.false_door[0]) & (y_at_wall < self.false_door[1]))
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
        solver = ICEMSolver(horizon=6, samples=128, iterations=4, elites=12, init_std=0.3, max_action=1.0)
        search = LatentGraphSearch(macro_steps=2, max_depth=30) if hierarchical else None
        return LatentMPC(WallModel(), solver, LatentGoalEnergy("l2", "all"), action_dim=2, search=search, execute_steps=2)

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


def test_the_transition_memory_records_stalls_and_blocks_the_same_move() -> None:
    memory = TransitionMemory(stall_ratio=0.3, cosine=0.5)
    before = torch.tensor([[0.0, 0.0], [2.0, 2.0]])
    actions = torch.tensor([[[1.0, 0.0]] * 2, [[0.0, 1.0]] * 2])
    predicted = before + torch.tensor([[2.0, 0.0], [0.0, 2.0]])
    after = before + torch.tensor([[0.1, 0.0], [0.0, 1.9]])  # episode 0 stalled, episode 1 moved as predicted
    memory.observe(Transition(before, actions, predicted, after))
    assert len(memory) == 1 and memory.counts(2).tolist() == [1, 0]
    paths = torch.tensor([[[0.2, 0.0], [1.2, 0.0]], [[-1.0, 0.0], [-0.1, 0.0]], [[0.0, 0.3], [1.0, 1.3]], [[3.0, 0.0], [4.0, 0.0]]])
    headings = torch.tensor([[1.0, 0.0], [1.0, 0.0], [1.0, 1.0], [1.0, 0.0]])
    # near the stall heading its way (from the start, or passing it on the way), diagonal still within the cosine, far away
    assert memory.blocked(0, paths, headings, radius=0.5).tolist() == [True, True, True, False]
    assert not memory.blocked(0, paths, -headings, radius=0.5).any()  # the opposite heading
    assert not memory.blocked(1, paths, headings, radius=0.5).any()
    memory.reset(2)
    assert len(memory) == 0


def test_the_transition_memory_recovers_from_a_model_that_sees_a_door_the_world_lacks() -> None:
    """The model believes in a second door at 3 < y < 4.5 right on the way; the world has only the real one at |y| < 1.
    Without memory the planner pushes into the wall at the false door for the whole episode; with it, the stall is
    remembered, the search drops that way, and the dot goes round through the real door."""
    world, model = WallModel(), WallModel(false_door=(3.0, 4.5))
    start, goal = torch.tensor([[-3.0, 3.8]]), torch.tensor([[3.0, 3.8]])
    finals = {}
    for memory in (None, TransitionMemory()):
        solver = ICEMSolver(horizon=6, samples=128, iterations=4, elites=12, init_std=0.3, max_action=1.0)
        search = LatentGraphSearch(macro_steps=2, max_depth=30, filter_radius=1.0, subgoal_ahead=1)
        mpc = LatentMPC(
            model, solver, LatentGoalEnergy("l2", "all"), action_dim=2, search=search, corrections={"memory": memory}, execute_steps=2
        )
        pos = start.clone()
        for _ in range(40):
            for action in mpc.act(pos, goal).unbind(1):
                pos = world.step(pos, action)
        finals[memory is not None] = float((pos - goal).norm())
    assert finals[True] < 0.5, finals
    assert finals[False] > 2.0, finals


class ExactHighLevel(torch.nn.Module):
    """A 'learned' k-step model that is exactly the wall model's k-step rollout, counting its calls."""

    def __init__(self, model: WallModel, macro_steps: int) -> None:
        super().__init__()
        self.model, self.macro_steps, self.calls = model, macro_steps, 0

    def forward(self, latent: torch.Tensor, actions: torch.Tensor) -> torch.Tensor:
        self.calls += 1
        return self.model.rollout(latent, actions)[:, -1]


class TwoLevelWallModel(WallModel):
    """The wall model with a high level; ``macro_step`` as ``WorldModel`` defines it; counts low-level rollouts."""

    def __init__(self) -> None:
        super().__init__()
        self.high_level, self.rollouts = ExactHighLevel(WallModel(), 2), 0

    def rollout(self, latent: torch.Tensor, actions: torch.Tensor) -> torch.Tensor:
        self.rollouts += 1
        return super().rollout(latent, actions)

    def macro_step(self, latent: torch.Tensor, actions: torch.Tensor) -> torch.Tensor:
        return self.high_level(latent, actions)


def test_the_high_level_transition_searches_with_one_call_per_depth() -> None:
    start, goal = torch.tensor([[-3.0, 4.0]]), torch.tensor([[3.0, 4.0]])
    paths = {}
    for transition in ("rollout", "high_level"):
        model = TwoLevelWallModel()
        search = LatentGraphSearch(macro_steps=2, directions=8, max_depth=30, transition=transition)
        (paths[transition],) = search.search(model, start, goal, search.macros(-torch.ones(2), torch.ones(2)))
        calls = (model.rollouts, model.high_level.calls)
        assert calls[0] > 0 and calls[1] == 0 if transition == "rollout" else calls[0] == 0 and calls[1] > 0
    assert torch.allclose(paths["rollout"].latents, paths["high_level"].latents, atol=1e-5)  # an exact high level finds the same path
    with pytest.raises(ValueError, match="2-step high-level model"):
        LatentGraphSearch(macro_steps=2, transition="high_level").search(WallModel(), start, goal, torch.eye(2))
    with pytest.raises(ValueError, match="allowed"):
        LatentGraphSearch(transition="learned")


class DriftingModel:
    """Latent (x, y, d): actions move (x, y) in an open plane; d, a dimension that should stay constant (a layout
    feature), drifts by ``drift`` per step, as a learned predictor's static dimensions drift along long rollouts."""

    def __init__(self, drift: float = 0.3) -> None:
        self.drift = drift

    def rollout(self, latent: torch.Tensor, actions: torch.Tensor) -> torch.Tensor:
        steps = torch.arange(1, actions.shape[1] + 1, dtype=latent.dtype)[None, :, None]
        moved = latent[:, None, :2] + actions.cumsum(dim=1)
        return torch.cat([moved, latent[:, None, 2:] + self.drift * steps], dim=-1)


def test_goal_tolerance_ends_the_path_at_a_shallow_node_instead_of_a_drifted_detour() -> None:
    start, goal = torch.zeros(1, 3), torch.tensor([[4.0, 0.0, 3.0]])  # two straight macro-steps away; d differs by 3
    paths = {}
    for tolerance in (0.0, 1.0):
        search = LatentGraphSearch(macro_steps=2, directions=8, max_depth=12, goal_tolerance=tolerance)
        (paths[tolerance],) = search.search(DriftingModel(), start, goal, search.macros(-torch.ones(2), torch.ones(2)))
    nearest, tolerant = paths[0.0], paths[1.0]
    assert len(nearest.latents) - 1 >= 4  # the drift makes a detour's end the nearest node
    assert len(tolerant.latents) - 1 == 2 and torch.allclose(tolerant.latents[-1, :2], goal[0, :2])  # the straight path
    assert tolerant.goal_distance <= nearest.goal_distance + 1.0 * 2.9  # within the tolerance (median step < 2.9)


class Stop(Correction):
    """A toy correction: episodes within 1 of their goal latent stand still (the action box's centre); it counts its
    proposals and the transitions it observed."""

    def __init__(self) -> None:
        self.observed, self.proposed = 0, torch.zeros(0, dtype=torch.long)

    def reset(self, batch: int) -> None:
        self.observed, self.proposed = 0, torch.zeros(batch, dtype=torch.long)

    def observe(self, transition: Transition) -> None:
        self.observed += 1

    def propose(self, latent: torch.Tensor, goal: torch.Tensor) -> torch.Tensor:
        near = (latent - goal).norm(dim=-1) < 1.0
        self.proposed += near.long()
        return torch.where(near[:, None], torch.zeros_like(latent), torch.full_like(latent, float("nan")))

    def counts(self, batch: int) -> torch.Tensor:
        return self.proposed


def test_the_controller_runs_any_correction_through_the_same_hooks() -> None:
    solver = ICEMSolver(horizon=4, samples=32, iterations=2, elites=4, max_action=1.0)
    stop = Stop()
    mpc = LatentMPC(WallModel(), solver, LatentGoalEnergy(), action_dim=2, corrections={"stop": stop, "off": None}, execute_steps=2)
    assert list(mpc.corrections) == ["stop"]  # a correction set to null is off
    pos, goal = torch.tensor([[2.0, 2.0], [-3.0, 3.0]]), torch.tensor([[2.5, 2.0], [-3.0, -3.0]])
    mpc.reset([0, 1])
    actions = mpc.act(pos, goal)
    assert torch.equal(actions[0], torch.zeros(2, 2)) and actions[1].abs().sum() > 0.5  # episode 0 proposed to, episode 1 planned
    assert torch.allclose(mpc.executed[2][0], pos[0])  # the prediction the next observation is compared with is of the executed actions
    mpc.act(pos, goal)
    assert stop.observed == 1 and stop.counts(2).tolist() == [2, 0]


def test_the_model_calls_are_counted_by_layer() -> None:
    solver = ICEMSolver(horizon=4, samples=32, iterations=2, elites=4, decay=1.0, keep_elites=0.3, max_action=1.0)
    mpc = LatentMPC(
        WallModel(),
        solver,
        LatentGoalEnergy(),
        action_dim=2,
        search=LatentGraphSearch(macro_steps=2, directions=8, max_depth=1),
        execute_steps=2,
    )
    mpc.reset([0])
    mpc.act(torch.tensor([[-3.0, 4.0]]), torch.tensor([[3.0, 4.0]]))
    totals = mpc.calls.totals()
    assert totals["transitions_search"] == 8 * 2  # one depth: 8 macro-actions of 2 steps from the root
    assert totals["transitions_solver"] == (32 + 1) * 4 + (32 + 1 + 1) * 4  # samples + the mean (+ kept elites) per iteration, horizon 4
    assert totals["transitions_controller"] == 4 and totals["encoded"] == 2  # the executed plan's rollout; the observation and the goal
