"""Every YAML in conf/ composes, and every option of every group instantiates."""

from __future__ import annotations

from pathlib import Path

import hydra
import pytest
import pytorch_lightning as pl
import torch
import yaml
from hydra import compose, initialize_config_dir
from hydra.utils import instantiate
from omegaconf import DictConfig

from worldmodels.interfaces import Dynamics
from worldmodels.paths import CONFIG_DIR

CONF = Path(CONFIG_DIR)
GROUPS = sorted(p.name for p in CONF.iterdir() if p.is_dir())
OPTIONS = [(group, path.stem) for group in GROUPS for path in sorted((CONF / group).glob("*.yaml"))]


def world_model_groups() -> set[str]:
    """The groups only the world-model task composes: the ones conf/task/world_model.yaml's defaults list adds."""
    defaults = yaml.safe_load((CONF / "task" / "world_model.yaml").read_text())["defaults"]
    entries = [next(iter(entry)) for entry in defaults if isinstance(entry, dict)]
    return {entry.lstrip("/") for entry in entries if not entry.startswith("override ")}


WORLD_MODEL_GROUPS = world_model_groups()  # env, dynamics, solver, planner, high_level, guardrail, decoder
WORLD_MODEL_OPTIONS = {
    ("data", "two_rooms"),
    ("regularizer", "wm_vcreg"),
    ("regularizer", "wm_sigreg"),
}  # world-model options of shared groups


def compose_with(*overrides: str) -> DictConfig:
    """The train config with ``overrides``; options of the world-model task (env, planner, ...) compose within it."""
    needs_world_model = any(tuple(o.split("=", 1)) in WORLD_MODEL_OPTIONS or o.split("=", 1)[0] in WORLD_MODEL_GROUPS for o in overrides)
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        return compose(
            config_name="train", overrides=(["task=world_model"] if needs_world_model else []) + list(overrides), return_hydra_config=True
        )


@pytest.mark.parametrize(("group", "option"), OPTIONS, ids=[f"{g}={o}" for g, o in OPTIONS])
def test_every_option_composes(group: str, option: str) -> None:
    if group == "hparams_search":
        pytest.importorskip("hydra_plugins.hydra_optuna_sweeper", reason="pip install -e '.[optuna]'")
    cfg = compose_with(f"{group}={option}")
    assert isinstance(cfg.name, str) and isinstance(cfg.seed, int)  # composing raises for an option that does not fit


@pytest.mark.parametrize("option", [o for g, o in OPTIONS if g == "solver"])
def test_every_solver_instantiates_and_solves(option: str) -> None:
    solver = instantiate(compose_with(f"solver={option}", "solver.horizon=3", "solver.samples=40").solver)
    generators = [torch.Generator().manual_seed(seed) for seed in range(2)]
    plan = solver.solve(lambda actions: (actions - 1.0).square().sum(dim=(-1, -2)), solver.initial_mean(2, 2), generators)
    assert plan.shape == (2, 3, 2) and plan.abs().max() <= solver.action_high.max() and float(plan.mean()) > 0.5


@pytest.mark.parametrize("option", [o for g, o in OPTIONS if g == "planner"])
def test_every_planner_instantiates_with_its_solver(option: str) -> None:
    cfg = compose_with(f"planner={option}", "solver=mppi")
    controller = instantiate(cfg.planner, world_model=object(), action_dim=2)
    assert type(controller.solver).__name__ == "MPPISolver" and (controller.search is None) == (option == "flat")
    assert list(controller.corrections) == ([] if option == "flat" else ["memory"])


@pytest.mark.parametrize("option", ["two_rooms", "wall", "grid_rooms", "two_rooms_hazard"])
def test_rooms_envs_instantiate(option: str) -> None:
    world = instantiate(compose_with(f"env={option}").env)
    assert world.obs_shape == (2, 65, 65) and world.action_dim == 2


def test_groups_of_the_project_shape_exist() -> None:
    expected = {
        "data",
        "encoder",
        "predictor",
        "dynamics",
        "masker",
        "regularizer",
        "probe",
        "trainer",
        "logger",
        "callbacks",
        "paths",
        "hydra",
        "experiment",
        "debug",
        "env",
        "solver",
        "planner",
    }
    assert expected <= set(GROUPS)


@pytest.mark.parametrize("option", [o for g, o in OPTIONS if g == "encoder"])
def test_every_encoder_instantiates_and_embeds(option: str) -> None:
    cfg = compose_with(f"encoder={option}")
    if "model" in cfg.encoder:  # pretrained weights from the Hub: tested offline in tests/encoders/test_vjepa2.py
        pytest.skip("pretrained encoder: its weights need the network or a cached copy")
    # grey 28 x 28 inputs; full widths and heads at depth 1 (the depths are tested on the meta device)
    overrides = {key: value for key, value in (("in_channels", 1), ("image_size", 28), ("depth", 1)) if key in cfg.encoder}
    encoder = instantiate(cfg.encoder, **overrides)
    inputs = [torch.randn(2, 1, 28, 28)]
    if "num_frames" in cfg.encoder:  # video encoders take clips (B, C, T, H, W) as well as images
        inputs.append(torch.randn(2, 1, cfg.encoder.num_frames, 28, 28))
    for batch in inputs:
        tokens = encoder(batch)
        assert tokens.shape[0] == 2 and tokens.shape[-1] == encoder.embed_dim
        assert encoder.pool(tokens).shape == (2, encoder.embed_dim)


