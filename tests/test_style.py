"""The code style CI holds: `ruff check` (lint, imports, line length 140) and `ruff format --check` on every Python
file of the project (what `make lint` runs)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
PATHS = ("src", "tests", "docs", "experiments", "train.py")


@pytest.mark.parametrize("command", [["check"], ["format", "--check"]], ids=["check", "format"])
def test_ruff(command: list[str]) -> None:
    out = subprocess.run([sys.executable, "-m", "ruff", *command, *PATHS], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]
