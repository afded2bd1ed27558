"""Runs and sweep jobs that fail: recorded in their run dir (``failed.json``) and listed at the end of a sweep."""

from __future__ import annotations

import json
import traceback
from pathlib import Path
from typing import Any

from worldmodels.runs.atomic import atomic_write_json

FAILED_FILE = "failed.json"


def record_failure(run_dir: Path, error: BaseException, overrides: list[str]) -> Path:
    """Write ``failed.json`` (error type, message, traceback, the job's overrides) into ``run_dir``; returns its path."""
    record = {
        "error": type(error).__name__,
        "message": str(error),
        "overrides": overrides,
        "traceback": "".join(traceback.format_exception(type(error), error, error.__traceback__)),
    }
    return atomic_write_json(run_dir / FAILED_FILE, record)


def find_failures(sweep_dir: Path) -> list[dict[str, Any]]:
    """Every ``failed.json`` under ``sweep_dir``, sorted by job dir: {"job_dir", "error", "message", "overrides"}."""
    found = []
    for path in sorted(sweep_dir.rglob(FAILED_FILE)):
        record = json.loads(path.read_text())
        found.append({"job_dir": str(path.parent), **{k: record.get(k) for k in ("error", "message", "overrides")}})
    return found
