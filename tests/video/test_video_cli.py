"""The video JEPA experiments run, and the surprise and write-clips commands work end to end on the fake data."""

from __future__ import annotations

import json
from pathlib import Path

import decord
import numpy as np
import pytest
from hydra import compose, initialize_config_dir
from omegaconf import DictConfig, open_dict

from worldmodels.cli.train import run_training
from worldmodels.cli.write_clips import write_clips
from worldmodels.data import write_video
from worldmodels.evaluation.surprise_benchmark import benchmark_config, evaluate_surprise
from worldmodels.evaluation.video_extraction import extract
from worldmodels.paths import CONFIG_DIR

TINY = ["encoder.depth=1", "predictor.depth=1", "evaluate.frozen_probe=false", "evaluate.random_init_baseline=false", "logger=none"]


def compose_cfg(config: str, output_dir: Path, *overrides: str) -> DictConfig:
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        cfg = compose(config_name=config, overrides=list(overrides))
    with open_dict(cfg):
        cfg.paths.output_dir = str(output_dir)
        if "trainer" in cfg:
            cfg.trainer.enable_progress_bar = False
            cfg.callbacks.pop("progress_bar", None)
    return cfg


@pytest.fixture(scope="module")
def future_run(tmp_path_factory: pytest.TempPathFactory, fake_fmnist: Path) -> Path:
    """A run dir of the future-prediction video JEPA: 4 steps on the fake data, depth 1."""
    run_dir = tmp_path_factory.mktemp("future_run")
    cfg = compose_cfg(
        "train",
        run_dir,
        "experiment=vjepa_future_moving_fmnist",
        "debug=smoke",
        f"data.root={fake_fmnist}",
        "data.train_subset=64",
        "data.test_subset=32",
        "data.batch_size=16",
        *TINY,
    )
    results = run_training(cfg, run_dir, [])
    assert results["steps"] == 4
    return run_dir


@pytest.mark.parametrize("experiment", ["vjepa_moving_fmnist", "vjepa_future_moving_fmnist", "vjepa_rollout_moving_fmnist"])
def test_video_jepa_experiments_fast_dev_run(experiment: str, fake_fmnist: Path, tmp_path: Path) -> None:
    cfg = compose_cfg(
        "train", tmp_path, f"experiment={experiment}", "debug=fdr", f"data.root={fake_fmnist}", "data.eval_batch_size=32", *TINY
    )
    assert cfg.masker.num_frames == cfg.predictor.num_frames == cfg.encoder.num_frames == cfg.data.num_frames
    assert cfg.masker.input_size == cfg.predictor.input_size == cfg.encoder.image_size
    metrics = run_training(cfg, tmp_path, [])["final_metrics"]
    assert 0 < metrics["train/pred_loss"] < 10 and metrics["reg/momentum"] > 0.99


def test_surprise_command_writes_json_and_plot(future_run: Path, fake_fmnist: Path, tmp_path: Path) -> None:
    cfg = compose_cfg("surprise", tmp_path, f"ckpt={future_run}", "benchmark.num_pairs=8", "stride=2", "device=cpu")
    results = evaluate_surprise(cfg, tmp_path)
    assert json.loads((tmp_path / "results.json").read_text()) == results
    assert results["window"] == 8 and results["context_frames"] == 6
    assert results["benchmark"]["root"] == str(fake_fmnist) and results["benchmark"]["event_frames"] == [14, 15]
    for reduction in ("mean", "max"):
        assert (results[reduction]["relative_accuracy"] * 16).is_integer()  # a fraction of the 8 pairs, a tie counting half
        assert sorted(results[reduction]["by_event"]) == ["shape", "teleport", "vanish", "wall"]
    assert (tmp_path / "surprise.png").stat().st_size > 10_000


def test_benchmark_takes_the_training_data_and_derives_event_frames() -> None:
    benchmark = compose_cfg("surprise", Path("."), "ckpt=x", "benchmark.canvas_size=48").benchmark
    data = DictConfig({"root": "/data", "sprite_size": 14, "canvas_size": 32, "speed": [1, 2], "num_objects": 2})
    filled = benchmark_config(benchmark, data, window=8, context=6)
    assert filled.root == "/data" and filled.canvas_size == 48 and filled.sprite_size == 14 and list(filled.event_frames) == [14, 15]


def test_write_clips_writes_mp4s_decord_reads(fake_fmnist: Path, tmp_path: Path) -> None:
    cfg = compose_cfg("write_clips", tmp_path, f"data.root={fake_fmnist}", "count=2", "scale=2", "data.num_frames=6")
    paths = write_clips(cfg, tmp_path)
    assert len(paths) == 2
    reader = decord.VideoReader(str(paths[0]))
    assert len(reader) == 6 and reader[0].shape == (128, 128, 3)


def test_extract_with_a_checkpoints_encoder(future_run: Path, tmp_path: Path) -> None:
    for i in range(2):
        write_video(tmp_path / "videos" / "shirt" / f"{i}.mp4", np.full((20, 40, 40), 40 * i, np.uint8), fps=8)
    cfg = compose_cfg(
        "extract",
        tmp_path,
        f"input={tmp_path / 'videos'}",
        f"ckpt={future_run}",
        "num_frames=16",
        "device=cpu",
        f"out_dir={tmp_path / 'features'}",
    )
    index = extract(cfg, tmp_path)
    assert index["videos"] == 2 and index["image_size"] == 32 and index["channels"] == 1 and index["clip_frames"] == 8
    assert index["mean"] == 0.101 and index["feature_shape"] == [128]
