"""`python train.py [overrides]`: compose the config, pretrain a JEPA, probe the frozen encoder, write results."""

from __future__ import annotations

import os
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import hydra
import pytorch_lightning as pl
from hydra.utils import instantiate
from omegaconf import DictConfig, OmegaConf

from worldmodels.cli.world_model import run_world_model
from worldmodels.evaluation import LOADER_KEYS, cached_json, config_digest, data_files_key, frozen_probe_reports
from worldmodels.runs import plot_training_curves, print_config_tree, print_summary, write_run_record
from worldmodels.runs.atomic import atomic_write_json
from worldmodels.runs.config_types import check_target_types
from worldmodels.runs.distributed import is_rank_zero
from worldmodels.runs.job import headline_metric, run_hydra_job
from worldmodels.runs.resume_config import resume_command_line
from worldmodels.runs.runtime import compile_networks, set_threads
from worldmodels.runs.training import fit, refuse_used_run_dir

REPO_ROOT = Path(__file__).resolve().parents[3]
CONFIG_DIR = os.environ.get("WORLDMODELS_CONFIG_DIR", str(REPO_ROOT / "conf"))


def _new_uid() -> str:
    """A short random id: run dirs stay unique when jobs start in the same second."""
    return uuid.uuid4().hex[:6]


# Cached in the config (use_cache): every job of a sweep, every SLURM rank and a requeued job resolve the same
# directory, because Hydra copies the launcher's config cache into each job's config.
if not OmegaConf.has_resolver("uid"):
    OmegaConf.register_new_resolver("uid", _new_uid, use_cache=True)


MAIN_PROBE = "probe"  # the name of cfg.probe among the probes frozen_evaluation fits


def build_encoder(cfg: DictConfig) -> Any:
    """The configured encoder with freshly seeded weights (the same weights for the same seed)."""
    pl.seed_everything(cfg.seed, workers=True, verbose=False)
    return instantiate(cfg.encoder)


def build_pretrainer(cfg: DictConfig, num_classes: int) -> pl.LightningModule:
    """Encoder, projector, predictor and regularizer from their groups, composed by ``cfg.model``.

    A token predictor (``predicts_tokens``: the masked objective) works at the encoder's width, the others at the
    projector's.
    """
    encoder = build_encoder(cfg)
    projector = instantiate(cfg.projector, in_dim=encoder.embed_dim)
    predicts_tokens = getattr(hydra.utils.get_class(cfg.predictor._target_), "predicts_tokens", False)
    predictor = instantiate(cfg.predictor, dim=encoder.embed_dim if predicts_tokens else projector.out_dim)
    regularizer = instantiate(cfg.regularizer)
    return instantiate(cfg.model, _partial_=True)(
        encoder=encoder,
        projector=projector,
        predictor=predictor,
        regularizer=regularizer,
        num_classes=num_classes,
        run_config=OmegaConf.to_container(cfg, resolve=True),
    )


def frozen_evaluation(cfg: DictConfig, encoder: Any, datamodule: Any) -> dict[str, dict[str, Any]]:
    """Probe reports {"trained": {name: report}, "random_init": {name: report}} of ``cfg.probe`` (named
    ``MAIN_PROBE``) and of every ``cfg.evaluate.extra_probes``, on ``encoder`` and on the same encoder with its seeded
    untrained weights (cached in ``evaluate.random_init_cache`` when set: sweep jobs that share encoder, data (its
    config and its files), probes and seed share it), as ``cfg.evaluate`` asks."""
    probes = {MAIN_PROBE: cfg.probe, **(cfg.evaluate.get("extra_probes") or {})}
    train_images = cfg.evaluate.get("probe_train_images")
    reports = {}
    if cfg.evaluate.frozen_probe:
        reports["trained"] = frozen_probe_reports(encoder, datamodule, probes, cfg.seed, train_images)
    if cfg.evaluate.random_init_baseline:
        data = OmegaConf.to_container(cfg.data, resolve=True)
        key = {
            "encoder": OmegaConf.to_container(cfg.encoder, resolve=True),
            "data": {k: v for k, v in data.items() if k not in LOADER_KEYS},
            "data_files": data_files_key(data),
            "probes": OmegaConf.to_container(OmegaConf.create(dict(probes)), resolve=True),
            "seed": cfg.seed,
            "train_images": train_images,
        }
        cache_dir = cfg.evaluate.get("random_init_cache")
        path = Path(cache_dir) / f"random_init.{config_digest(key)}.json" if cache_dir else None
        reports["random_init"] = cached_json(
            path, lambda: frozen_probe_reports(build_encoder(cfg), datamodule, probes, cfg.seed, train_images)
        )
    return reports


