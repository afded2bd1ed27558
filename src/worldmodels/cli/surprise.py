"""`worldmodels surprise ckpt=PATH`: violation-of-expectation evaluation of a video JEPA on impossible-event pairs."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import hydra
import torch
from hydra.core.hydra_config import HydraConfig
from hydra.utils import instantiate
from omegaconf import DictConfig, OmegaConf, open_dict
from torch.utils.data import DataLoader

from worldmodels.cli.probe import pick_device
from worldmodels.evaluation.surprise import surprise_curves
from worldmodels.evaluation.surprise_checkpoint import default_context_frames, load_surprise_model
from worldmodels.evaluation.surprise_metrics import surprise_report
from worldmodels.evaluation.surprise_plot import plot_surprise
from worldmodels.paths import CONFIG_DIR, REPO_ROOT
from worldmodels.runs import resolve_checkpoint, saved_run_config, write_run_record
from worldmodels.runs.atomic import atomic_write, atomic_write_json

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
    """Score every pair of the benchmark with ``cfg.ckpt``'s video JEPA; write results.json and surprise.png."""
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
    plot = plot_surprise(possible, impossible, frames, event_frames_t, events_t, benchmark.events, output_dir / "surprise.png")
    curves = {"possible": possible, "impossible": impossible, "frames": frames, "event_frames": event_frames_t, "events": events_t}
    atomic_write(output_dir / "curves.pt", lambda partial: torch.save(curves, partial))
    atomic_write_json(output_dir / "results.json", results)
    print(f"relative accuracy {results['mean']['relative_accuracy']:.3f} (mean over time), {results['max']['relative_accuracy']:.3f} (max); "
          f"AUROC {results['mean']['auroc']:.3f} / {results['max']['auroc']:.3f} -> {output_dir / 'results.json'}, {plot}")  # fmt: skip
    return results


@hydra.main(version_base="1.3", config_path=CONFIG_DIR, config_name="surprise")
def main(cfg: DictConfig) -> float:
    """Hydra entry point; returns the relative accuracy (mean over time) for sweepers."""
    hydra_cfg = HydraConfig.get()
    output_dir = Path(hydra_cfg.runtime.output_dir)
    write_run_record(output_dir, cfg, list(hydra_cfg.overrides.task), REPO_ROOT)
    return evaluate_surprise(cfg, output_dir)["mean"]["relative_accuracy"]
