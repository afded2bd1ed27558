"""`worldmodels probe`: probe a saved checkpoint, cache its features, and fail clearly on bad input."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hydra import compose, initialize_config_dir
from omegaconf import DictConfig, OmegaConf, open_dict

import worldmodels.evaluation.checkpoint_probe as checkpoint_probe
from worldmodels.cli.train import run_training
from worldmodels.evaluation import EncoderMismatchError, evaluate_checkpoint
from worldmodels.paths import CONFIG_DIR
from worldmodels.runs import resolve_group

REPO_ROOT = Path(__file__).resolve().parents[2]


def compose_train(*overrides: str) -> DictConfig:
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        return compose(config_name="train", overrides=list(overrides))


@pytest.fixture(scope="module")
def trained_run(tmp_path_factory: pytest.TempPathFactory, fake_fmnist: Path) -> Path:
    """A run dir with config.yaml and checkpoints/last.ckpt: one smoke epoch of a small convnet on the fake data."""
    run_dir = tmp_path_factory.mktemp("trained_run")
    cfg = compose_train(
        "debug=smoke",
        f"data.root={fake_fmnist}",
        "encoder.widths=[8,16]",
        "regularizer.num_slices=16",
        "evaluate.frozen_probe=false",
        "evaluate.random_init_baseline=false",
        "logger=none",
    )
    with open_dict(cfg):
        cfg.paths.output_dir = str(run_dir)
        cfg.trainer.enable_progress_bar = False
        cfg.callbacks.pop("progress_bar", None)
    run_training(cfg, run_dir, [])
    return run_dir


def probe_cfg(ckpt: Path | str, out: Path, *overrides: str) -> DictConfig:
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        cfg = compose(config_name="probe_eval", overrides=[f"ckpt={ckpt}", f"cache_dir={out / 'cache'}", "device=cpu", *overrides])
    with open_dict(cfg):
        cfg.paths.output_dir = str(out)
    return cfg


def evaluate(ckpt: Path | str, out: Path, *overrides: str) -> dict:
    return evaluate_checkpoint(probe_cfg(ckpt, out, *overrides), out, list(overrides))


def test_probe_writes_results_and_a_second_probe_reads_the_cached_features(
    trained_run: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = evaluate(trained_run, tmp_path, "probe.epochs=2")
    assert json.loads((tmp_path / "results.json").read_text()) == first
    assert (first["train_samples"], first["test_samples"], first["feature_dim"]) == (
        512,
        256,
        16,
    )  # the whole fake data, the encoder's width
    assert first["features"] == "pooled" and first["encoder"].startswith("ConvNet(")
    assert [first["feature_cache"][s]["hit"] for s in ("train", "test")] == [False, False]
    cached = {s: Path(first["feature_cache"][s]["path"]) for s in ("train", "test")}
    assert all(p.parent == tmp_path / "cache" and ".pooled." in p.name for p in cached.values())
    mtimes = {s: p.stat().st_mtime_ns for s, p in cached.items()}

    def no_encoding(*args: object, **kwargs: object) -> None:
        raise AssertionError("the encoder ran although the features are cached")

    monkeypatch.setattr(checkpoint_probe, "extract_features", no_encoding)
    second = evaluate(first["checkpoint"], tmp_path / "second", "probe=knn", f"cache_dir={tmp_path / 'cache'}")
    assert [second["feature_cache"][s]["hit"] for s in ("train", "test")] == [True, True]
    assert {s: Path(second["feature_cache"][s]["path"]).stat().st_mtime_ns for s in cached} == mtimes
    assert Path(first["checkpoint"]).parent == trained_run / "checkpoints"  # the run dir resolved to its newest last*.ckpt


def test_attentive_probe_caches_tokens_apart_from_pooled_features(trained_run: Path, tmp_path: Path) -> None:
    results = evaluate(trained_run, tmp_path, "probe=attentive", "probe.epochs=1", "probe.head.num_heads=2")
    assert results["features"] == "tokens" and ".tokens." in results["feature_cache"]["train"]["path"]
    assert (results["train_samples"], results["test_samples"], results["feature_dim"]) == (512, 256, 16)


def test_checkpoint_without_its_run_dir_uses_the_config_saved_inside(trained_run: Path, tmp_path: Path) -> None:
    lone = tmp_path / "elsewhere" / "model.ckpt"
    lone.parent.mkdir()
    shutil.copy(trained_run / "checkpoints" / "last.ckpt", lone)
    results = evaluate(lone, tmp_path, "probe=knn")
    assert results["encoder"] == "ConvNet(in_channels=1, widths=[8, 16])"


def test_missing_checkpoint_is_named(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=f"ckpt={tmp_path / 'absent.ckpt'}: no such checkpoint file"):
        evaluate(tmp_path / "absent.ckpt", tmp_path)
    with pytest.raises(FileNotFoundError, match="ckpt=.*no complete checkpoint"):
        evaluate(tmp_path, tmp_path)


def test_another_encoder_than_the_checkpoints_is_refused_naming_both(trained_run: Path, tmp_path: Path) -> None:
    with pytest.raises(EncoderMismatchError) as error:
        evaluate(trained_run, tmp_path, "encoder=vit_tiny")
    message = str(error.value)
    assert "holds the weights of ConvNet(in_channels=1, widths=[8, 16])" in message
    assert "the requested encoder is ViT(" in message and "Leave out encoder=" in message
    with pytest.raises(EncoderMismatchError, match="shape"):
        evaluate(trained_run, tmp_path, "encoder=convnet")  # the same class at its default widths
    with pytest.raises(KeyError, match="no weights under 'student.'"):
        evaluate(trained_run, tmp_path, "encoder_prefix=student.")


def test_chosen_groups_replace_and_plus_keys_merge() -> None:
    saved = OmegaConf.create({"data": {"_target_": "A", "root": "/old", "n": 1}})
    assert resolve_group("data", None, saved) == saved.data
    assert resolve_group("data", OmegaConf.create({"root": "/new"}), saved) == {"_target_": "A", "root": "/new", "n": 1}
    assert resolve_group("data", OmegaConf.create({"_target_": "B"}), saved) == {"_target_": "B"}
    with pytest.raises(ValueError, match="choose encoder=<option>"):
        resolve_group("encoder", None, None)


def test_module_entry_point(trained_run: Path, tmp_path: Path) -> None:
    env = {**os.environ, "WANDB_MODE": "disabled", "WORLDMODELS_ROOT": str(tmp_path)}
    command = [sys.executable, "-m", "worldmodels", "probe", f"ckpt={trained_run}", "probe=knn", f"cache_dir={tmp_path / 'cache'}"]
    out = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    (results,) = (tmp_path / "outputs" / "probe_eval").rglob("results.json")
    assert json.loads(results.read_text())["probe"]["_target_"] == "worldmodels.probes.KNNProbe"
    assert (results.parent / "config.yaml").is_file() and "probe accuracy" in out.stdout
