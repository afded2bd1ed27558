"""Where the repository and its Hydra configs are, and the ``${uid:}`` resolver that keeps run-dir paths unique.

Every command composes its config from ``CONFIG_DIR`` (``$WORLDMODELS_CONFIG_DIR``, else the repository's ``conf/``)
and records the git state of ``REPO_ROOT``; importing this module registers the resolver the run dirs of
``conf/hydra/default.yaml`` use.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from omegaconf import OmegaConf

REPO_ROOT = Path(__file__).resolve().parents[2]
CONFIG_DIR = os.environ.get("WORLDMODELS_CONFIG_DIR", str(REPO_ROOT / "conf"))


def _new_uid() -> str:
    """A short random id: run dirs stay unique when jobs start in the same second."""
    return uuid.uuid4().hex[:6]


# Cached in the config (use_cache): every job of a sweep, every SLURM rank and a requeued job resolve the same
# directory, because Hydra copies the launcher's config cache into each job's config.
if not OmegaConf.has_resolver("uid"):
    OmegaConf.register_new_resolver("uid", _new_uid, use_cache=True)
