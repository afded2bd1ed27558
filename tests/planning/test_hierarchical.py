"""The high level (graph search over the model's macro-actions) finds the door of a wall the straight line runs into,
and with it a flat low-level planner reaches a goal it cannot reach alone; the closed-loop corrections (stall memory,
wall probe, wall sweep) get the dot through when the model misplaces the door."""

from __future__ import annotations

import pytest
import torch

from worldmodels.planning import (
    ICEMPlanner,
    LatentGoalEnergy,
    LatentGraphSearch,
    LatentMPC,
    LatentPath,
    StallMemory,
    SubgoalPlanner,
    WallProbe,
    WallSweep,
)
from worldmodels.planning.latent_graph import macro_directions

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


def test_stall_memory_records_stalls_and_blocks_the_same_move() -> None:
    memory = StallMemory(stall_ratio=0.3, cosine=0.5)
    before = torch.tensor([[0.0, 0.0], [2.0, 2.0]])
    actions = torch.tensor([[[1.0, 0.0]] * 2, [[0.0, 1.0]] * 2])
    predicted = before + torch.tensor([[2.0, 0.0], [0.0, 2.0]])
    after = before + torch.tensor([[0.1, 0.0], [0.0, 1.9]])  # episode 0 stalled, episode 1 moved as predicted
    assert memory.record(before, actions, predicted, after).tolist() == [True, False]
    assert len(memory) == 1
    paths = torch.tensor([[[0.2, 0.0], [1.2, 0.0]], [[-1.0, 0.0], [-0.1, 0.0]], [[0.0, 0.3], [1.0, 1.3]], [[3.0, 0.0], [4.0, 0.0]]])
    headings = torch.tensor([[1.0, 0.0], [1.0, 0.0], [1.0, 1.0], [1.0, 0.0]])
    # near the stall heading its way (from the start, or passing it on the way), diagonal still within the cosine, far away
    assert memory.blocked(0, paths, headings, radius=0.5).tolist() == [True, True, True, False]
    assert not memory.blocked(0, paths, -headings, radius=0.5).any()  # the opposite heading
    assert not memory.blocked(1, paths, headings, radius=0.5).any()
    memory.reset(2)
    assert len(memory) == 0


def test_stall_memory_recovers_from_a_model_that_sees_a_door_the_world_lacks() -> None:
    """The model believes in a second door at 3 < y < 4.5 right on the way; the world has only the real one at |y| < 1.
    Without memory the planner pushes into the wall at the false door for the whole episode; with it, the stall is
    remembered, the search drops that way, and the dot goes round through the real door."""
    world, model = WallModel(), WallModel(false_door=(3.0, 4.5))
    start, goal = torch.tensor([[-3.0, 3.8]]), torch.tensor([[3.0, 3.8]])
    finals = {}
    for memory in (None, StallMemory()):
        low = ICEMPlanner(horizon=6, samples=128, iterations=4, elites=12, init_std=0.3, max_action=1.0)
        planner = SubgoalPlanner(low, LatentGraphSearch(macro_steps=2, max_depth=30, stall_radius=1.0), subgoal_ahead=1, memory=memory)
        mpc, pos = LatentMPC(model, planner, LatentGoalEnergy("l2", "all"), action_dim=2, execute_steps=2), start.clone()
        for _ in range(40):
            for action in mpc.act(pos, goal).unbind(1):
                pos = world.step(pos, action)
        finals[memory is not None] = float((pos - goal).norm())
    assert finals[True] < 0.5, finals
    assert finals[False] > 2.0, finals


def run_episode(model: WallModel, planner: SubgoalPlanner, start: torch.Tensor, goal: torch.Tensor, replans: int) -> torch.Tensor:
    """Positions (replans + 1, B, 2) of the real wall world driven by ``planner`` on ``model``, 2 steps per re-plan."""
    world, mpc, pos = WallModel(), LatentMPC(model, planner, LatentGoalEnergy("l2", "all"), action_dim=2, execute_steps=2), start.clone()
    positions = [pos]
    for _ in range(replans):
        for action in mpc.act(pos, goal).unbind(1):
            pos = world.step(pos, action)
        positions.append(pos)
    return torch.stack(positions)


