"""The config a checkpoint was trained with, read back from its run directory or from the checkpoint itself."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from omegaconf import DictConfig, OmegaConf

MOVED_TO_DYNAMICS = ("GRUPredictor", "ResidualMLPPredictor", "BlockCausalTransformerPredictor", "MacroStepPredictor")
"""The classes that moved from ``worldmodels.predictors`` to ``worldmodels.dynamics`` when the ``dynamics`` config group
was split off the ``predictor`` group."""


def with_dynamics_group(cfg: DictConfig) -> DictConfig:
    """A saved config in today's layout: a world-model config written before the ``dynamics`` group existed comes back
    with its action-conditioned model under ``dynamics`` and the moved classes' new paths; other configs unchanged.

    Before the split, a world-model run (``pipeline: world_model``) kept its action-conditioned predictor under
    ``predictor:`` (``_target_: worldmodels.predictors.ResidualMLPPredictor``) and had no ``dynamics:``. Here
    ``predictor`` is renamed ``dynamics`` (same keys, same place in the config), and every ``_target_`` that names one
    of ``MOVED_TO_DYNAMICS`` under ``worldmodels.predictors`` (the high-level ``MacroStepPredictor`` included) is
    pointed at ``worldmodels.dynamics``. The weights need nothing: ``WorldModel`` still holds the dynamics as its
    ``predictor`` attribute, so the checkpoint's state-dict keys (``predictor.*``) are unchanged.
    """
    old_layout = cfg.get("pipeline") == "world_model" and "predictor" in cfg and "dynamics" not in cfg
    if not old_layout:
        return cfg
    container = OmegaConf.to_container(cfg, resolve=False)
    renamed = {("dynamics" if key == "predictor" else key): value for key, value in container.items()}
    return OmegaConf.create(_retarget(renamed))


def _retarget(node: Any) -> Any:
    """``node`` with every ``_target_: worldmodels.predictors[.module].X`` of a moved class X pointed at ``worldmodels.dynamics.X``."""
    if isinstance(node, list):
        return [_retarget(value) for value in node]
    if not isinstance(node, dict):
        return node
    moved = {}
    for key, value in node.items():
        name = value.rsplit(".", 1)[-1] if key == "_target_" and isinstance(value, str) else None
        moved[key] = (
            f"worldmodels.dynamics.{name}"
            if name in MOVED_TO_DYNAMICS and value.startswith("worldmodels.predictors.")
            else _retarget(value)
        )
    return moved


def saved_run_config(checkpoint_path: Path, checkpoint: dict[str, Any]) -> DictConfig | None:
    """The resolved config of the run that wrote ``checkpoint_path``, or None when it cannot be found.

    Looks for the run dir's ``config.yaml`` beside the checkpoint and one folder up (``<run dir>/checkpoints/*.ckpt``),
    then for the ``run_config`` the pretrainer keeps in the checkpoint's hyper-parameters. A config saved in an
    earlier layout comes back in today's (``with_dynamics_group``).
    """
    for folder in (checkpoint_path.parent, checkpoint_path.parent.parent):
        if (folder / "config.yaml").is_file():
            return with_dynamics_group(OmegaConf.load(folder / "config.yaml"))
    run_config = checkpoint.get("hyper_parameters", {}).get("run_config")
    return with_dynamics_group(OmegaConf.create(run_config)) if run_config else None


def resolve_group(group: str, chosen: DictConfig | None, saved: DictConfig | None) -> DictConfig:
    """The config of ``group`` to use: a group named on the command line (it has a ``_target_``) replaces the
    checkpoint's; keys given as ``+group.key=value`` are merged over the checkpoint's."""
    if chosen is not None and "_target_" in chosen:
        return chosen
    if saved is None or group not in saved:
        raise ValueError(
            f"the checkpoint's run config is unknown (no config.yaml beside it, no run_config inside it): choose {group}=<option>"
        )
    return OmegaConf.merge(saved[group], chosen or {})
