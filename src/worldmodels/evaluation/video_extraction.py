"""`worldmodels extract`: one file of frozen encoder features per video, and an index of them."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import torch
from omegaconf import DictConfig
from tqdm import tqdm

from worldmodels.data.video_files import VideoEntry, is_video, list_videos, open_videos, read_label_csv
from worldmodels.evaluation.video_encoder import frozen_encoder, input_options
from worldmodels.evaluation.video_features import encode_video, normalizer, sample_video
from worldmodels.runs.atomic import atomic_write, atomic_write_json
from worldmodels.runs.runtime import pick_device


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


def extract(cfg: DictConfig, output_dir: Path) -> dict[str, Any]:
    """Write ``<out_dir>/<video path>.pt`` per readable video of ``cfg.input`` and ``index.json`` (``out_dir`` is
    ``cfg.out_dir``, else ``<output_dir>/features``); returns what index.json holds.

    Each file holds {"features": pooled (D,) or tokens (N / clip_frames · K, D) in ``cfg.dtype``, "label": its label
    name, "path": the video, "frame_indices": the N = ``cfg.num_frames`` sampled frames (N,)}; unreadable videos are
    skipped with a warning.
    """
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
    index = {
        "input": str(source),
        "out_dir": str(out_dir),
        "videos": len(written),
        "skipped": len(inputs) - len(readable),
        "features": cfg.features,
        "feature_shape": list(features.shape) if written else None,
        "num_frames": cfg.num_frames,
        **options,
        "files": written,
        "wall_time_s": round(time.perf_counter() - start, 1),
    }
    atomic_write_json(out_dir / "index.json", index)
    return index