def test_wall_probe_finds_the_door_a_model_misplaces() -> None:
    """The model puts the door at 2 < y < 3 (a misread door row) and believes the real one (|y| < 1) closed. With the
    stall memory alone the dot tries the false door, stalls, and waits in front of the wall; with a probe it pushes
    along the wall, nearest the goal first, finds the real door and reaches the goal."""
    start, goal = torch.tensor([[-3.0, 2.5]]), torch.tensor([[3.0, 2.5]])
    finals = {}
    for probe in (None, WallProbe()):
        low = ICEMPlanner(horizon=6, samples=128, iterations=4, elites=12, init_std=0.3, max_action=1.0)
        search = LatentGraphSearch(macro_steps=2, max_depth=30, stall_radius=0.5, goal_tolerance=0.2)
        planner = SubgoalPlanner(low, search, subgoal_ahead=1, memory=StallMemory(), probe=probe, hold_radius=0.25)
        positions = run_episode(WallModel(false_door=(2.0, 3.0), door_closed=True), planner, start, goal, replans=40)
        finals[probe is not None] = float((positions[-1] - goal).norm())
        if probe is not None:
            assert len(probe.tried) >= 1  # pushed below the false door
            crossing = positions[:-1, 0, 0].lt(0) & positions[1:, 0, 0].ge(0)
            assert crossing.sum() == 1 and positions[1:, 0, 1][crossing].abs() < DOOR  # once, through the real door
    assert finals[True] < 0.5, finals
    assert finals[False] > 2.0, finals


def test_wall_probe_pushes_the_untried_wall_nearest_the_goal_and_is_idle_when_the_path_is_good() -> None:
    probe = WallProbe(travel=1.0, radius=0.3)
    probe.reset(1)
    sites = torch.tensor([[0.0, 0.0], [0.0, 0.0], [0.0, 2.0], [0.0, -2.0]])  # node latents; the first node has two blocked pushes
    headings = torch.tensor([[1.0, 0.0], [1.0, 1.0], [1.0, 0.0], [1.0, 0.0]])
    moved, depths, goal = torch.tensor([0.2, 0.1, 0.0, 0.0]), torch.tensor([0, 0, 1, 1]), torch.tensor([3.0, 0.5])
    assert probe.choose(0, sites, depths, headings, moved, goal, scale=1.0) == 1  # the nearest node, its most blocked push
    probe.pushed(0, sites[1], headings[1])
    assert probe.choose(0, sites, depths, headings, moved, goal, scale=1.0) == 2  # both pushes there tried (cosine 0.71): the next node nearest the goal
    probe.pushed(0, sites[2], headings[2])
    probe.pushed(0, sites[3], headings[3])
    assert probe.choose(0, sites, depths, headings, moved, goal, scale=1.0) is None
    at_goal = LatentPath(goal[None], torch.zeros(0, 2), 1, goal_distance=0.0, scale=1.0)
    assert not probe.stuck(0, at_goal, goal) and not probe.stuck(0, at_goal, goal)  # within `beyond` of the goal
    waiting = LatentPath(torch.tensor([[0.0, 3.0]]), torch.zeros(0, 2), 1, goal_distance=3.0, scale=1.0)
    assert not probe.stuck(1, waiting, goal)  # a first re-plan: no progress measured yet
    assert probe.stuck(1, waiting, goal)  # waits at its start, no nearer the goal
    assert probe.stuck(1, LatentPath(torch.tensor([[0.0, -3.0]]), torch.zeros(0, 2), 1, 5.6, 1.0), goal)  # probing goes on while the search offers nothing
    closer = LatentPath(torch.tensor([[0.5, 3.0]]), torch.zeros(0, 2), 1, goal_distance=2.7, scale=1.0)
    around = LatentPath(torch.tensor([[5.5, 0.5]]), torch.zeros(0, 2), 1, goal_distance=2.6, scale=1.0)
    for episode, later in ((2, closer), (3, around)):
        assert not probe.stuck(episode, waiting, goal)
        assert not probe.stuck(episode, later, goal)  # progress toward a goal the search cannot hit; a move (overshooting)
    toward_tried = LatentPath(torch.tensor([[-2.0, 0.0], [0.0, 1.9]]), torch.zeros(1, 2), 2, goal_distance=3.0, scale=1.0)
    assert probe.stuck(0, toward_tried, goal)  # leads back to a tried wall
    elsewhere = LatentPath(torch.tensor([[-2.0, 0.0], [-2.0, 4.0]]), torch.zeros(1, 2), 2, goal_distance=3.0, scale=1.0)
    assert not probe.stuck(0, elsewhere, goal)


