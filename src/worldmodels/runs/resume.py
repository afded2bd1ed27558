"""Finding the checkpoint to resume from: an explicit file, or a run directory's last checkpoint."""

from __future__ import annotations

import os
from pathlib import Path


def resolve_checkpoint(resume: str | None, key: str = "resume") -> str | None:
    """``None`` -> None; a ``.ckpt`` file -> itself; a run dir -> its newest ``checkpoints/last*.ckpt``; else a clear error
    that names the config ``key`` the path came from.

    A run dir can hold ``last.ckpt`` and ``last-v1.ckpt`` (the epoch-end and the periodic checkpoint callbacks
    both keep a "last"); the most recently written one is the furthest along.
    """
    if not resume:
        return None
    path = Path(resume).expanduser()
    if path.is_file():
        return str(path)
    if path.is_dir():
        lasts = sorted((path / "checkpoints").glob("last*.ckpt"), key=lambda p: p.stat().st_mtime)
        if lasts:
            return str(lasts[-1])
        found = sorted(str(p.relative_to(path)) for p in path.rglob("*.ckpt"))
        raise FileNotFoundError(f"{key}={resume}: no checkpoints/last.ckpt in that run dir; checkpoints found there: {found or 'none'}")
    raise FileNotFoundError(f"{key}={resume}: no such checkpoint file or run directory")


def requeued_checkpoint(run_dir: Path) -> str | None:
    """The run dir's own newest ``last*.ckpt`` when SLURM restarted this job (``SLURM_RESTART_COUNT`` > 0), else None.

    A preempted or timed-out job that SLURM requeues runs again in the same run dir (the dir's id is cached in the
    submitted config), finds the checkpoint its previous attempt saved on the signal, and continues from it.
    """
    if int(os.environ.get("SLURM_RESTART_COUNT", "0") or 0) <= 0:
        return None
    lasts = sorted((run_dir / "checkpoints").glob("last*.ckpt"), key=lambda p: p.stat().st_mtime)
    return str(lasts[-1]) if lasts else None
