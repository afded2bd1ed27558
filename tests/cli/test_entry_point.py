"""`worldmodels <command>`: the command list, an unknown command, and `worldmodels train` run as users run it."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from worldmodels.cli import COMMANDS, EXIT_USAGE, main

SCRIPT = Path(sys.executable).with_name("worldmodels")  # the console script `pip install -e .` puts beside python
QUIET = ("callbacks.progress_bar=null", "evaluate.random_init_baseline=false")


def worldmodels(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """``worldmodels ARGS`` in ``cwd`` (outputs/ goes there), W&B off, one thread per process."""
    env = {**os.environ, "WANDB_MODE": "disabled", "WORLDMODELS_ROOT": str(cwd), "OMP_NUM_THREADS": "1"}
    return subprocess.run([str(SCRIPT), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


@pytest.mark.parametrize("argv", [["--help"], ["-h"]])
def test_help_lists_every_command_with_a_line(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    main(argv)
    listed = {line.split()[0] for line in capsys.readouterr().out.splitlines() if line.startswith("  ")}
    assert listed == set(COMMANDS) == {"train", "plan", "probe", "collect", "extract", "surprise", "summarize", "write-clips"}


def test_no_command_prints_the_list_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([])
    assert exited.value.code == EXIT_USAGE == 2
    assert "write-clips" in capsys.readouterr().err


def test_an_unknown_command_exits_2_naming_the_known_ones(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["fly", "seed=1"])
    assert exited.value.code == EXIT_USAGE
    err = capsys.readouterr().err
    assert "'fly'" in err and all(name in err for name in COMMANDS)


def test_every_command_module_has_a_main() -> None:
    for command in COMMANDS.values():
        assert callable(importlib.import_module(command.module).main), command.module


def test_python_dash_m_worldmodels_is_the_same_entry_point(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "-m", "worldmodels", "fly"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert out.returncode == EXIT_USAGE and "unknown command 'fly'" in out.stderr


def test_worldmodels_train_writes_results_and_train_log(tmp_path: Path, fake_fmnist: Path) -> None:
    run_dir = tmp_path / "run"
    out = worldmodels("train", "debug=fdr", f"data.root={fake_fmnist}", f"hydra.run.dir={run_dir}", *QUIET, cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-3000:]
    assert json.loads((run_dir / "results.json").read_text())["steps"] == 1
    assert "Trainer" in (run_dir / "train.log").read_text()  # Hydra's job is named "train", as for `python train.py`


@pytest.mark.slow
def test_worldmodels_train_ddp_ranks_rerun_the_train_command(tmp_path: Path, fake_fmnist: Path) -> None:
    run_dir = tmp_path / "run"
    out = worldmodels("train", "trainer=ddp_cpu", "debug=fdr", f"data.root={fake_fmnist}", f"hydra.run.dir={run_dir}", *QUIET, cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-3000:]
    assert json.loads((run_dir / "results.json").read_text())["steps"] == 1
    assert (run_dir / "train_ddp_process_1.log").is_file()  # rank 1 ran `python -m worldmodels.cli.train` in this run dir