def test_hold_radius_keeps_an_episode_at_its_goal_still() -> None:
    low = ICEMPlanner(horizon=4, samples=64, iterations=2, elites=8, init_std=0.3, max_action=1.0)
    planner = SubgoalPlanner(low, LatentGraphSearch(macro_steps=2, max_depth=5), subgoal_ahead=1, hold_radius=0.25)
    mpc = LatentMPC(WallModel(), planner, LatentGoalEnergy("l2", "all"), action_dim=2, execute_steps=2)
    pos, goal = torch.tensor([[2.0, 2.0], [-3.0, 3.0]]), torch.tensor([[2.1, 2.0], [3.0, 3.0]])  # episode 0 is 0.1 from its goal
    actions = mpc.act(pos, goal)
    assert torch.equal(actions[0], torch.zeros(2, 2))  # holds still (a free macro-step is 2.0 long; 0.1 < 0.25 x 2.0)
    assert actions[1].abs().sum() > 0.5  # the other episode moves


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


SWEEP_LOW, SWEEP_HIGH = torch.tensor([-1.0, -1.0]), torch.tensor([1.0, 1.0])


def stall(sweep: WallSweep, position: list[float], heading: list[float]) -> None:
    """One executed chunk of episode 0 from ``position`` heading ``heading`` that the world stopped dead."""
    before = torch.tensor([position])
    sweep.observe(before, torch.tensor([[heading, heading]]), before + 2.0, before, stalled=torch.tensor([True]))


def chunk(sweep: WallSweep, move: float, promised: float = 2.0) -> None:
    """One executed chunk of episode 0 that moved the latent ``move`` where the model predicted ``promised``."""
    before = torch.zeros(1, 2)
    sweep.observe(before, torch.zeros(1, 2, 2), before + torch.tensor([[promised, 0.0]]), before + torch.tensor([[move, 0.0]]), torch.tensor([False]))


def test_a_sweep_starts_after_its_stalls_slides_away_from_them_and_pushes_every_other_chunk() -> None:
    sweep = WallSweep(after=3, slide=0.5, push=1.0, lookahead=2)
    sweep.reset(1)
    stalls = [[-0.01, 4.0], [-0.01, 3.5], [-0.01, 3.0]]  # at the wall, each lower than the last
    for position in stalls[:2]:
        stall(sweep, position, [1.0, 0.3])
        assert sweep.actions(WallModel(), torch.tensor([position]), [[]], SWEEP_LOW, SWEEP_HIGH) == {}  # not yet
    stall(sweep, stalls[2], [1.0, -0.3])
    latent = torch.tensor([stalls[2]])
    slide = sweep.actions(WallModel(), latent, [[torch.tensor(s) for s in stalls]], SWEEP_LOW, SWEEP_HIGH)[0]
    assert torch.allclose(slide, torch.tensor([0.0, -0.5]))  # along the wall (normal: +x, the headings' axis), downward, away from the stalls
    assert sweep.counts(2).tolist() == [1, 0]
    chunk(sweep, move=1.0)  # the slide moved freely
    assert torch.allclose(sweep.actions(WallModel(), latent, [[]], SWEEP_LOW, SWEEP_HIGH)[0], torch.tensor([1.0, 0.0]))  # push into the wall
    chunk(sweep, move=0.05)  # blocked: the wall is closed here
    assert torch.allclose(sweep.actions(WallModel(), latent, [[]], SWEEP_LOW, SWEEP_HIGH)[0], torch.tensor([0.0, -0.5]))  # slide on
    chunk(sweep, move=0.1)  # the slide met a corner
    assert torch.allclose(sweep.actions(WallModel(), latent, [[]], SWEEP_LOW, SWEEP_HIGH)[0], torch.tensor([0.0, 0.5]))  # turns back
    chunk(sweep, move=1.0)
    chunk(sweep, move=0.6)  # the push went through (0.6 >= 0.5 x the last slide's 1.0)
    assert sweep.actions(WallModel(), latent, [[]], SWEEP_LOW, SWEEP_HIGH) == {}  # the search takes over again
    for _ in range(3):
        stall(sweep, [-0.01, 0.0], [1.0, 0.0])
    sweep.actions(WallModel(), latent, [[]], SWEEP_LOW, SWEEP_HIGH)
    chunk(sweep, move=0.1)
    chunk(sweep, move=0.1)  # blocked both ways: the sweep ends
    assert sweep.actions(WallModel(), latent, [[]], SWEEP_LOW, SWEEP_HIGH) == {} and sweep.counts(1).tolist() == [2]