def test_world_model_groups_come_from_the_world_model_task() -> None:
    assert {"env", "dynamics", "solver", "planner"} <= WORLD_MODEL_GROUPS and "predictor" not in WORLD_MODEL_GROUPS
    assert "predictor" not in compose_with("task=world_model") and "dynamics" not in compose_with()


@pytest.mark.parametrize("option", [o for g, o in OPTIONS if g == "dynamics"])
def test_every_dynamics_keeps_shape(option: str) -> None:
    dynamics = instantiate(compose_with(f"dynamics={option}").dynamics, latent_dim=16, action_dim=2)
    assert isinstance(dynamics, Dynamics)
    z, actions = torch.randn(3, 16), torch.randn(3, 5, 2)
    assert dynamics(z, actions).shape == (3, 5, 16)  # z_0 (B, D) + actions (B, H, A) -> z_1..z_H (B, H, D)
    assert dynamics.teacher_forced(torch.randn(3, 5, 16), actions).shape == (3, 5, 16)
    assert dynamics.step(z, actions[:, 0]).shape == (3, 16)


@pytest.mark.parametrize("option", [o for g, o in OPTIONS if g == "predictor"])
def test_every_predictor_keeps_shape(option: str) -> None:
    predictor = instantiate(compose_with(f"predictor={option}").predictor, dim=16)
    if getattr(predictor, "predicts_tokens", False):  # token predictors: context (B, K, D) + indices -> (B, M, D)
        out = predictor(torch.randn(3, 4, 16), torch.arange(4).expand(3, -1), torch.arange(4, 9).expand(3, -1))
        assert out.shape == (3, 5, 16)
    else:
        assert predictor(torch.randn(3, 4, 16)).shape == (3, 4, 16)


@pytest.mark.parametrize("option", [o for g, o in OPTIONS if g == "regularizer"])
def test_every_regularizer_returns_a_scalar_loss(option: str) -> None:
    cfg = compose_with(f"regularizer={option}")
    if ("regularizer", option) in WORLD_MODEL_OPTIONS:  # latents (B, T, D) and actions (B, T - 1, A)
        out = instantiate(cfg.regularizer, latent_dim=8, action_dim=2)(torch.randn(4, 5, 8), torch.randn(4, 4, 2), step=0)
        assert out["loss"].ndim == 0 and torch.isfinite(out["loss"])
        return
    regularizer = instantiate(cfg.regularizer)
    regularizer.setup(torch.nn.Linear(4, 8))
    out = regularizer(torch.randn(2, 32, 8), step=0)
    assert out["loss"].ndim == 0 and torch.isfinite(out["loss"])


@pytest.mark.parametrize(("group", "option"), [(g, o) for g, o in OPTIONS if g in ("masker", "probe", "data", "trainer")])
def test_other_groups_instantiate(group: str, option: str) -> None:
    cfg = compose_with(f"{group}={option}")
    kwargs = {"in_dim": 8, "num_classes": 3} if group == "probe" else {}
    if group == "trainer" and cfg.trainer.accelerator == "gpu" and not torch.cuda.is_available():
        pytest.skip("no GPU here")
    assert isinstance(instantiate(cfg[group], **kwargs), hydra.utils.get_class(cfg[group]._target_))


@pytest.mark.parametrize("option", [o for g, o in OPTIONS if g in ("logger", "callbacks")])
def test_loggers_and_callbacks_instantiate(option: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WANDB_MODE", "disabled")
    group = "logger" if option in [o for g, o in OPTIONS if g == "logger"] else "callbacks"
    cfg = compose_with(f"{group}={option}", f"paths.output_dir={tmp_path}")
    objects = [instantiate(c) for c in (cfg[group] or {}).values()]
    kinds = (pl.loggers.Logger,) if group == "logger" else (pl.Callback,)
    assert all(isinstance(o, kinds) for o in objects)


EXPERIMENTS = sorted(p.stem for p in (CONF / "experiment").glob("*.yaml"))
DEBUG_OPTIONS = [o for g, o in OPTIONS if g == "debug"]


@pytest.mark.parametrize("debug", DEBUG_OPTIONS)
@pytest.mark.parametrize("experiment", EXPERIMENTS)
def test_every_debug_option_fits_every_experiments_data(experiment: str, debug: str) -> None:
    cfg = compose_with(f"experiment={experiment}", f"debug={debug}")
    world_model = cfg.pipeline == "world_model"
    data = instantiate(cfg.data, **({"world": None} if world_model else {}))  # only keys its class accepts
    assert isinstance(data, hydra.utils.get_class(cfg.data._target_))
    assert cfg.trainer.get("fast_dev_run") if debug == "fdr" else cfg.trainer.max_epochs == 1
    if world_model:
        assert cfg.data.num_trajectories <= 8 and cfg.protocol.split == "dev" and not cfg.compile
    else:
        assert cfg.data.train_subset <= 1024


@pytest.mark.parametrize("debug", DEBUG_OPTIONS)
@pytest.mark.parametrize("task", [o for g, o in OPTIONS if g == "task"])
def test_every_debug_option_has_a_slice_for_every_task(debug: str, task: str) -> None:
    assert (
        CONF / "debug" / "task" / f"{debug}_{task}.yaml"
    ).is_file()  # train.yaml includes it as optional: a missing one would pass silently
