"""`worldmodels surprise ckpt=PATH`: violation-of-expectation evaluation of a video JEPA on impossible-event pairs."""

from __future__ import annotations

from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from worldmodels.evaluation.surprise_benchmark import evaluate_surprise
from worldmodels.paths import CONFIG_DIR, REPO_ROOT
from worldmodels.runs import write_run_record


@hydra.main(version_base="1.3", config_path=CONFIG_DIR, config_name="surprise")
def main(cfg: DictConfig) -> float:
    """Hydra entry point; returns the relative accuracy (mean over time) for sweepers."""
    hydra_cfg = HydraConfig.get()
    output_dir = Path(hydra_cfg.runtime.output_dir)
    write_run_record(output_dir, cfg, list(hydra_cfg.overrides.task), REPO_ROOT)
    results = evaluate_surprise(cfg, output_dir)
    print(
        f"relative accuracy {results['mean']['relative_accuracy']:.3f} (mean over time), {results['max']['relative_accuracy']:.3f} (max); "
        f"AUROC {results['mean']['auroc']:.3f} / {results['max']['auroc']:.3f} "
        f"-> {output_dir / 'results.json'}, {output_dir / 'surprise.png'}"
    )
    return results["mean"]["relative_accuracy"]
