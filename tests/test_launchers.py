"""hydra/launcher=slurm|local compose: SLURM creates one task per GPU; a git-ignored conf/hydra/launcher/site/slurm.yaml wins."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hydra import compose, initialize_config_dir
from hydra.utils import instantiate
from omegaconf import DictConfig

from worldmodels.paths import CONFIG_DIR

pytest.importorskip("hydra_plugins.hydra_submitit_launcher", reason="pip install -e '.[slurm]'")


def launcher_cfg(config_dir: str, *overrides: str) -> DictConfig:
    with initialize_config_dir(config_dir=config_dir, version_base="1.3"):
        return compose(config_name="train", overrides=list(overrides), return_hydra_config=True).hydra.launcher


def test_slurm_tasks_and_gpus_follow_the_trainer() -> None:
    launcher = launcher_cfg(CONFIG_DIR, "hydra/launcher=slurm", "trainer=ddp", "trainer.devices=4", "trainer.num_nodes=2")
    assert (launcher.tasks_per_node, launcher.gpus_per_node, launcher.nodes) == (4, 4, 2)
    assert launcher.partition is None and launcher.max_num_timeout > 0
    assert type(instantiate(launcher)).__name__ == "SlurmLauncher"


def test_local_site_file_overrides_the_defaults(tmp_path: Path) -> None:
    conf = shutil.copytree(CONFIG_DIR, tmp_path / "conf")
    (conf / "hydra" / "launcher" / "site").mkdir(exist_ok=True)
    (conf / "hydra" / "launcher" / "site" / "slurm.yaml").write_text(
        "partition: gpu-long  # site partition\naccount: lab  # site account\n"
    )
    launcher = launcher_cfg(str(conf), "hydra/launcher=slurm", "hydra.launcher.timeout_min=30")
    assert (launcher.partition, launcher.account, launcher.timeout_min) == ("gpu-long", "lab", 30)


def test_local_launcher() -> None:
    launcher = launcher_cfg(CONFIG_DIR, "hydra/launcher=local")
    assert type(instantiate(launcher)).__name__ == "LocalLauncher" and launcher.tasks_per_node == 1
