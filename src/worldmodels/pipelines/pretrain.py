"""The pretraining pipeline (``task=pretrain``, the default of ``worldmodels train``): a JEPA pretrainer composed from
the encoder, projector, predictor and regularizer groups, then frozen probes on the trained encoder and on the same
encoder with its untrained weights."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import hydra
import pytorch_lightning as pl
from hydra.utils import instantiate
from omegaconf import DictConfig, OmegaConf
from torch import nn

from worldmodels.evaluation import LOADER_KEYS, cached_json, config_digest, data_files_key, frozen_probe_reports
from worldmodels.pipelines.skeleton import RunParts

MAIN_PROBE = "probe"  # the name of cfg.probe among the probes frozen_evaluation fits


def build_encoder(cfg: DictConfig) -> nn.Module:
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


def frozen_evaluation(cfg: DictConfig, encoder: nn.Module, datamodule: Any) -> dict[str, dict[str, Any]]:
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


def probe_results(cfg: DictConfig, encoder: nn.Module, datamodule: Any) -> dict[str, Any]:
    """The results.json entries of ``frozen_evaluation``: "frozen_probe" ({kind: report} of ``cfg.probe``) and, with
    extra probes, "extra_probes" ({name: {kind: report}})."""
    reports = frozen_evaluation(cfg, encoder, datamodule)
    frozen = {kind: by_probe[MAIN_PROBE] for kind, by_probe in reports.items()}
    extra = {name: {kind: by_probe[name] for kind, by_probe in reports.items()} for name in cfg.evaluate.get("extra_probes") or {}}
    return {"frozen_probe": frozen, **({"extra_probes": extra} if extra else {})}


def pretraining_parts(cfg: DictConfig) -> RunParts:
    """The datamodule (``cfg.data`` with its ``cfg.masker``), the pretrainer and the frozen probes of its encoder."""
    datamodule = instantiate(cfg.data, masker=instantiate(cfg.masker))
    model = build_pretrainer(cfg, datamodule.num_classes)
    return RunParts(datamodule, model, evaluate=lambda _trainer, _run_dir: probe_results(cfg, model.encoder, datamodule))
