"""What every run directory records so the run can be reproduced: config, overrides, git state, packages, seed."""

from __future__ import annotations

import importlib.metadata
import subprocess
from pathlib import Path
from typing import Any

from omegaconf import DictConfig, OmegaConf

from worldmodels.runs.atomic import atomic_write_json, atomic_write_text


def _git(*args: str, cwd: Path) -> str | None:
    try:
        out = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=30, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout


def git_state(repo: Path) -> dict[str, Any]:
    """{"sha": commit or None, "dirty": bool, "diff": diff against HEAD (tracked files) or ""}."""
    sha = _git("rev-parse", "HEAD", cwd=repo)
    status = _git("status", "--porcelain", "--untracked-files=no", cwd=repo) or ""
    dirty = bool(status.strip())
    return {"sha": sha.strip() if sha else None, "dirty": dirty, "diff": (_git("diff", "HEAD", cwd=repo) or "") if dirty else ""}


def installed_packages() -> list[str]:
    """``name==version`` of every installed distribution, sorted (a ``pip freeze`` without the subprocess)."""
    found = {(dist.metadata["Name"] or "").lower(): dist.version for dist in importlib.metadata.distributions()}
    return sorted(f"{name}=={version}" for name, version in found.items() if name)


def write_run_record(run_dir: Path, cfg: DictConfig, overrides: list[str], repo: Path) -> dict[str, Any]:
    """Write config.yaml (resolved), overrides.txt, git.json (+ git.diff when dirty) and requirements.txt.

    Returns the git state.
    """
    run_dir.mkdir(parents=True, exist_ok=True)
    atomic_write_text(run_dir / "config.yaml", OmegaConf.to_yaml(cfg, resolve=True))
    atomic_write_text(run_dir / "overrides.txt", "\n".join(overrides) + "\n")
    git = git_state(repo)
    atomic_write_json(run_dir / "git.json", {"sha": git["sha"], "dirty": git["dirty"], "seed": cfg.get("seed")})
    if git["dirty"]:
        atomic_write_text(run_dir / "git.diff", git["diff"])
    atomic_write_text(run_dir / "requirements.txt", "\n".join(installed_packages()) + "\n")
    return git