def run_training(cfg: DictConfig, run_dir: Path, overrides: list[str]) -> dict[str, Any]:
    """Run ``cfg.pipeline`` (pretrain or world_model) in ``run_dir``; returns what results.json holds."""
    pipeline = cfg.get("pipeline", "pretrain")
    check_target_types(cfg)
    refuse_used_run_dir(run_dir, cfg.get("overwrite", False))
    set_threads(cfg.get("threads"))
    if pipeline == "world_model":
        return run_world_model(cfg, run_dir, overrides, REPO_ROOT)
    if pipeline != "pretrain":
        raise ValueError(f"pipeline={pipeline!r}; known: 'pretrain' (task=pretrain), 'world_model' (task=world_model)")
    return run_pretraining(cfg, run_dir, overrides)


def run_pretraining(cfg: DictConfig, run_dir: Path, overrides: list[str]) -> dict[str, Any]:
    """Pretrain, probe and record one run in ``run_dir``; returns what results.json holds."""
    start = time.perf_counter()
    git: dict[str, Any] = {"sha": None, "dirty": None}
    if is_rank_zero():  # DDP: rank 0 alone writes the run record, results and plots
        print_config_tree(cfg)
        git = write_run_record(run_dir, cfg, overrides, REPO_ROOT)

    datamodule = instantiate(cfg.data, masker=instantiate(cfg.masker))
    model = build_pretrainer(cfg, datamodule.num_classes)
    if cfg.get("compile"):
        compile_networks(model)
    callbacks = [instantiate(c) for c in (cfg.get("callbacks") or {}).values() if c is not None]
    loggers = [instantiate(c) for c in (cfg.get("logger") or {}).values() if c is not None]
    trainer: pl.Trainer = instantiate(cfg.trainer, callbacks=callbacks, logger=loggers or False, default_root_dir=str(run_dir))
    fit(cfg, trainer, model, datamodule, run_dir, overrides, loggers)
    train_seconds = time.perf_counter() - start

    if not trainer.is_global_zero:  # the other DDP ranks stop here: rank 0 probes the (identical) weights
        return {"frozen_probe": {}, "final_metrics": {}, "global_rank": trainer.global_rank}
    reports = frozen_evaluation(cfg, model.encoder, datamodule)
    frozen = {kind: by_probe[MAIN_PROBE] for kind, by_probe in reports.items()}
    extra = {name: {kind: by_probe[name] for kind, by_probe in reports.items()} for name in cfg.evaluate.get("extra_probes") or {}}

    results = {
        "experiment": cfg.name,
        "run_dir": str(run_dir),
        "seed": cfg.seed,
        "git_sha": git["sha"],
        "git_dirty": git["dirty"],
        "epochs": trainer.current_epoch,
        "steps": trainer.global_step,
        "train_time_s": round(train_seconds, 1),
        "wall_time_s": round(time.perf_counter() - start, 1),
        "frozen_probe": frozen,
        **({"extra_probes": extra} if extra else {}),
        "final_metrics": {k: float(v) for k, v in trainer.callback_metrics.items() if v.numel() == 1},
        "checkpoints": {"last": getattr(trainer.checkpoint_callback, "last_model_path", None), "best": getattr(trainer.checkpoint_callback, "best_model_path", None)},
    }
    atomic_write_json(run_dir / "results.json", results)
    plot_training_curves(run_dir / "logs" / "metrics.csv", run_dir / "curves.png")
    print_summary(results)
    return results


@hydra.main(version_base="1.3", config_path=CONFIG_DIR, config_name="train")
def hydra_main(cfg: DictConfig) -> float | None:
    """Hydra entry point; returns the run's headline metric for sweepers (probe accuracy or planning success).

    ``run_hydra_job`` makes DDP child ranks join this job, logs to train.log, records a failure and, in a multirun,
    goes on with the next job.
    """
    return headline_metric(run_hydra_job(cfg, run_training))


def main() -> None:
    """`python train.py [overrides]`: with ``resume=<run dir>`` the run's saved overrides come first
    (``resume_command_line``); exit codes in ``worldmodels.runs.exit_codes``."""
    sys.argv = [sys.argv[0], *resume_command_line(sys.argv[1:])]
    hydra_main()
