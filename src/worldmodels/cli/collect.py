"""`worldmodels collect env=two_rooms`: random-policy trajectories to sharded files with metadata."""

from __future__ import annotations

from pathlib import Path

import hydra
import torch
from hydra.core.hydra_config import HydraConfig
from hydra.utils import instantiate
from omegaconf import DictConfig

from worldmodels.data.trajectory_files import write_shards
from worldmodels.paths import CONFIG_DIR, REPO_ROOT
from worldmodels.runs import write_run_record


def collect(cfg: DictConfig) -> list[Path]:
    """Collect ``cfg.collect.num_trajectories`` trajectories of ``cfg.env`` with ``cfg.seed`` and write the shards."""
    world = instantiate(cfg.env)
    arrays = world.collect(cfg.collect.num_trajectories, cfg.collect.trajectory_length, torch.Generator().manual_seed(cfg.seed))
    metadata = {**world.metadata(), "seed": cfg.seed, "trajectory_length": cfg.collect.trajectory_length}
    return write_shards(cfg.collect.out_dir, arrays, metadata, cfg.collect.shard_size)


@hydra.main(version_base="1.3", config_path=CONFIG_DIR, config_name="collect")
def main(cfg: DictConfig) -> None:
    hydra_cfg = HydraConfig.get()
    write_run_record(Path(hydra_cfg.runtime.output_dir), cfg, list(hydra_cfg.overrides.task), REPO_ROOT)
    paths = collect(cfg)
    print(
        f"wrote {cfg.collect.num_trajectories} trajectories of {cfg.env.name} in {len(paths)} shards "
        f"to {Path(cfg.collect.out_dir).resolve()}"
    )
