"""Jobs of a sweep that fail: recorded in their run dir (``failed.json``) and listed at the end of the sweep."""

from __future__ import annotations

import json
import traceback
from pathlib import Path
from typing import Any

FAILED_FILE = "failed.json"


def record_failure(run_dir: Path, error: BaseException, overrides: list[str]) -> Path:
    """Write ``failed.json`` (error type, message, traceback, the job's overrides) into ``run_dir``; returns its path."""
    run_dir.mkdir(parents=True, exist_ok=True)
    path = run_dir / FAILED_FILE
    record = {
        "error": type(error).__name__,
        "message": str(error),
        "overrides": overrides,
        "traceback": "".join(traceback.format_exception(type(error), error, error.__traceback__)),
    }
    path.write_text(json.dumps(record, indent=2))
    return path


def find_failures(sweep_dir: Path) -> list[dict[str, Any]]:
    """Every ``failed.json`` under ``sweep_dir``, sorted by job dir: {"job_dir", "error", "message", "overrides"}."""
    found = []
    for path in sorted(sweep_dir.rglob(FAILED_FILE)):
        record = json.loads(path.read_text())
        found.append({"job_dir": str(path.parent), **{k: record.get(k) for k in ("error", "message", "overrides")}})
    return found
