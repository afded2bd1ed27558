"""Preemption: a run stopped by SIGTERM or SIGUSR1 mid-epoch saves last.ckpt, and resuming it ends exactly where an
uninterrupted run ends (same batches, same views, same metrics)."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from pathlib import Path

import pytest
import torch
from omegaconf import DictConfig

from worldmodels.cli.train import run_training
from worldmodels.modules import JEPAPretrainer

MakeCfg = Callable[..., DictConfig]
STOP_AT = 6  # debug=smoke has 16 steps, a periodic checkpoint every 4


def _run(make_cfg: MakeCfg, out: Path, *overrides: str) -> dict:
    cfg = make_cfg("evaluate.random_init_baseline=false", *overrides)
    cfg.paths.output_dir = str(out)
    for callback in cfg.callbacks.values():
        if callback and "dirpath" in callback:
            callback.dirpath = str(out / "checkpoints")
    return run_training(cfg, out, [])


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGUSR1], ids=["SIGTERM", "SIGUSR1"])
def test_stopped_and_resumed_run_ends_like_an_uninterrupted_one(
    make_cfg: MakeCfg, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, signum: signal.Signals
) -> None:
    uninterrupted = _run(make_cfg, tmp_path / "whole")

    original = JEPAPretrainer.training_step

    def signalled(self: JEPAPretrainer, batch: dict, batch_idx: int) -> torch.Tensor:
        if self.global_step == STOP_AT:
            os.kill(os.getpid(), signum)
        return original(self, batch, batch_idx)

    monkeypatch.setattr(JEPAPretrainer, "training_step", signalled)
    with pytest.raises(SystemExit):
        _run(make_cfg, tmp_path / "stopped")
    monkeypatch.undo()
    stopped = torch.load(tmp_path / "stopped" / "checkpoints" / "last.ckpt", weights_only=True)
    assert stopped["global_step"] == STOP_AT + 1  # the signalled batch finished, then training stopped
    assert not (tmp_path / "stopped" / "results.json").exists()

    resumed = _run(make_cfg, tmp_path / "resumed", f"resume={tmp_path / 'stopped'}")
    assert resumed["steps"] == uninterrupted["steps"]
    # every metric the resumed part logged (the collapse diagnostics were last logged before the stop) is identical
    assert {"val/probe_acc", "train/loss", "reg/sigreg"} <= set(resumed["final_metrics"])
    assert resumed["final_metrics"] == {k: uninterrupted["final_metrics"][k] for k in resumed["final_metrics"]}
    assert resumed["frozen_probe"]["trained"]["accuracy"] == uninterrupted["frozen_probe"]["trained"]["accuracy"]
