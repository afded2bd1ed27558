"""The benchmark scripts of experiments/benchmarks keep working: tiny sizes, no timing assertions."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import torch

BENCH_DIR = Path(__file__).resolve().parents[2] / "experiments" / "benchmarks"


@pytest.fixture
def bench_modules(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Make the scripts' sibling modules importable, as they are when run as scripts."""
    monkeypatch.syspath_prepend(str(BENCH_DIR))
    return BENCH_DIR


def run_script(script: str, *args: str) -> None:
    env = {**os.environ, "WANDB_MODE": "disabled"}
    subprocess.run([sys.executable, str(BENCH_DIR / script), *args], check=True, env=env, timeout=600)


def test_straightforward_formula_equals_library(bench_modules: Path) -> None:
    from bench_sigreg import forward_backward, inputs, library_sigreg, straightforward_sigreg

    z, directions = inputs(300, 24, 40)
    value, grad = forward_backward(library_sigreg, z, directions)
    grad = grad.clone()
    expected_value, expected_grad = forward_backward(straightforward_sigreg, z, directions)
    assert value == pytest.approx(expected_value, rel=1e-5)
    torch.testing.assert_close(grad, expected_grad, rtol=1e-4, atol=1e-6)


def test_allocator_peak_sees_a_temporary(bench_modules: Path) -> None:
    from memory import allocator_peak_bytes

    assert allocator_peak_bytes(lambda: torch.ones(1 << 20).sum()) >= 4 << 20  # a 4 MiB temporary, freed at once


@pytest.mark.slow
def test_scripts_and_report_run_at_smoke_size(tmp_path: Path, fake_fmnist: Path) -> None:
    out = tmp_path / "results"
    smoke = ["--smoke", "--threads", "1", "--out", str(out)]
    run_script("bench_sigreg.py", *smoke)
    run_script("bench_training.py", *smoke, "--data-root", str(fake_fmnist))
    run_script("bench_planning.py", *smoke)
    sigreg = json.loads((out / "sigreg.json").read_text())
    assert all(row["value_rel_diff"] <= 1e-5 for row in sigreg["rows"])
    assert (out / "sigreg_memory.png").stat().st_size > 0
    training = json.loads((out / "training.json").read_text())
    assert set(training["experiments"]) == {"fmnist_jepa", "two_rooms"}
    assert all(r["first_loss_rel_diff"] <= 1e-5 for r in training["experiments"].values())  # the bare loop trains the same loss
    planning = json.loads((out / "planning.json").read_text())
    assert set(planning["planners"]) == {"cem", "mppi", "icem", "gd", "hierarchical"}

    readme = tmp_path / "README.md"
    shutil.copy(BENCH_DIR / "README.md", readme)
    run_script("report.py", "--results", str(out), "--readme", str(readme))
    text = readme.read_text()
    assert "## How each figure is made" in text
    for heading in ("### SIGReg forward + backward", "### Training throughput", "### Planning"):
        assert text.count(heading) == 1
