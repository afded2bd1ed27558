"""Finding the checkpoint to resume from: an explicit file, or a run directory's newest complete checkpoint."""

from __future__ import annotations

import os
from pathlib import Path

from worldmodels.runs.checkpoint_io import complete_checkpoints, is_complete_checkpoint


def resolve_checkpoint(resume: str | None, key: str = "resume") -> str | None:
    """``None`` -> None; a ``.ckpt`` file -> itself; a run dir -> its newest complete checkpoint; else a clear error
    that names the config ``key`` the path came from.

    In a run dir the ``last*.ckpt`` files come first (the epoch-end and the periodic checkpoint callbacks both keep a
    "last"; the most recently written is the furthest along); a truncated one (a write killed by an older version or
    a full disk) is skipped for the next newest, then for the other checkpoints (``best-*.ckpt``).
    """
    if not resume:
        return None
    path = Path(resume).expanduser()
    if path.is_file():
        if not is_complete_checkpoint(path):
            raise ValueError(
                f"{key}={resume}: the file is truncated or not a checkpoint; pass its run dir to resume from "
                "the newest complete checkpoint there"
            )
        return str(path)
    if path.is_dir():
        found = run_dir_checkpoint(path)
        if found:
            return found
        listed = sorted(str(p.relative_to(path)) for p in path.rglob("*.ckpt"))
        raise FileNotFoundError(
            f"{key}={resume}: no complete checkpoint in checkpoints/ of that run dir; checkpoint files found there: {listed or 'none'}"
        )
    raise FileNotFoundError(f"{key}={resume}: no such checkpoint file or run directory")


def run_dir_checkpoint(run_dir: Path) -> str | None:
    """The newest complete ``checkpoints/last*.ckpt`` of ``run_dir``, else its newest complete checkpoint, else None."""
    folder = run_dir / "checkpoints"
    lasts = complete_checkpoints(list(folder.glob("last*.ckpt")))
    others = complete_checkpoints([p for p in folder.glob("*.ckpt") if not p.name.startswith("last")])
    return str((lasts or others)[0]) if lasts or others else None


def requeued_checkpoint(run_dir: Path) -> str | None:
    """The run dir's own newest complete checkpoint when SLURM restarted this job (``SLURM_RESTART_COUNT`` > 0), else None.

    A preempted or timed-out job that SLURM requeues runs again in the same run dir (the dir's id is cached in the
    submitted config), finds the checkpoint its previous attempt saved on the signal, and continues from it.
    """
    if int(os.environ.get("SLURM_RESTART_COUNT", "0") or 0) <= 0:
        return None
    return run_dir_checkpoint(run_dir)
