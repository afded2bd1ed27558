"""Training throughput of the default experiment and of Two Rooms: Lightning vs a bare loop, loader, compile, threads.

    python experiments/benchmarks/bench_training.py                 # -> results/training.json
    python experiments/benchmarks/bench_training.py --smoke --data-root DIR

For each experiment the configs are composed as ``train.py`` composes them (seed 0) and the model is built by the
same functions. Variants, each on its own copy of the same initial model, run in alternating rounds (median over
rounds of the samples/s after the warm-up steps):

- ``bare``: a plain torch loop on cached batches (the module's loss from its public parts; ``training_loops.py``)
- ``lightning``: the LightningModule under the run's Trainer, callbacks and loggers, on the same cached batches
- ``lightning_datamodule``: the same, fed by the real datamodule (loading and augmentation included)
- ``compile``: ``lightning`` with ``compile=true`` (``worldmodels.runs.runtime.compile_networks``)
- ``threads_1``: ``lightning`` with ``threads=1`` (the default is torch's, one per core)

plus the loader alone (collate) and the loader with the on-device view augmentation, in samples/s.
"""

from __future__ import annotations

import copy
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import torch
from common import compose_config, interleaved_times, median, parse_args, write_json
from hydra.utils import instantiate
from omegaconf import DictConfig
from training_loops import bare_loop, jepa_loss, lightning_loop, throughput, world_model_loss

from worldmodels.pipelines.pretrain import build_pretrainer
from worldmodels.pipelines.world_model import build_world_model
from worldmodels.runs.runtime import compile_networks, set_threads

EXPERIMENTS = {
    "fmnist_jepa": {"overrides": [], "unit": "images (2 views each)"},
    "two_rooms": {"overrides": ["experiment=two_rooms", "data.num_trajectories=200"], "unit": "windows (17 frames each)"},
}
SMOKE_OVERRIDES = {
    "fmnist_jepa": ["data.train_subset=64", "data.batch_size=16"],
    "two_rooms": ["data.num_trajectories=8", "data.trajectory_length=20", "data.batch_size=8"],
}


def build(cfg: DictConfig) -> tuple[Any, Any, Callable]:
    """(datamodule, freshly seeded model, bare loss function) as the experiment's pipeline builds them."""
    if cfg.pipeline == "world_model":
        world = instantiate(cfg.env)
        return instantiate(cfg.data, world=world), build_world_model(cfg, world), world_model_loss
    datamodule = instantiate(cfg.data, masker=instantiate(cfg.masker))
    return datamodule, build_pretrainer(cfg, datamodule.num_classes), jepa_loss


def prepared_batches(datamodule: Any, count: int) -> list[dict[str, Any]]:
    """``count`` training batches as the model receives them (after ``on_after_batch_transfer`` in training mode)."""
    datamodule.trainer = SimpleNamespace(training=True, current_epoch=0)  # the hook adds augmented views only while training
    try:
        iterator = iter(datamodule.train_dataloader())
        return [datamodule.on_after_batch_transfer(next(iterator), 0) for _ in range(count)]
    finally:
        datamodule.trainer = None


def loader_rates(datamodule: Any, count: int, batch_size: int) -> dict[str, Callable[[], None]]:
    """Calls that draw ``count`` batches: collate only, and collate + the on-device transfer hook (views)."""

    def draw(transfer: bool) -> None:
        datamodule.trainer = SimpleNamespace(training=True, current_epoch=0)
        iterator = iter(datamodule.train_dataloader())
        for _ in range(count):
            batch = next(iterator)
            if transfer:
                datamodule.on_after_batch_transfer(batch, 0)
        datamodule.trainer = None

    return {"loader": lambda: draw(False), "loader_with_views": lambda: draw(True)}


