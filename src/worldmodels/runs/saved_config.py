"""The config a checkpoint was trained with, read back from its run directory or from the checkpoint itself."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from omegaconf import DictConfig, OmegaConf


def saved_run_config(checkpoint_path: Path, checkpoint: dict[str, Any]) -> DictConfig | None:
    """The resolved config of the run that wrote ``checkpoint_path``, or None when it cannot be found.

    Looks for the run dir's ``config.yaml`` beside the checkpoint and one folder up (``<run dir>/checkpoints/*.ckpt``),
    then for the ``run_config`` the pretrainer keeps in the checkpoint's hyper-parameters.
    """
    for folder in (checkpoint_path.parent, checkpoint_path.parent.parent):
        if (folder / "config.yaml").is_file():
            return OmegaConf.load(folder / "config.yaml")
    run_config = checkpoint.get("hyper_parameters", {}).get("run_config")
    return OmegaConf.create(run_config) if run_config else None
