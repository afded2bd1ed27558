"""Violation-of-expectation evaluation of a video JEPA checkpoint: surprise curves of every (possible, impossible)
pair of a benchmark, their metrics and a plot."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import torch
from hydra.utils import instantiate
from omegaconf import DictConfig, OmegaConf, open_dict
from torch.utils.data import DataLoader

from worldmodels.evaluation.surprise import surprise_curves
from worldmodels.evaluation.surprise_checkpoint import default_context_frames, load_surprise_model
from worldmodels.evaluation.surprise_metrics import surprise_report
from worldmodels.evaluation.surprise_plot import plot_surprise
from worldmodels.runs import resolve_checkpoint, saved_run_config
from worldmodels.runs.atomic import atomic_write, atomic_write_json
from worldmodels.runs.runtime import pick_device

FROM_TRAINING_DATA = ("root", "sprite_size", "canvas_size", "speed", "num_objects")  # benchmark keys that default to the checkpoint's data


def benchmark_config(benchmark: DictConfig, data: DictConfig, window: int, context: int) -> DictConfig:
    """``benchmark`` with its null keys filled from the training data config; null ``event_frames`` become the last
    window − context frames of the clips, so every window that differs between the two members of a pair sees the
    event among the frames it predicts (never in its context)."""
    filled = OmegaConf.merge(benchmark)
    with open_dict(filled):
        for key in FROM_TRAINING_DATA:
            if filled.get(key) is None:
                filled[key] = data[key]
        if filled.get("event_frames") is None:
            filled.event_frames = [filled.num_frames - (window - context), filled.num_frames - 1]
    return filled


def evaluate_surprise(cfg: DictConfig, output_dir: Path) -> dict[str, Any]:
    """Score every pair of the benchmark with ``cfg.ckpt``'s video JEPA; write results.json, surprise.png and curves.pt
    in ``output_dir`` and return what results.json holds.

    curves.pt holds the surprise of each window of the P pairs' members, "possible" and "impossible" (P, W), the last
    frame of each window "frames" (W,), and each pair's "event_frames" (P,) and "events" (P,) (indices of the
    benchmark's events).
    """
    start = time.perf_counter()
    path = Path(resolve_checkpoint(cfg.ckpt, key="ckpt"))
    checkpoint = torch.load(path, weights_only=True, map_location="cpu")
    run_cfg = saved_run_config(path, checkpoint)
    if run_cfg is None:
        raise ValueError(f"{path}: no config.yaml beside it and no run_config inside it, so its model cannot be rebuilt")
    window = int(run_cfg.data.num_frames)
    context = int(cfg.context_frames or default_context_frames(run_cfg))
    device = pick_device(cfg.device)
    scorer = load_surprise_model(checkpoint, path, run_cfg, context).to(device)
    datamodule = instantiate(run_cfg.data)
    benchmark_cfg = benchmark_config(cfg.benchmark, run_cfg.data, window, context)
    benchmark = instantiate(benchmark_cfg)

    curves: dict[str, list[torch.Tensor]] = {"possible": [], "impossible": []}
    events, event_frames = [], []
    for batch in DataLoader(benchmark, batch_size=cfg.pairs_per_batch):
        for member in curves:
            clips = datamodule.preprocess(batch[member].to(device))
            curves[member].append(surprise_curves(scorer, clips, window, cfg.stride, cfg.batch_size).cpu())
        events.append(batch["event"])
        event_frames.append(batch["event_frame"])
    possible, impossible = torch.cat(curves["possible"]), torch.cat(curves["impossible"])
    events_t, event_frames_t = torch.cat(events), torch.cat(event_frames)
    frames = torch.arange(possible.shape[1]) * cfg.stride + window - 1

    results = {
        "checkpoint": str(path),
        "window": window,
        "context_frames": context,
        "stride": cfg.stride,
        "benchmark": OmegaConf.to_container(benchmark_cfg, resolve=True),
        **surprise_report(possible, impossible, events_t, benchmark.events),
        "wall_time_s": round(time.perf_counter() - start, 1),
    }
    plot_surprise(possible, impossible, frames, event_frames_t, events_t, benchmark.events, output_dir / "surprise.png")
    saved = {"possible": possible, "impossible": impossible, "frames": frames, "event_frames": event_frames_t, "events": events_t}
    atomic_write(output_dir / "curves.pt", lambda partial: torch.save(saved, partial))
    atomic_write_json(output_dir / "results.json", results)
    return results
