"""The run record, resume resolution and the curves plot."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import torch
from omegaconf import OmegaConf

from worldmodels.runs import plot_training_curves, resolve_checkpoint, write_run_record
from worldmodels.runs.plots import read_metrics

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_run_record_files(tmp_path: Path) -> None:
    cfg = OmegaConf.create({"seed": 3, "a": {"b": "${seed}"}})
    git = write_run_record(tmp_path, cfg, ["seed=3"], REPO_ROOT)
    assert "b: 3" in (tmp_path / "config.yaml").read_text()
    assert (tmp_path / "overrides.txt").read_text().strip() == "seed=3"
    assert json.loads((tmp_path / "git.json").read_text())["seed"] == 3
    assert (tmp_path / "git.diff").exists() == git["dirty"]
    assert any(line.startswith("torch==") for line in (tmp_path / "requirements.txt").read_text().splitlines())


def test_resolve_checkpoint(tmp_path: Path) -> None:
    assert resolve_checkpoint(None) is None
    (tmp_path / "checkpoints").mkdir()
    with pytest.raises(FileNotFoundError, match="none"):
        resolve_checkpoint(str(tmp_path))
    torch.save({}, tmp_path / "checkpoints" / "best.ckpt")
    assert resolve_checkpoint(str(tmp_path)) == str(tmp_path / "checkpoints" / "best.ckpt")  # no last: the newest other
    torch.save({}, tmp_path / "checkpoints" / "last-v1.ckpt")
    os.utime(tmp_path / "checkpoints" / "last-v1.ckpt", (1, 1))
    torch.save({}, tmp_path / "checkpoints" / "last.ckpt")
    assert resolve_checkpoint(str(tmp_path)) == str(tmp_path / "checkpoints" / "last.ckpt")
    os.utime(tmp_path / "checkpoints" / "last.ckpt", (0, 0))
    assert resolve_checkpoint(str(tmp_path)) == str(tmp_path / "checkpoints" / "last-v1.ckpt")
    assert resolve_checkpoint(str(tmp_path / "checkpoints" / "best.ckpt")).endswith("best.ckpt")
    with pytest.raises(FileNotFoundError, match="no such"):
        resolve_checkpoint(str(tmp_path / "missing.ckpt"))


def test_curves_from_metrics_csv(tmp_path: Path) -> None:
    csv = tmp_path / "metrics.csv"
    csv.write_text("epoch,step,train/loss,probe/acc,val/probe_acc\n0,1,2.0,0.1,\n0,2,1.5,0.3,\n0,2,,,0.4\n")
    series = read_metrics(csv)
    assert series["train/loss"] == ([1, 2], [2.0, 1.5])
    assert series["val/probe_acc"] == ([2], [0.4])
    assert plot_training_curves(csv, tmp_path / "curves.png").stat().st_size > 1000
    assert plot_training_curves(tmp_path / "absent.csv", tmp_path / "x.png") is None
