"""`worldmodels extract input=VIDEO_OR_FOLDER encoder=... ckpt=...`: one frozen-features file per video."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import hydra
import torch
from hydra.core.hydra_config import HydraConfig
from hydra.utils import instantiate
from omegaconf import DictConfig
from torch import nn
from tqdm import tqdm

from worldmodels.cli.probe import pick_device, resolve_group
from worldmodels.data.video_files import VideoEntry, is_video, list_videos, open_videos, read_label_csv
from worldmodels.evaluation import load_encoder
from worldmodels.evaluation.video_features import encode_video, normalizer, sample_video
from worldmodels.paths import CONFIG_DIR, REPO_ROOT
from worldmodels.runs import resolve_checkpoint, saved_run_config, write_run_record
from worldmodels.runs.atomic import atomic_write, atomic_write_json

IMAGENET = ([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])


def find_inputs(source: Path, labels_csv: str | None) -> list[tuple[Path, str]]:
    """(video, label name) pairs: one video, or every video under a folder labelled by its first sub-folder ("" when
    it sits at the top); a labels CSV (video,label rows) overrides both."""
    if labels_csv:
        return read_label_csv(Path(labels_csv).expanduser())
    if is_video(source):
        return [(source, "")]
    if not source.is_dir():
        raise FileNotFoundError(f"input={source}: no such video file or folder")
    videos = list_videos(source)
    if not videos:
        raise FileNotFoundError(f"input={source}: no video files in that folder")
    return [(video, video.relative_to(source).parts[0] if len(video.relative_to(source).parts) > 1 else "") for video in videos]


def frozen_encoder(cfg: DictConfig) -> tuple[nn.Module, DictConfig, DictConfig | None]:
    """The encoder to extract with: ``cfg.ckpt``'s weights (in its own or the named encoder), else ``cfg.encoder`` as
    it builds itself (random or pretrained weights); its config and the checkpoint's run config."""
    if not cfg.ckpt:
        if cfg.get("encoder") is None:
            raise ValueError("choose an encoder (encoder=vjepa2_vitl, encoder=vit_tiny_video, ...) or give ckpt=")
        return instantiate(cfg.encoder), cfg.encoder, None
    path = Path(resolve_checkpoint(cfg.ckpt, key="ckpt"))
    checkpoint = torch.load(path, weights_only=True, map_location="cpu")
    saved = saved_run_config(path, checkpoint)
    encoder_cfg = resolve_group("encoder", cfg.get("encoder"), saved)
    return load_encoder(checkpoint, path, encoder_cfg, saved.encoder if saved else None, cfg.encoder_prefix), encoder_cfg, saved


def input_options(cfg: DictConfig, encoder: nn.Module, encoder_cfg: DictConfig, saved: DictConfig | None) -> dict[str, Any]:
    """Frame size, channels, frames per encoder call and normalisation: from ``cfg`` where set, else from the encoder
    (its image_size and num_frames attributes, else its config's; in_channels) and the checkpoint's data (mean, std;
    ImageNet's without a checkpoint)."""
    augment = saved.data.get("augment", {}) if saved is not None else {}
    return {
        "image_size": int(cfg.image_size or getattr(encoder, "image_size", encoder_cfg.get("image_size", 224))),
        "channels": int(cfg.channels or encoder_cfg.get("in_channels", 3)),
        "clip_frames": int(cfg.clip_frames or getattr(encoder, "num_frames", encoder_cfg.get("num_frames", 16))),
        "mean": cfg.mean if cfg.mean is not None else augment.get("mean", IMAGENET[0]),
        "std": cfg.std if cfg.std is not None else augment.get("std", IMAGENET[1]),
    }


def extract(cfg: DictConfig, output_dir: Path) -> dict[str, Any]:
    """Write ``<out_dir>/<video path>.pt`` ({"features", "label", "path", "frame_indices"}) per readable video and
    ``index.json``; returns what index.json holds."""
    start = time.perf_counter()
    encoder, encoder_cfg, saved = frozen_encoder(cfg)
    encoder = encoder.to(pick_device(cfg.device)).eval()
    options = input_options(cfg, encoder, encoder_cfg, saved)
    normalize = normalizer(options["mean"], options["std"])
    source = Path(cfg.input).expanduser()
    inputs = find_inputs(source, cfg.labels)
    readable = open_videos([VideoEntry(path, i) for i, (path, _) in enumerate(inputs)], str(source))
    out_dir = Path(cfg.out_dir).expanduser() if cfg.out_dir else output_dir / "features"
    out_dir.mkdir(parents=True, exist_ok=True)
    tokens, dtype = cfg.features == "tokens", getattr(torch, cfg.dtype)
    written = []
    for entry in tqdm(readable, desc="videos", unit="video"):
        clip, indices = sample_video(entry.path, cfg.num_frames, options["image_size"], options["channels"])
        features = encode_video(encoder, normalize(clip), options["clip_frames"], cfg.batch_size, tokens=tokens)
        name = str(entry.path.relative_to(source) if source.is_dir() and entry.path.is_relative_to(source) else entry.path.name)
        target = out_dir / (name.replace("/", "__").rsplit(".", 1)[0] + ".pt")
        record = {"features": features.to(dtype), "label": inputs[entry.label][1], "path": str(entry.path), "frame_indices": indices}
        atomic_write(target, lambda partial: torch.save(record, partial))  # noqa: B023 (called at once)
        written.append(str(target))
    index = {"input": str(source), "out_dir": str(out_dir), "videos": len(written), "skipped": len(inputs) - len(readable),
             "features": cfg.features, "feature_shape": list(features.shape) if written else None, "num_frames": cfg.num_frames,
             **options, "files": written, "wall_time_s": round(time.perf_counter() - start, 1)}  # fmt: skip
    atomic_write_json(out_dir / "index.json", index)
    print(f"wrote {len(written)} feature files ({cfg.features}, {index['feature_shape']}) to {out_dir}")
    return index


@hydra.main(version_base="1.3", config_path=CONFIG_DIR, config_name="extract")
def main(cfg: DictConfig) -> None:
    hydra_cfg = HydraConfig.get()
    output_dir = Path(hydra_cfg.runtime.output_dir)
    write_run_record(output_dir, cfg, list(hydra_cfg.overrides.task), REPO_ROOT)
    extract(cfg, output_dir)
