"""Sweeps in a subprocess, as users run them: multirun + DDP, failing jobs, Optuna, re-running a saved config."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from worldmodels.cli.summarize import summarize
from worldmodels.runs.exit_codes import EXIT_SWEEP_FAILED

REPO_ROOT = Path(__file__).resolve().parents[1]
QUIET = ("callbacks.progress_bar=null", "evaluate.random_init_baseline=false")


def train_py(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """``python train.py ARGS`` in ``cwd`` (outputs/ goes there), W&B off, one thread per process."""
    env = {**os.environ, "WANDB_MODE": "disabled", "WORLDMODELS_ROOT": str(cwd), "OMP_NUM_THREADS": "1"}
    return subprocess.run(
        [sys.executable, str(REPO_ROOT / "train.py"), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )


def sweep_dir(root: Path) -> Path:
    (found,) = (root / "outputs" / "fmnist_sigreg" / "multiruns").iterdir()
    return found


@pytest.mark.slow
def test_multirun_with_ddp_makes_exactly_one_run_per_job(tmp_path: Path, fake_fmnist: Path) -> None:
    out = train_py("-m", "seed=1,2", "trainer=ddp_cpu", "debug=fdr", f"data.root={fake_fmnist}", *QUIET, cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-3000:]
    assert [p.name for p in (tmp_path / "outputs" / "fmnist_sigreg").iterdir()] == ["multiruns"]  # no stray runs/ of child ranks
    jobs = sorted(p for p in sweep_dir(tmp_path).iterdir() if p.is_dir())
    assert [p.name for p in jobs] == ["0", "1"]
    for job, seed in zip(jobs, (1, 2), strict=True):
        assert json.loads((job / "results.json").read_text())["seed"] == seed
        assert (job / "train_ddp_process_1.log").is_file()  # rank 1 ran this job, in this job's dir
    assert len(list(tmp_path.rglob("results.json"))) == 2


@pytest.mark.slow
def test_submitit_jobs_share_the_sweep_dir(tmp_path: Path, fake_fmnist: Path) -> None:
    pytest.importorskip("hydra_plugins.hydra_submitit_launcher", reason="pip install -e '.[slurm]'")
    out = train_py("-m", "hydra/launcher=local", "seed=1,2", "debug=fdr", f"data.root={fake_fmnist}", *QUIET, cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-3000:]
    # each job runs in its own process (as each SLURM task does) and resolves the launcher's sweep dir, id included
    assert sorted(p.parent.name for p in sweep_dir(tmp_path).glob("*/results.json")) == ["0", "1"]


@pytest.mark.slow
def test_a_failing_job_is_recorded_and_the_sweep_goes_on(tmp_path: Path, fake_fmnist: Path) -> None:
    out = train_py(
        "-m", "data.batch_size=32,0", "debug=fdr", f"data.root={fake_fmnist}", "evaluate.frozen_probe=false", *QUIET, cwd=tmp_path
    )
    assert out.returncode == EXIT_SWEEP_FAILED, out.stderr[-3000:]  # after the whole sweep ran
    sweep = sweep_dir(tmp_path)
    assert (sweep / "0" / "results.json").is_file() and not (sweep / "0" / "failed.json").exists()
    failed = json.loads((sweep / "1" / "failed.json").read_text())
    assert failed["error"] == "ValueError" and "data.batch_size=0" in failed["overrides"]
    assert [f["job_dir"] for f in json.loads((sweep / "failures.json").read_text())] == [str(sweep / "1")]
    assert "1 job(s) failed" in out.stdout + out.stderr
    with pytest.raises(ValueError, match="no job has"):  # the surviving job has no frozen probe: no headline metric
        summarize(sweep)
    assert "| 0 | 0 | n/a ± n/a | 1 |" in summarize(sweep, metric="steps")["markdown"].read_text()


@pytest.mark.slow
def test_optuna_search_runs_its_trials(tmp_path: Path, fake_fmnist: Path) -> None:
    pytest.importorskip("hydra_plugins.hydra_optuna_sweeper", reason="pip install -e '.[optuna]'")
    out = train_py(
        "-m", "hparams_search=fmnist_optuna", "hydra.sweeper.n_trials=2", "debug=fdr", f"data.root={fake_fmnist}", *QUIET, cwd=tmp_path
    )
    assert out.returncode == 0, out.stderr[-3000:]
    assert len(list(tmp_path.rglob("results.json"))) == 2
    assert "best_value" in (sweep_dir(tmp_path) / "optimization_results.yaml").read_text()


@pytest.mark.slow
def test_rerunning_the_saved_config_reproduces_the_metrics(tmp_path: Path, fake_fmnist: Path) -> None:
    first = train_py("debug=smoke", f"data.root={fake_fmnist}", *QUIET, cwd=tmp_path)
    assert first.returncode == 0, first.stderr[-3000:]
    (run_dir,) = (tmp_path / "outputs" / "fmnist_sigreg" / "runs").iterdir()
    again = train_py(
        "--config-path", str(run_dir / ".hydra"), "--config-name", "config", f"hydra.run.dir={tmp_path / 'rerun'}", cwd=tmp_path
    )
    assert again.returncode == 0, again.stderr[-3000:]
    original, rerun = (json.loads((d / "results.json").read_text()) for d in (run_dir, tmp_path / "rerun"))
    assert rerun["final_metrics"] == original["final_metrics"]
    assert rerun["frozen_probe"]["trained"]["accuracy"] == original["frozen_probe"]["trained"]["accuracy"]


@pytest.mark.slow
def test_named_sweep_runs_its_grid_shares_baselines_and_summarizes_several_metrics(tmp_path: Path, fake_fmnist: Path) -> None:
    """A slice of sweep=fmnist_families (sweeps on the command line replace the config's grid for their keys)."""
    out = train_py(
        "-m",
        "sweep=fmnist_families",
        "debug=fdr",
        f"data.root={fake_fmnist}",
        "callbacks.progress_bar=null",
        "experiment=fmnist_sigreg,fmnist_ema",
        "encoder=convnet",
        "seed=0",
        "encoder.widths=[8,16]",
        "evaluate.extra_probes.attentive.epochs=1",
        cwd=tmp_path,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    root = tmp_path / "outputs" / "fmnist_families"
    results = [json.loads(p.read_text()) for p in sorted(root.rglob("results.json"))]
    assert [r["experiment"] for r in results] == ["fmnist_families"] * 2
    assert all(r["extra_probes"]["attentive"]["trained"]["train_samples"] == 512 for r in results)  # debug=fdr's 512 < 10k
    assert results[0]["frozen_probe"]["random_init"] == results[1]["frozen_probe"]["random_init"]
    assert len(list((root / "random_init").iterdir())) == 1  # one encoder, one seed: one baseline for both regularizers
    written = summarize(
        root / "multiruns", metric=["linear=frozen_probe.trained.accuracy", "attentive=extra_probes.attentive.trained.accuracy"]
    )
    table = written["markdown"].read_text()
    assert "| experiment | seeds | linear (mean ± std) | attentive (mean ± std) | failed |" in table
    assert "| fmnist_ema | 1 |" in table and "| fmnist_sigreg | 1 |" in table
