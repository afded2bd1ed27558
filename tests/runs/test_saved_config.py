"""Saved run configs come back in today's layout: a world-model config written before the ``dynamics`` group existed
(its action-conditioned model under ``predictor:``) rebuilds the same model, whose checkpoint loads unchanged."""

from __future__ import annotations

from pathlib import Path

import yaml
from hydra import compose, initialize_config_dir
from hydra.core.hydra_config import HydraConfig
from hydra.utils import instantiate
from omegaconf import OmegaConf, open_dict

from worldmodels.paths import CONFIG_DIR
from worldmodels.pipelines.world_model import build_world_model
from worldmodels.runs.saved_config import saved_run_config, with_dynamics_group


def composed(*overrides: str) -> dict:
    """The train config with ``overrides``, resolved as a run saves it (without the ``hydra`` node)."""
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        cfg = compose(config_name="train", overrides=list(overrides), return_hydra_config=True)
    HydraConfig.instance().set_config(cfg)
    try:
        with open_dict(cfg):
            del cfg.hydra
        return OmegaConf.to_container(cfg, resolve=True)
    finally:
        HydraConfig.instance().cfg = None


def old_layout(config: dict) -> dict:
    """``config`` as a world-model run saved it before the split: ``predictor:`` in place of ``dynamics:``, and the
    dynamics and high-level classes under ``worldmodels.predictors``."""
    old = {("predictor" if key == "dynamics" else key): value for key, value in config.items()}
    for group in ("predictor", "high_level"):
        if old.get(group):
            old[group] = {**old[group], "_target_": old[group]["_target_"].replace("worldmodels.dynamics.", "worldmodels.predictors.")}
    return old


def test_an_old_world_model_config_rebuilds_the_same_model_and_loads_its_weights(tmp_path: Path) -> None:
    config = composed("experiment=grid_rooms", "debug=fdr")  # a dynamics and a high-level model, both moved
    old = old_layout(config)
    assert "dynamics" not in old and old["predictor"]["_target_"] == "worldmodels.predictors.ResidualMLPPredictor"
    assert old["high_level"]["_target_"] == "worldmodels.predictors.MacroStepPredictor"
    run_dir = tmp_path / "run"
    (run_dir / "checkpoints").mkdir(parents=True)
    (run_dir / "config.yaml").write_text(yaml.safe_dump(old, sort_keys=False))

    loaded = saved_run_config(run_dir / "checkpoints" / "last.ckpt", {})
    assert "predictor" not in loaded and loaded.dynamics._target_ == "worldmodels.dynamics.ResidualMLPPredictor"
    assert loaded.high_level._target_ == "worldmodels.dynamics.MacroStepPredictor"
    assert OmegaConf.to_container(loaded) == config  # exactly today's config, keys in the same order

    world = instantiate(loaded.env)
    saved = build_world_model(OmegaConf.create(config), world)
    rebuilt = build_world_model(loaded, world)
    assert any(key.startswith("predictor.") for key in saved.state_dict())  # the dynamics' weights keep their keys
    rebuilt.load_state_dict(saved.state_dict())  # strict: the same keys and shapes


def test_the_checkpoint_s_own_run_config_is_translated_too(tmp_path: Path) -> None:
    old = old_layout(composed("experiment=two_rooms", "debug=fdr"))
    loaded = saved_run_config(tmp_path / "last.ckpt", {"hyper_parameters": {"run_config": old}})
    assert loaded.dynamics._target_ == "worldmodels.dynamics.ResidualMLPPredictor" and "predictor" not in loaded


def test_configs_in_today_s_layout_and_pretraining_configs_are_unchanged() -> None:
    for config in (composed("experiment=two_rooms"), composed("predictor=mlp"), composed("experiment=ijepa_fmnist")):
        assert OmegaConf.to_container(with_dynamics_group(OmegaConf.create(config))) == config
