"""Fault injection through `python train.py`, as users meet the faults: exit codes, train.log, a bare resume, a
signal mid-training, a typed config error (the in-process faults: tests/runs/test_faults.py)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from worldmodels.runs.exit_codes import EXIT_FAILED, EXIT_PREEMPTED

REPO_ROOT = Path(__file__).resolve().parents[1]
QUIET = ("callbacks.progress_bar=null", "evaluate.frozen_probe=false", "evaluate.random_init_baseline=false")


def command(*args: str) -> list[str]:
    return [sys.executable, str(REPO_ROOT / "train.py"), *args]


def environment(root: Path) -> dict[str, str]:
    return {**os.environ, "WANDB_MODE": "disabled", "WORLDMODELS_ROOT": str(root), "OMP_NUM_THREADS": "1"}


def train_py(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(command(*args), cwd=cwd, env=environment(cwd), capture_output=True, text=True, timeout=600)


def test_a_run_that_trains_no_step_exits_non_zero_and_logs_why(tmp_path: Path, fake_fmnist: Path) -> None:
    out = train_py(
        "debug=fdr", f"data.root={fake_fmnist}", "data.batch_size=1024", f"hydra.run.dir={tmp_path / 'run'}", *QUIET, cwd=tmp_path
    )
    assert out.returncode == EXIT_FAILED
    assert "0 optimizer steps" in out.stderr + out.stdout
    assert not (tmp_path / "run" / "results.json").exists()
    assert json.loads((tmp_path / "run" / "failed.json").read_text())["error"] == "NoTrainingStepsError"
    log = (tmp_path / "run" / "train.log").read_text()
    assert "NoTrainingStepsError" in log and "Trainer" in log  # the error and Lightning's own records reach train.log


def test_a_typed_config_error_names_the_key(tmp_path: Path, fake_fmnist: Path) -> None:
    out = train_py("debug=fdr", f"data.root={fake_fmnist}", "trainer.max_epochs=abc", f"hydra.run.dir={tmp_path / 'run'}", cwd=tmp_path)
    assert out.returncode == EXIT_FAILED
    assert "trainer.max_epochs" in out.stderr + out.stdout


@pytest.mark.slow
def test_a_bare_resume_trains_the_resumed_runs_config(tmp_path: Path, fake_fmnist: Path) -> None:
    first = train_py("debug=smoke", "seed=3", f"data.root={fake_fmnist}", f"hydra.run.dir={tmp_path / 'first'}", *QUIET, cwd=tmp_path)
    assert first.returncode == 0, first.stderr[-3000:]
    resumed = train_py(f"resume={tmp_path / 'first'}", "trainer.max_epochs=2", f"hydra.run.dir={tmp_path / 'resumed'}", cwd=tmp_path)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    before, after = (json.loads((tmp_path / d / "results.json").read_text()) for d in ("first", "resumed"))
    assert after["seed"] == 3 and after["steps"] == 2 * before["steps"]  # seed, data and schedule of the resumed run
    assert "seed=3" in (tmp_path / "resumed" / "overrides.txt").read_text().split()
    assert json.loads((tmp_path / "resumed" / "resume.json").read_text())["changed"] == {"trainer.max_epochs": {"saved": 1, "now": 2}}
    again = train_py(f"resume={tmp_path / 'first'}", "seed=4", f"hydra.run.dir={tmp_path / 'again'}", cwd=tmp_path)
    assert again.returncode == 0, again.stderr[-3000:]  # a key named on the command line is a deliberate change, recorded
    assert json.loads((tmp_path / "again" / "resume.json").read_text())["changed"]["seed"] == {"saved": 3, "now": 4}


@pytest.mark.slow
def test_sigterm_during_training_saves_a_checkpoint_and_exits_with_the_preempted_code(tmp_path: Path, fake_fmnist: Path) -> None:
    run_dir = tmp_path / "run"
    args = ("debug=smoke", "trainer.max_epochs=100", f"data.root={fake_fmnist}", f"hydra.run.dir={run_dir}", *QUIET)
    process = subprocess.Popen(
        command(*args), cwd=tmp_path, env=environment(tmp_path), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 300
    while not (run_dir / "checkpoints" / "last.ckpt").exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=300)
    assert process.returncode == EXIT_PREEMPTED, stderr[-3000:]
    assert "stopped by a signal" in (run_dir / "train.log").read_text()
    assert not (run_dir / "results.json").exists()
