"""`worldmodels plan ckpt=PATH planner=flat solver=cem protocol.split=dev`: the planning protocol on a saved world model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import hydra
import torch
from hydra.core.hydra_config import HydraConfig
from hydra.utils import instantiate
from omegaconf import DictConfig, OmegaConf

from worldmodels.paths import CONFIG_DIR, REPO_ROOT
from worldmodels.pipelines.world_model import build_world_model, evaluate_and_record
from worldmodels.runs import resolve_checkpoint, saved_run_config, write_run_record
from worldmodels.runs.atomic import atomic_write_json


def load_world_model(ckpt: str, world: Any) -> tuple[torch.nn.Module, DictConfig, Path]:
    """The world model saved at ``ckpt`` (file or run dir), rebuilt from its run config, its run config and the
    checkpoint file; checks it fits ``world``."""
    path = Path(resolve_checkpoint(ckpt, key="ckpt"))
    checkpoint = torch.load(path, map_location="cpu", weights_only=True)
    run_cfg = saved_run_config(path, checkpoint)
    if run_cfg is None or run_cfg.get("pipeline") != "world_model":
        raise ValueError(
            f"{path} is not a world-model checkpoint (its run config has pipeline={run_cfg.get('pipeline') if run_cfg else None!r}); "
            "train one with `python train.py experiment=two_rooms`"
        )
    trained_env = run_cfg.env.get("name", run_cfg.env.get("id"))
    if trained_env != world.name:
        raise ValueError(
            f"{path} was trained on env {trained_env!r}; planning in env {world.name!r} would mix worlds: pass env={trained_env}"
        )
    model = build_world_model(run_cfg, world)
    model.load_state_dict(checkpoint["state_dict"])
    return model.eval(), run_cfg, path


def plan(cfg: DictConfig, output_dir: Path) -> dict[str, Any]:
    """Evaluate ``cfg.ckpt`` with ``cfg.planner`` on ``cfg.env`` under ``cfg.protocol``; writes results.json."""
    world = instantiate(cfg.env)
    model, run_cfg, path = load_world_model(cfg.ckpt, world)
    results = {
        "ckpt": str(cfg.ckpt),
        "env": world.name,
        "solver": OmegaConf.to_container(cfg.solver, resolve=True),
        "planner": OmegaConf.to_container(cfg.planner, resolve=True),
        **evaluate_and_record(cfg, model, world, output_dir, path),
    }
    atomic_write_json(output_dir / "results.json", results)
    return results


@hydra.main(version_base="1.3", config_path=CONFIG_DIR, config_name="plan")
def main(cfg: DictConfig) -> None:
    hydra_cfg = HydraConfig.get()
    output_dir = Path(hydra_cfg.runtime.output_dir)
    write_run_record(output_dir, cfg, list(hydra_cfg.overrides.task), REPO_ROOT)
    results = plan(cfg, output_dir)
    shown = (
        "split",
        "success_rate",
        "success_ci95",
        "floor_success_rate",
        "mean_final_distance",
        "seconds_per_replan_per_episode",
        "model_transitions_per_replan_per_episode",
    )
    print(json.dumps({k: results[k] for k in shown}, indent=2))
    print(f"results, trajectories.png and episode.gif in {output_dir}")
