"""`worldmodels probe ckpt=PATH probe=attentive`: probe a saved checkpoint's frozen encoder, with cached features;
`features_dir=DIR`: probe features saved by `worldmodels extract`."""

from __future__ import annotations

from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from worldmodels.evaluation import evaluate_checkpoint, evaluate_saved_features
from worldmodels.paths import CONFIG_DIR, REPO_ROOT


@hydra.main(version_base="1.3", config_path=CONFIG_DIR, config_name="probe_eval")
def main(cfg: DictConfig) -> float:
    """Hydra entry point; returns the probe accuracy for sweepers."""
    hydra_cfg = HydraConfig.get()
    output_dir, overrides = Path(hydra_cfg.runtime.output_dir), list(hydra_cfg.overrides.task)
    if cfg.get("features_dir"):
        results = evaluate_saved_features(cfg, output_dir, overrides, REPO_ROOT)
        print(f"probe accuracy {results['accuracy']:.4f} on {results['test_videos']} test videos -> {output_dir / 'results.json'}")
    else:
        results = evaluate_checkpoint(cfg, output_dir, overrides)
        print(
            f"probe accuracy {results['accuracy']:.4f} ({cfg.probe._target_}, {results['features']} features) "
            f"-> {output_dir / 'results.json'}"
        )
    return results["accuracy"]