def run_experiment(name: str, overrides: list[str], smoke: bool, root: Path) -> dict[str, Any]:
    """All variants of one experiment -> samples/s per round, medians, overhead and the loss check."""
    cfg = compose_config(overrides, root / name)
    datamodule, model, loss_fn = build(cfg)
    datamodule.setup("fit")
    batch_size = cfg.data.batch_size
    warmup, steps, rounds = (1, 2, 1) if smoke else (3, 10 if name == "fmnist_jepa" else 30, 3)
    cached = prepared_batches(datamodule, warmup + steps)
    threads = torch.get_num_threads()
    bare_model, lightning_model, datamodule_model = (copy.deepcopy(model) for _ in range(3))
    variants: dict[str, Callable[[], tuple[list[float], float]]] = {
        "bare": lambda: bare_loop(bare_model, cached, loss_fn, cfg.trainer.get("gradient_clip_val")),
        "lightning": lambda: lightning_loop(cfg, lightning_model, warmup + steps, root / name, batches=cached),
        "lightning_datamodule": lambda: lightning_loop(cfg, datamodule_model, warmup + steps, root / name, datamodule=datamodule),
    }
    compiled: list[str] = []
    if not smoke:  # compiling takes minutes: left out of the smoke run
        compiled_model = copy.deepcopy(model)
        compiled = compile_networks(compiled_model)
        variants["compile"] = lambda: lightning_loop(cfg, compiled_model, warmup + steps, root / name, batches=cached)
    if threads > 1:
        threads_model = copy.deepcopy(model)

        def one_thread() -> tuple[list[float], float]:
            set_threads(1)
            try:
                return lightning_loop(cfg, threads_model, warmup + steps, root / name, batches=cached)
            finally:
                set_threads(threads)

        variants["threads_1"] = one_thread
    rates: dict[str, list[float]] = {variant: [] for variant in variants}
    first_step_s: dict[str, float] = {}
    first_loss: dict[str, float] = {}
    for round_ in range(rounds):
        order = list(variants)[round_ % len(variants) :] + list(variants)[: round_ % len(variants)]
        for variant in order:
            start = time.perf_counter()
            stamps, loss = variants[variant]()
            rates[variant].append(throughput(stamps, warmup, batch_size))
            if round_ == 0:
                first_step_s[variant], first_loss[variant] = stamps[0] - start, loss
    loader = interleaved_times(loader_rates(datamodule, warmup + steps, batch_size), rounds, warmup=0 if smoke else 1)
    medians = {variant: median(values) for variant, values in rates.items()}
    result: dict[str, Any] = {
        "overrides": overrides,
        "unit": EXPERIMENTS[name]["unit"],
        "batch_size": batch_size,
        "warmup_steps": warmup,
        "timed_steps": steps,
        "rounds": rounds,
        "threads": threads,
        "compiled_modules": compiled,
        "samples_per_s": rates,
        "median_samples_per_s": medians,
        "first_step_s": first_step_s,
        "loader_samples_per_s": {kind: median([(warmup + steps) * batch_size / t for t in times]) for kind, times in loader.items()},
        "lightning_overhead": medians["bare"] / medians["lightning"] - 1,
        "first_loss": first_loss,
        "first_loss_rel_diff": abs(first_loss["lightning"] - first_loss["bare"]) / abs(first_loss["bare"]),
    }
    for variant in ("compile", "threads_1"):
        if variant in medians:
            result[f"{variant}_speedup"] = medians[variant] / medians["lightning"]
    return result


def main() -> None:
    args = parse_args(__doc__.splitlines()[0], lambda p: p.add_argument("--data-root", help="Fashion-MNIST folder (data.root)"))
    results = {}
    with tempfile.TemporaryDirectory(prefix="bench_training_") as tmp:
        for name, spec in EXPERIMENTS.items():
            overrides = list(spec["overrides"]) + (SMOKE_OVERRIDES[name] if args.smoke else [])
            if name == "fmnist_jepa" and args.data_root is not None:
                overrides.append(f"data.root={args.data_root}")
            results[name] = run_experiment(name, overrides, args.smoke, Path(tmp))
            print(name, {k: round(v, 1) for k, v in results[name]["median_samples_per_s"].items()}, flush=True)
    write_json(args.out, "training", {"settings": {"seed": 0, "smoke": args.smoke}, "experiments": results})


if __name__ == "__main__":
    main()
