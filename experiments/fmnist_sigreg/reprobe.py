"""Re-probe a finished Fashion-MNIST run's encoder (and its random-init twin) with another frozen probe.

    python experiments/fmnist_sigreg/reprobe.py RUN_DIR probe=linear_grid probe.head.grid=4

Loads the run's config.yaml and newest last*.ckpt, fits ``probe`` (a conf/probe option, with any ``probe.*``
overrides) on frozen train-split features of the trained encoder and of the same encoder with its seed-``seed``
initial weights, and prints both test accuracies.
"""

from __future__ import annotations

import glob
import json
import sys
from pathlib import Path

import torch
from hydra import compose, initialize_config_dir
from omegaconf import OmegaConf

from worldmodels.evaluation import frozen_probe_reports
from worldmodels.paths import CONFIG_DIR
from worldmodels.pipelines.pretrain import build_encoder


def main(run_dir: Path, overrides: list[str]) -> dict:
    cfg = OmegaConf.load(run_dir / "config.yaml")
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        probe_cfg = compose(config_name="train", overrides=overrides).probe
    from hydra.utils import instantiate

    datamodule = instantiate(cfg.data, masker=instantiate(cfg.masker))
    datamodule.setup()
    state = torch.load(sorted(glob.glob(str(run_dir / "checkpoints" / "last*.ckpt")))[-1], weights_only=True)["state_dict"]
    prefix = "network.encoder."
    trained = build_encoder(cfg)
    trained.load_state_dict({k[len(prefix) :]: v for k, v in state.items() if k.startswith(prefix)})
    results = {
        "run_dir": str(run_dir),
        "probe": overrides,
        "trained": frozen_probe_reports(trained, datamodule, {"probe": probe_cfg}, cfg.seed)["probe"]["accuracy"],
        "random_init": frozen_probe_reports(build_encoder(cfg), datamodule, {"probe": probe_cfg}, cfg.seed)["probe"]["accuracy"],
    }
    print(json.dumps(results))
    return results


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2:] or ["probe=linear_grid"])
