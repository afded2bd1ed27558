"""`worldmodels extract`: one features file per video, then `worldmodels probe features_dir=`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from hydra import compose, initialize_config_dir
from omegaconf import DictConfig, open_dict

from worldmodels.evaluation import evaluate_saved_features
from worldmodels.evaluation.video_extraction import extract
from worldmodels.evaluation.video_features import encode_video
from worldmodels.paths import CONFIG_DIR

REPO_ROOT = Path(__file__).resolve().parents[2]
ENCODER = [
    "encoder=vit_tiny_video",
    "encoder.image_size=16",
    "encoder.num_frames=4",
    "encoder.in_channels=3",
    "encoder.depth=1",
    "encoder.embed_dim=24",
    "encoder.num_heads=2",
]


def compose_cfg(config: str, output_dir: Path, *overrides: str) -> DictConfig:
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        cfg = compose(config_name=config, overrides=list(overrides))
    with open_dict(cfg):
        cfg.paths.output_dir = str(output_dir)
    return cfg


def run_extract(source: Path, out_dir: Path, *overrides: str) -> dict:
    cfg = compose_cfg("extract", out_dir, f"input={source}", f"out_dir={out_dir}", "num_frames=8", "device=cpu", *ENCODER, *overrides)
    return extract(cfg, out_dir)


def test_extracts_pooled_features_per_video_and_probes_them(video_root: Path, tmp_path: Path) -> None:
    index = run_extract(video_root / "train", tmp_path / "features" / "train")
    run_extract(video_root / "val", tmp_path / "features" / "test")
    assert index["videos"] == 6 and index["feature_shape"] == [24] and index["clip_frames"] == 4 and index["image_size"] == 16
    saved = torch.load(tmp_path / "features" / "train" / "ball__0.pt", weights_only=True)
    assert saved["label"] == "ball" and saved["features"].shape == (24,) and saved["frame_indices"].tolist() == [0, 2, 3, 5, 6, 8, 9, 11]
    cfg = compose_cfg("probe_eval", tmp_path / "probe", f"features_dir={tmp_path / 'features'}", "probe.epochs=2")
    results = evaluate_saved_features(cfg, tmp_path / "probe", [], REPO_ROOT)
    assert results["classes"] == ["ball", "cube"] and results["train_videos"] == 6 and results["test_videos"] == 2
    assert json.loads((tmp_path / "probe" / "results.json").read_text())["accuracy"] == results["accuracy"]


def test_tokens_for_an_attentive_probe_and_a_mismatch_fails(video_root: Path, tmp_path: Path) -> None:
    for split, folder in (("train", "train"), ("test", "val")):
        run_extract(video_root / folder, tmp_path / "tokens" / split, "features=tokens", "dtype=float16")
    saved = torch.load(tmp_path / "tokens" / "train" / "cube__2.pt", weights_only=True)
    assert saved["features"].shape == (2 * 2 * 4 * 4, 24) and saved["features"].dtype == torch.float16  # 2 clips of 2 x 4 x 4 tokens
    cfg = compose_cfg("probe_eval", tmp_path / "probe", f"features_dir={tmp_path / 'tokens'}", "probe=attentive", "probe.epochs=1")
    assert evaluate_saved_features(cfg, tmp_path / "probe", [], REPO_ROOT)["feature_dim"] == 24
    linear = compose_cfg("probe_eval", tmp_path / "probe", f"features_dir={tmp_path / 'tokens'}")
    with pytest.raises(ValueError, match="features=pooled"):
        evaluate_saved_features(linear, tmp_path / "probe", [], REPO_ROOT)


def test_single_video_unreadable_files_and_missing_input(video_root: Path, tmp_path: Path) -> None:
    index = run_extract(video_root / "val" / "ball" / "0.mp4", tmp_path / "one")
    assert index["videos"] == 1 and torch.load(tmp_path / "one" / "0.pt", weights_only=True)["label"] == ""
    (video_root / "train" / "ball" / "junk.mp4").write_bytes(b"junk")
    with pytest.warns(UserWarning, match="junk.mp4"):
        assert run_extract(video_root / "train", tmp_path / "skip")["skipped"] == 1
    with pytest.raises(FileNotFoundError, match="no such video file or folder"):
        run_extract(tmp_path / "nowhere", tmp_path / "none")
    with pytest.raises(ValueError, match="choose an encoder"):
        extract(compose_cfg("extract", tmp_path, f"input={video_root}"), tmp_path)


def test_encode_video_cuts_clips_in_time_order() -> None:
    class FrameMeans(torch.nn.Module):
        """(B, C, T, H, W) -> one token per frame holding the frame's mean."""

        def __init__(self) -> None:
            super().__init__()
            self.scale = torch.nn.Parameter(torch.ones(()))

        def forward(self, clips: torch.Tensor) -> torch.Tensor:
            return clips.mean(dim=(1, 3, 4))[..., None] * self.scale

    clip = torch.arange(12.0).view(1, 12, 1, 1).expand(1, 12, 2, 2)
    assert encode_video(FrameMeans(), clip, clip_frames=4, batch_size=2, tokens=True)[:, 0].tolist() == list(range(12))
    assert encode_video(FrameMeans(), clip, clip_frames=4).item() == pytest.approx(5.5)
    with pytest.raises(ValueError, match="multiple of clip_frames"):
        encode_video(FrameMeans(), clip, clip_frames=5)


def test_extracts_with_a_saved_vjepa2_model(video_root: Path, tmp_path: Path) -> None:
    transformers = pytest.importorskip("transformers")
    if not hasattr(transformers, "VJEPA2Model"):
        pytest.skip("this transformers has no VJEPA2Model (needs >= 4.53)")
    config = transformers.VJEPA2Config(
        crop_size=32,
        frames_per_clip=4,
        patch_size=8,
        tubelet_size=2,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        pred_hidden_size=16,
        pred_num_hidden_layers=1,
        pred_num_attention_heads=2,
    )
    transformers.VJEPA2Model(config).save_pretrained(tmp_path / "tiny")
    cfg = compose_cfg(
        "extract",
        tmp_path,
        f"input={video_root / 'val'}",
        f"out_dir={tmp_path / 'features'}",
        "num_frames=8",
        "device=cpu",
        "encoder=vjepa2_vitl",
        f"encoder.model={tmp_path / 'tiny'}",
        "encoder.local_files_only=true",
        "features=tokens",
    )
    index = extract(cfg, tmp_path)
    assert index["image_size"] == 32 and index["clip_frames"] == 4 and index["mean"] == [0.485, 0.456, 0.406]
    assert index["videos"] == 2 and index["feature_shape"] == [2 * 2 * 4 * 4, 32]
