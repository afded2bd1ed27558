"""Every implementation satisfies its protocol in ``worldmodels.interfaces`` structurally: the members exist
(``isinstance`` with the ``runtime_checkable`` protocols) and each method takes the protocol's parameters, in its order,
any extra parameter having a default."""

from __future__ import annotations

import inspect
from typing import Any

import pytest
import torch
from hydra import compose, initialize_config_dir
from hydra.utils import instantiate
from torch import nn

from worldmodels import interfaces
from worldmodels.dynamics import BlockCausalTransformerPredictor, GRUPredictor, ResidualMLPPredictor
from worldmodels.envs import GridRoomsWorld, RoomsWorld
from worldmodels.interfaces import Dynamics, EpisodeBatch, LatentWorldModel, Planner, Solver, World
from worldmodels.modules import WorldModel
from worldmodels.paths import CONFIG_DIR
from worldmodels.planning import ModelCalls
from worldmodels.predictors import FlattenProjector


def methods(protocol: type) -> dict[str, Any]:
    """The protocol's own methods (``__call__`` included), name -> function."""
    return {
        name: value
        for name, value in vars(protocol).items()
        if inspect.isfunction(value) and (not name.startswith("_") or name == "__call__")
    }


def assert_satisfies(obj: object, protocol: type) -> None:
    assert isinstance(obj, protocol), f"{type(obj).__name__} lacks members of {protocol.__name__}"
    for name, wanted in methods(protocol).items():
        found = getattr(obj, "forward" if name == "__call__" and isinstance(obj, nn.Module) else name)
        wanted_params = list(inspect.signature(wanted).parameters)[1:]  # without self
        found_params = list(inspect.signature(found).parameters.values())
        assert [p.name for p in found_params[: len(wanted_params)]] == wanted_params, (
            f"{type(obj).__name__}.{name}{inspect.signature(found)}"
        )
        extra = found_params[len(wanted_params) :]
        assert all(p.default is not p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in extra), (
            f"{type(obj).__name__}.{name}: {extra}"
        )


def world_model() -> WorldModel:
    return WorldModel(
        encoder=nn.Flatten(1),
        head=FlattenProjector(in_dim=2 * 65 * 65, out_dim=8),
        predictor=ResidualMLPPredictor(8, 2),
        regularizer=nn.Identity(),
    )


def planning_cfg(planner: str, solver: str) -> Any:
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        return compose(config_name="train", overrides=["task=world_model", f"planner={planner}", f"solver={solver}"])


def test_every_protocol_is_checked_here() -> None:
    protocols = {
        name
        for name, value in vars(interfaces).items()
        if inspect.isclass(value) and getattr(value, "_is_protocol", False) and value.__module__ == interfaces.__name__
    }
    assert protocols == {"Dynamics", "EpisodeBatch", "LatentWorldModel", "Planner", "Solver", "World"}


@pytest.mark.parametrize("cls", [GRUPredictor, ResidualMLPPredictor, BlockCausalTransformerPredictor])
def test_the_dynamics_satisfy_dynamics(cls: type) -> None:
    assert_satisfies(cls(latent_dim=8, action_dim=2), Dynamics)


def test_the_world_model_and_its_counting_view_satisfy_latent_world_model() -> None:
    model = world_model()
    assert_satisfies(model, LatentWorldModel)
    assert_satisfies(ModelCalls(model), LatentWorldModel)
    assert_satisfies(model.predictor, Dynamics)


@pytest.mark.parametrize("world", [RoomsWorld(), RoomsWorld(name="wall"), GridRoomsWorld()], ids=["two_rooms", "wall", "grid_rooms"])
def test_the_worlds_and_their_episode_batches_satisfy_world_and_episode_batch(world: Any) -> None:
    assert_satisfies(world, World)
    batch = world.episodes()
    batch.reset(2, torch.Generator().manual_seed(0))
    assert_satisfies(batch, EpisodeBatch)


def test_the_point_maze_world_satisfies_world_and_episode_batch() -> None:
    pytest.importorskip("mujoco", reason="pip install -e '.[maze]'")
    pytest.importorskip("gymnasium_robotics", reason="pip install -e '.[maze]'")
    from worldmodels.envs.point_maze import PointMazeWorld

    world = PointMazeWorld()
    assert_satisfies(world, World)
    batch = world.episodes()
    batch.reset(1, torch.Generator().manual_seed(0))
    assert_satisfies(batch, EpisodeBatch)


@pytest.mark.parametrize("solver", ["cem", "gd", "icem", "mppi"])
def test_every_solver_satisfies_solver(solver: str) -> None:
    assert_satisfies(instantiate(planning_cfg("flat", solver).solver), Solver)


@pytest.mark.parametrize("planner", ["flat", "hierarchical"])
def test_every_planner_satisfies_planner(planner: str) -> None:
    controller = instantiate(planning_cfg(planner, "cem").planner, world_model=world_model(), action_dim=2)
    assert_satisfies(controller, Planner)
    assert_satisfies(controller.solver, Solver)