def test_a_sweep_ends_after_max_chunks() -> None:
    sweep = WallSweep(after=1, max_chunks=4)
    sweep.reset(1)
    stall(sweep, [-0.01, 0.0], [1.0, 0.0])
    sweep.actions(WallModel(), torch.zeros(1, 2), [[]], SWEEP_LOW, SWEEP_HIGH)
    for move in (1.0, 0.0, 1.0):
        chunk(sweep, move)
        assert 0 in sweep.actions(WallModel(), torch.zeros(1, 2), [[]], SWEEP_LOW, SWEEP_HIGH)
    chunk(sweep, 0.0)
    assert sweep.actions(WallModel(), torch.zeros(1, 2), [[]], SWEEP_LOW, SWEEP_HIGH) == {}


def test_the_sweep_takes_the_dot_through_a_door_the_model_places_everywhere_else() -> None:
    """The model believes the whole wall open except the real door (|y| < 1, which it believes closed), and the stall
    memory matches only the exact latent of a stall (``stall_radius`` 0.01: a learned model's predicted latents drift
    from the encoded ones). Without a sweep the search pushes at false crossings next to its stalls for the whole
    episode; with one the dot slides along the wall, pushing, until it passes the real door, then reaches the goal."""
    start, goal = torch.tensor([[-3.0, 4.0]]), torch.tensor([[3.0, 4.0]])
    finals = {}
    for sweep in (None, WallSweep(after=3, slide=0.5)):
        low = ICEMPlanner(horizon=6, samples=128, iterations=4, elites=12, init_std=0.3, max_action=1.0)
        search = LatentGraphSearch(macro_steps=2, max_depth=30, stall_radius=0.01, goal_tolerance=0.2)
        planner = SubgoalPlanner(low, search, subgoal_ahead=1, memory=StallMemory(), hold_radius=0.25, sweep=sweep)
        positions = run_episode(WallModel(false_door=(-5.0, 5.0), door_closed=True), planner, start, goal, replans=60)
        finals[sweep is not None] = float((positions[-1, 0] - goal[0]).norm())
        if sweep is not None:
            assert sweep.counts(1).tolist()[0] >= 1
            crossing = positions[:-1, 0, 0].lt(0) & positions[1:, 0, 0].ge(0)
            assert crossing.sum() == 1 and positions[1:, 0, 1][crossing].abs() < DOOR  # once, through the real door
    assert finals[True] < 0.5, finals
    assert finals[False] > 2.0, finals


def test_a_sweep_needs_a_stall_memory_and_stays_off_without_two_dimensional_actions() -> None:
    low = ICEMPlanner(horizon=4, samples=16, iterations=1, max_action=1.0)
    with pytest.raises(ValueError, match="planner.sweep acts on the stalls planner.memory detects"):
        SubgoalPlanner(low, LatentGraphSearch(), sweep=WallSweep())
    sweep = WallSweep(after=1)
    stall(sweep, [0.0, 0.0, 0.0], [1.0, 0.0, 0.0])
    with pytest.warns(UserWarning, match="2-D actions; this env's have 3 dims, so it stays off"):
        assert sweep.actions(WallModel(), torch.zeros(1, 3), [[]], torch.zeros(3), torch.ones(3)) == {}
