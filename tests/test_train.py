"""End-to-end runs through `run_training` (in process) and `train.py` (subprocess) on the fake data."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import torch
from omegaconf import DictConfig

from worldmodels.callbacks import NonFiniteTrainingError
from worldmodels.cli.train import run_training
from worldmodels.modules import JEPAPretrainer
from worldmodels.runs import resolve_checkpoint

REPO_ROOT = Path(__file__).resolve().parents[1]
MakeCfg = Callable[..., DictConfig]


def run(cfg: DictConfig) -> dict:
    return run_training(cfg, Path(cfg.paths.output_dir), [])


@pytest.mark.parametrize("regularizer", ["sigreg", "vicreg", "ema", "none"])
def test_fast_dev_run_each_regularizer(make_cfg: MakeCfg, regularizer: str) -> None:
    predictor = "mlp" if regularizer == "ema" else "identity"
    results = run(make_cfg(f"regularizer={regularizer}", f"predictor={predictor}", "debug=fdr", "evaluate.random_init_baseline=false"))
    assert results["steps"] == 1
    trained = results["frozen_probe"]["trained"]
    assert (trained["train_samples"], trained["test_samples"]) == (512, 256)  # debug=fdr's slice of the fake data


def test_vit_tiny_encoder_runs_a_step(make_cfg: MakeCfg) -> None:
    results = run(
        make_cfg("encoder=vit_tiny", "encoder.depth=2", "debug=fdr", "evaluate.frozen_probe=false", "evaluate.random_init_baseline=false")
    )
    assert results["steps"] == 1


def test_smoke_run_writes_record_results_curves_and_loadable_checkpoints(make_cfg: MakeCfg) -> None:
    cfg = make_cfg()
    results = run(cfg)
    run_dir = Path(cfg.paths.output_dir)
    for name in ("config.yaml", "overrides.txt", "git.json", "requirements.txt", "results.json", "logs/metrics.csv", "curves.png"):
        assert (run_dir / name).is_file(), name
    saved = json.loads((run_dir / "results.json").read_text())
    assert saved["steps"] == results["steps"] == 512 // 64  # the fake training split has 512 images
    assert set(saved["frozen_probe"]) == {"trained", "random_init"}
    assert saved["seed"] == 0 and "git_sha" in saved
    header = (run_dir / "logs" / "metrics.csv").read_text().splitlines()[0]
    for metric in ("train/loss", "train/reg_loss", "reg/sigreg", "collapse/std", "collapse/rankme", "probe/acc", "val/probe_acc"):
        assert metric in header, metric
    for name in ("last.ckpt", Path(results["checkpoints"]["best"]).name):
        checkpoint = torch.load(run_dir / "checkpoints" / name, weights_only=True, map_location="cpu")
        assert checkpoint["hyper_parameters"]["run_config"]["regularizer"]["_target_"].endswith("SIGRegRegularizer")


def test_same_seed_gives_same_metrics(make_cfg: MakeCfg, tmp_path: Path) -> None:
    first = run(make_cfg("trainer.max_epochs=1", "evaluate.random_init_baseline=false"))
    second_cfg = make_cfg("trainer.max_epochs=1", "evaluate.random_init_baseline=false")
    second_cfg.paths.output_dir = str(tmp_path / "again")
    second = run(second_cfg)
    assert first["final_metrics"] == second["final_metrics"]
    assert first["frozen_probe"]["trained"]["accuracy"] == second["frozen_probe"]["trained"]["accuracy"]


@pytest.mark.slow
def test_resume_continues_step_count_and_schedule(make_cfg: MakeCfg, tmp_path: Path) -> None:
    first_cfg = make_cfg("trainer.max_epochs=1", "evaluate.frozen_probe=false", "evaluate.random_init_baseline=false")
    first = run(first_cfg)
    resumed_cfg = make_cfg(
        "trainer.max_epochs=2", f"resume={first_cfg.paths.output_dir}", "evaluate.frozen_probe=false", "evaluate.random_init_baseline=false"
    )
    resumed_cfg.paths.output_dir = str(tmp_path / "resumed")
    resumed = run_training(resumed_cfg, Path(resumed_cfg.paths.output_dir), ["trainer.max_epochs=2"])  # a key named on resume
    assert resumed["steps"] == 2 * first["steps"]
    checkpoint = torch.load(resolve_checkpoint(resumed_cfg.paths.output_dir), weights_only=True)
    assert checkpoint["lr_schedulers"][0]["last_epoch"] == resumed["steps"]
    assert checkpoint["optimizer_states"][0]["param_groups"][0]["lr"] < 1e-9  # the cosine reached its end at step 16
    with pytest.raises(FileNotFoundError, match="no complete checkpoint"):
        run(make_cfg(f"resume={tmp_path}", "overwrite=true"))


def test_non_finite_loss_stops_with_step_and_keeps_last_good_checkpoint(make_cfg: MakeCfg, monkeypatch: pytest.MonkeyPatch) -> None:
    original = JEPAPretrainer.training_step

    def poisoned(self: JEPAPretrainer, batch: dict, batch_idx: int) -> torch.Tensor:
        loss = original(self, batch, batch_idx)
        return loss * float("nan") if self.global_step == 6 else loss

    monkeypatch.setattr(JEPAPretrainer, "training_step", poisoned)
    cfg = make_cfg()
    with pytest.raises(NonFiniteTrainingError, match="the training loss is nan at step 6"):
        run(cfg)
    checkpoint = torch.load(resolve_checkpoint(cfg.paths.output_dir), weights_only=True)
    assert checkpoint["global_step"] == 4  # debug=smoke refreshes the periodic last checkpoint every 4 steps
    assert all(torch.isfinite(v).all() for v in checkpoint["state_dict"].values() if v.is_floating_point())


def _train_py(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "WANDB_MODE": "disabled", "WORLDMODELS_ROOT": str(cwd)}
    return subprocess.run(
        [sys.executable, str(REPO_ROOT / "train.py"), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )


def test_help_lists_the_groups(tmp_path: Path) -> None:
    out = _train_py("--help", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    for group in (
        "data",
        "encoder",
        "predictor",
        "masker",
        "regularizer",
        "probe",
        "trainer",
        "logger",
        "callbacks",
        "experiment",
        "debug",
    ):
        assert f"{group}: " in out.stdout, group


def test_missing_data_fails_the_run_with_instructions(tmp_path: Path) -> None:
    out = _train_py("debug=fdr", f"data.root={tmp_path / 'absent'}", cwd=tmp_path)
    assert out.returncode != 0
    assert "apt-get install dataset-fashion-mnist" in out.stderr + out.stdout


@pytest.mark.slow
def test_multirun_makes_one_run_dir_per_job(tmp_path: Path, fake_fmnist: Path) -> None:
    out = _train_py("-m", "seed=1,2", "debug=fdr", f"data.root={fake_fmnist}", "evaluate.random_init_baseline=false", cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-3000:]
    results = sorted((tmp_path / "outputs").rglob("results.json"))
    assert len(results) == 2
    assert {json.loads(p.read_text())["seed"] for p in results} == {1, 2}
    assert len({p.parent for p in results}) == 2


@pytest.mark.slow
def test_world_model_experiment_runs_under_debug_fdr(tmp_path: Path) -> None:
    out = _train_py("experiment=two_rooms", "debug=fdr", "callbacks.progress_bar=null", cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-3000:]
    (results,) = (tmp_path / "outputs").rglob("results.json")
    saved = json.loads(results.read_text())
    assert saved["steps"] == 1 and saved["planning"]["episodes"] == 2
