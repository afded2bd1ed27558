"""`worldmodels plan ckpt=PATH planner=flat solver=cem protocol.split=dev`: the planning protocol on a saved world model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.utils import instantiate
from omegaconf import DictConfig, OmegaConf

from worldmodels.paths import CONFIG_DIR, REPO_ROOT
from worldmodels.pipelines.world_model import evaluate_and_record, load_world_model
from worldmodels.runs import write_run_record
from worldmodels.runs.atomic import atomic_write_json


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
