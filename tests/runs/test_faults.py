"""Fault injection, in process: a resume with another config, NaN weights from a finite loss, a run dir that holds
another run's results, a run that trains no step, a signal, a failing single run, truncated and half-written
checkpoints (the subprocess faults: tests/test_faults_cli.py)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
import torch
from hydra.types import RunMode
from omegaconf import DictConfig, open_dict
from pytorch_lightning.utilities.exceptions import SIGTERMException

from worldmodels.callbacks import NonFiniteTrainingError
from worldmodels.cli.train import run_training
from worldmodels.modules import JEPAPretrainer
from worldmodels.runs.atomic import remove_stale_partials
from worldmodels.runs.exit_codes import EXIT_PREEMPTED
from worldmodels.runs.job import run_hydra_job
from worldmodels.runs.resume import resolve_checkpoint
from worldmodels.runs.resume_config import ResumeConfigError, resume_command_line
from worldmodels.runs.training import NoTrainingStepsError, RunDirInUseError

MakeCfg = Callable[..., DictConfig]
HydraJob = Callable[[Path, RunMode], DictConfig]
FAST = ("evaluate.frozen_probe=false", "evaluate.random_init_baseline=false")


def run_in(cfg: DictConfig, out: Path, overrides: list[str] | None = None) -> dict:
    """``run_training`` with every path of ``cfg`` moved into ``out``."""
    with open_dict(cfg):
        cfg.paths.output_dir = str(out)
        for callback in cfg.callbacks.values():
            if callback and "dirpath" in callback:
                callback.dirpath = str(out / "checkpoints")
        cfg.logger.csv.save_dir = str(out)
    return run_training(cfg, out, overrides or [])


@pytest.mark.slow
def test_resume_refuses_another_config_and_records_the_keys_it_names(make_cfg: MakeCfg, tmp_path: Path) -> None:
    first = run_in(make_cfg("seed=3", *FAST), tmp_path / "first")
    with pytest.raises(ResumeConfigError, match=r"seed: 3 \(saved\) -> 0 \(now\)"):  # the default run, not the one resumed
        run_in(make_cfg(f"resume={tmp_path / 'first'}", *FAST), tmp_path / "other")
    assert not (tmp_path / "other" / "results.json").exists()
    resumed = run_in(
        make_cfg("seed=3", "trainer.max_epochs=2", f"resume={tmp_path / 'first'}", *FAST),
        tmp_path / "resumed",
        ["seed=3", "trainer.max_epochs=2", f"resume={tmp_path / 'first'}"],
    )
    assert resumed["steps"] == 2 * first["steps"]
    record = json.loads((tmp_path / "resumed" / "resume.json").read_text())
    assert record["changed"] == {"trainer.max_epochs": {"saved": 1, "now": 2}} and record["checked"]


def test_a_bare_resume_composes_the_saved_overrides_and_the_command_line_wins(tmp_path: Path) -> None:
    (tmp_path / "checkpoints").mkdir()
    (tmp_path / "overrides.txt").write_text("seed=3\ndata.train_subset=4000\nresume=/older/run\n")
    assert resume_command_line([f"resume={tmp_path}"]) == ["seed=3", "data.train_subset=4000", f"resume={tmp_path}"]
    assert resume_command_line(["-m", "seed=5", f"resume={tmp_path / 'checkpoints' / 'last.ckpt'}"]) == [
        "-m",
        "seed=5",
        "data.train_subset=4000",
        f"resume={tmp_path / 'checkpoints' / 'last.ckpt'}",
    ]
    assert resume_command_line(["seed=5"]) == ["seed=5"]


def test_nan_weights_from_a_finite_loss_stop_the_run_and_no_checkpoint_holds_them(
    make_cfg: MakeCfg, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = JEPAPretrainer.optimizer_step

    def overflowing(self: JEPAPretrainer, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)
        if self.global_step == 6:  # what a huge learning rate does to a weight, with a finite loss and finite gradients
            next(self.encoder.parameters()).data.fill_(float("inf"))

    monkeypatch.setattr(JEPAPretrainer, "optimizer_step", overflowing)
    with pytest.raises(NonFiniteTrainingError, match=r"the weight .*encoder.* is not finite after the optimizer step at step 7") as error:
        run_in(make_cfg(*FAST), tmp_path / "run")
    assert str(tmp_path / "run" / "checkpoints" / "last.ckpt") in str(error.value)
    for path in (tmp_path / "run" / "checkpoints").glob("*.ckpt"):
        state = torch.load(path, weights_only=True)["state_dict"]
        assert all(torch.isfinite(v).all() for v in state.values() if v.is_floating_point()), path


def test_a_huge_learning_rate_never_reaches_a_checkpoint(make_cfg: MakeCfg, tmp_path: Path) -> None:
    with pytest.raises(NonFiniteTrainingError, match="model.lr"):
        run_in(make_cfg("model.lr=1e30", *FAST), tmp_path / "run")
    for path in (tmp_path / "run" / "checkpoints").glob("*.ckpt"):
        state = torch.load(path, weights_only=True)["state_dict"]
        assert all(torch.isfinite(v).all() for v in state.values() if v.is_floating_point()), path


def test_a_nan_gradient_is_caught_before_the_optimizer_step(make_cfg: MakeCfg, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    original = JEPAPretrainer.on_after_backward

    def poisoned(self: JEPAPretrainer) -> None:
        original(self)
        if self.global_step == 2:
            next(self.encoder.parameters()).grad.fill_(float("nan"))

    monkeypatch.setattr(JEPAPretrainer, "on_after_backward", poisoned)
    with pytest.raises(NonFiniteTrainingError, match=r"the gradient of .*encoder.* at step 2"):
        run_in(make_cfg(*FAST), tmp_path / "run")


def test_a_run_dir_holding_results_is_refused_unless_overwrite(make_cfg: MakeCfg, tmp_path: Path) -> None:
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "results.json").write_text('{"steps": 7}')
    with pytest.raises(RunDirInUseError, match="overwrite=true"):
        run_in(make_cfg("debug=fdr", *FAST), tmp_path / "run")
    assert json.loads((tmp_path / "run" / "results.json").read_text()) == {"steps": 7}
    assert run_in(make_cfg("debug=fdr", "overwrite=true", *FAST), tmp_path / "run")["steps"] == 1


def test_a_run_that_trains_no_step_fails_without_results(make_cfg: MakeCfg, tmp_path: Path) -> None:
    with pytest.raises(NoTrainingStepsError, match="0 optimizer steps"):
        run_in(make_cfg("data.batch_size=1024", *FAST), tmp_path / "run")  # 512 fake training images < one batch
    assert not (tmp_path / "run" / "results.json").exists()


def test_a_signal_exits_with_the_preempted_code_and_a_failure_is_recorded(tmp_path: Path, hydra_job: HydraJob) -> None:
    cfg = hydra_job(tmp_path, RunMode.RUN)

    def stopped(cfg: DictConfig, run_dir: Path, overrides: list[str]) -> dict:
        raise SIGTERMException()

    with pytest.raises(SystemExit) as stop:
        run_hydra_job(cfg, stopped)
    assert stop.value.code == EXIT_PREEMPTED
    with pytest.raises(KeyError):
        run_hydra_job(cfg, lambda cfg, run_dir, overrides: {}["missing"])
    assert json.loads((tmp_path / "job" / "failed.json").read_text())["error"] == "KeyError"


def _save(path: Path, value: float) -> None:
    torch.save({"global_step": value, "state_dict": {"w": torch.full((4,), value)}}, path)


def test_resume_skips_a_truncated_checkpoint_for_the_newest_complete_one(tmp_path: Path) -> None:
    folder = tmp_path / "checkpoints"
    folder.mkdir()
    _save(folder / "best-epoch000-step4.ckpt", 4.0)
    _save(folder / "last-v1.ckpt", 8.0)
    _save(folder / "last.ckpt", 12.0)
    data = (folder / "last.ckpt").read_bytes()
    (folder / "last.ckpt").write_bytes(data[: len(data) // 2])  # a kill during a non-atomic copy
    assert resolve_checkpoint(str(tmp_path)) == str(folder / "last-v1.ckpt")
    (folder / "last-v1.ckpt").write_bytes(b"")
    assert resolve_checkpoint(str(tmp_path)) == str(folder / "best-epoch000-step4.ckpt")
    with pytest.raises(ValueError, match="truncated"):
        resolve_checkpoint(str(folder / "last.ckpt"))


KILLED_WRITER = """
import sys, time, torch
from worldmodels.runs.checkpoint_io import AtomicCheckpointIO

