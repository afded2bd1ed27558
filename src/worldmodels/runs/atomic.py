"""Files written whole or not at all: a temporary file in the target's own directory, flushed, then renamed.

A rename within one directory is atomic on POSIX filesystems, so a reader (or a resumed run) sees either the old file or
the new one, never a half-written one, even when the directory is on another filesystem than ``/tmp`` (a cluster's
scratch); a write that fails or is interrupted removes its temporary file, so no orphan is left beside the target.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

PARTIAL_SUFFIX = ".partial"  # temporary files are named .<target name>.<random>.partial
STALE_AFTER_S = 600.0  # a temporary file untouched this long belongs to a writer that was killed


@contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on a clean exit it is fsynced and renamed onto ``target``.

    The body writes the temporary path in any way it likes (``torch.save``, ``np.savez``, ``write_text``); on an
    exception the temporary file is removed and ``target`` is left as it was.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}{PARTIAL_SUFFIX}")
    try:
        yield partial
        with open(partial, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def atomic_write(target: str | Path, write: Callable[[Path], Any]) -> Path:
    """``write(temporary path)`` then the rename of ``atomic_path``; returns ``target`` as a Path."""
    with atomic_path(target) as partial:
        write(partial)
    return Path(target)


def atomic_write_text(target: str | Path, text: str) -> Path:
    """Write ``text`` to ``target`` atomically."""
    return atomic_write(target, lambda partial: partial.write_text(text))


def atomic_write_json(target: str | Path, value: Any) -> Path:
    """Write ``value`` as indented JSON to ``target`` atomically."""
    return atomic_write_text(target, json.dumps(value, indent=2))


def remove_stale_partials(folder: str | Path, older_than_s: float = STALE_AFTER_S) -> list[Path]:
    """Delete the temporary files that killed writers left in ``folder`` (untouched for ``older_than_s`` seconds, so a
    write in progress is never touched); returns what was removed."""
    now = time.time()
    stale = [p for p in Path(folder).glob(f".*{PARTIAL_SUFFIX}") if now - p.stat().st_mtime > older_than_s]
    for path in stale:
        path.unlink(missing_ok=True)
    return stale
