"""`worldmodels extract input=VIDEO_OR_FOLDER encoder=... ckpt=...`: one frozen-features file per video."""

from __future__ import annotations

from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from worldmodels.evaluation.video_extraction import extract
from worldmodels.paths import CONFIG_DIR, REPO_ROOT
from worldmodels.runs import write_run_record


@hydra.main(version_base="1.3", config_path=CONFIG_DIR, config_name="extract")
def main(cfg: DictConfig) -> None:
    hydra_cfg = HydraConfig.get()
    output_dir = Path(hydra_cfg.runtime.output_dir)
    write_run_record(output_dir, cfg, list(hydra_cfg.overrides.task), REPO_ROOT)
    index = extract(cfg, output_dir)
    print(f"wrote {index['videos']} feature files ({cfg.features}, {index['feature_shape']}) to {index['out_dir']}")