class SlowToPickle:  # the kill lands while the checkpoint is being written
    def __reduce__(self):
        print("writing", flush=True)
        time.sleep(60)
        return (int, (0,))

AtomicCheckpointIO().save_checkpoint({"state_dict": {"w": torch.ones(1000)}, "slow": SlowToPickle()}, sys.argv[1])
"""


def test_a_kill_during_a_checkpoint_write_on_another_filesystem_keeps_the_old_one_and_leaves_no_orphan(tmp_path: Path) -> None:
    shm = Path("/dev/shm")  # a tmpfs: another filesystem than /tmp, as a cluster's scratch is
    base = shm if shm.is_dir() and os.access(shm, os.W_OK) and shm.stat().st_dev != Path(tempfile.gettempdir()).stat().st_dev else tmp_path
    run_dir = Path(tempfile.mkdtemp(dir=base))
    try:
        (run_dir / "checkpoints").mkdir()
        _save(run_dir / "checkpoints" / "last.ckpt", 5.0)
        private_tmp = tmp_path / "tmp"  # where a staging copy (Lightning's own IO) would be left
        private_tmp.mkdir()
        env = {**os.environ, "TMPDIR": str(private_tmp)}
        writer = subprocess.Popen(
            [sys.executable, "-c", KILLED_WRITER, str(run_dir / "checkpoints" / "last.ckpt")], env=env, stdout=subprocess.PIPE, text=True
        )
        assert writer.stdout is not None and writer.stdout.readline().strip() == "writing"
        writer.kill()
        writer.wait()
        assert torch.load(resolve_checkpoint(str(run_dir)), weights_only=True)["global_step"] == 5.0  # the old one, whole
        assert list(private_tmp.iterdir()) == []
        (partial,) = (run_dir / "checkpoints").glob(".last.ckpt.*.partial")  # the killed write's own file, beside the target
        assert remove_stale_partials(run_dir / "checkpoints") == []  # too fresh: it could be a write in progress
        os.utime(partial, (0, 0))
        assert remove_stale_partials(run_dir / "checkpoints") == [partial] and not partial.exists()
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)
