"""One Hydra job of train.py: DDP children re-run only this job, failures in a multirun are recorded, requeued
SLURM jobs find their own checkpoint."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import torch
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig, open_dict

from worldmodels.paths import CONFIG_DIR
from worldmodels.runs.distributed import RANK_VARIABLES, ddp_job_scope, job_command
from worldmodels.runs.job import headline_metric, run_hydra_job
from worldmodels.runs.resume import requeued_checkpoint

HydraJob = Callable[[Path, RunMode], DictConfig]


def test_children_rerun_this_job_in_its_dir_and_nothing_leaks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hydra_job: HydraJob) -> None:
    hydra_job(tmp_path, RunMode.MULTIRUN)
    monkeypatch.setattr(sys, "argv", ["train.py", "-m", "seed=1,2", "debug=fdr"])
    for key in RANK_VARIABLES:
        monkeypatch.delenv(key, raising=False)
    with pytest.raises(RuntimeError, match="boom"), ddp_job_scope(HydraConfig.get()):
        assert sys.argv == ["train.py", "--config-path", str(Path(CONFIG_DIR).resolve()), "--config-name", "train", "seed=1", "debug=fdr"]
        assert HydraConfig.get().run.dir == str(tmp_path / "job")  # what Lightning passes to the children
        os.environ.update(LOCAL_RANK="0", WORLD_SIZE="2", MASTER_PORT="12345")  # what Lightning's launcher sets
        raise RuntimeError("boom")
    assert sys.argv == ["train.py", "-m", "seed=1,2", "debug=fdr"]
    assert not any(key in os.environ for key in RANK_VARIABLES)  # the next job launches its own ranks


def test_single_runs_keep_their_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hydra_job: HydraJob) -> None:
    hydra_job(tmp_path, RunMode.RUN)
    monkeypatch.setattr(sys, "argv", ["train.py", "--config-name", "train", "seed=1"])
    assert job_command(HydraConfig.get())[-2:] == ["seed=1", "debug=fdr"]
    with ddp_job_scope(HydraConfig.get()):
        assert sys.argv == ["train.py", "--config-name", "train", "seed=1"]


def test_a_failing_multirun_job_is_recorded_and_returns_none(tmp_path: Path, hydra_job: HydraJob) -> None:
    cfg = hydra_job(tmp_path, RunMode.MULTIRUN)

    def failing(cfg: DictConfig, run_dir: Path, overrides: list[str]) -> dict:
        raise ValueError("bad value")

    assert run_hydra_job(cfg, failing) is None
    record = json.loads((tmp_path / "job" / "failed.json").read_text())
    assert record["error"] == "ValueError" and record["overrides"] == ["seed=1", "debug=fdr"] and "bad value" in record["traceback"]
    with open_dict(cfg):
        cfg.continue_on_failure = False
    with pytest.raises(ValueError, match="bad value"):
        run_hydra_job(cfg, failing)


def test_a_failing_single_run_raises(tmp_path: Path, hydra_job: HydraJob) -> None:
    cfg = hydra_job(tmp_path, RunMode.RUN)
    with pytest.raises(KeyError):
        run_hydra_job(cfg, lambda cfg, run_dir, overrides: {}["missing"])
    assert run_hydra_job(cfg, lambda cfg, run_dir, overrides: {"run_dir": str(run_dir)}) == {"run_dir": str(tmp_path / "job")}


def test_headline_metric() -> None:
    assert headline_metric({"frozen_probe": {"trained": {"accuracy": 0.8}}}) == 0.8
    assert headline_metric({"planning": {"success_rate": 0.5}, "frozen_probe": {}}) == 0.5
    assert headline_metric({"frozen_probe": {"trained": {"accuracy": float("nan")}}}) is None
    assert headline_metric(None) is None and headline_metric({"frozen_probe": {}}) is None


def test_a_requeued_slurm_job_resumes_from_its_own_last_checkpoint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "checkpoints").mkdir()
    torch.save({"global_step": 3}, tmp_path / "checkpoints" / "last.ckpt")
    monkeypatch.delenv("SLURM_RESTART_COUNT", raising=False)
    assert requeued_checkpoint(tmp_path) is None  # a first attempt starts fresh
    monkeypatch.setenv("SLURM_RESTART_COUNT", "1")
    assert requeued_checkpoint(tmp_path) == str(tmp_path / "checkpoints" / "last.ckpt")
    assert requeued_checkpoint(tmp_path / "elsewhere") is None
