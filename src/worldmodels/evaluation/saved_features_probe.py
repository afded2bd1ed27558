"""Probing the per-video feature files written by `worldmodels extract`: fit on the train folder, score on the test one."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from omegaconf import DictConfig, OmegaConf

from worldmodels.evaluation.frozen_probe import fit_probe, wants_tokens
from worldmodels.evaluation.saved_features import load_feature_folder
from worldmodels.runs import write_run_record
from worldmodels.runs.atomic import atomic_write_json


def evaluate_saved_features(cfg: DictConfig, output_dir: Path, overrides: list[str], repo: Path) -> dict[str, Any]:
    """Fit ``cfg.probe`` on ``<features_dir>/train/*.pt``, score it on ``<features_dir>/test/*.pt``; write results.json
    (and the run record, with ``repo``'s git state) in ``output_dir`` and return what it holds.

    Pooled files (D,) suit linear and kNN probes, token files (T, D) attentive ones; the probe's ``features`` must
    match what was extracted.
    """
    start = time.perf_counter()
    root = Path(cfg.features_dir).expanduser()
    train_features, train_labels, classes = load_feature_folder(root / "train")
    test_features, test_labels, _ = load_feature_folder(root / "test", classes)
    tokens = train_features.ndim == 3
    if tokens != wants_tokens(cfg.probe):
        kind = "tokens (N, T, D)" if tokens else "pooled (N, D)"
        raise ValueError(
            f"{root} holds {kind} features but probe.features={cfg.probe.get('features', 'pooled')}: "
            "extract with features=tokens for attentive probes, features=pooled for linear and kNN ones"
        )
    report = fit_probe(cfg.probe, (train_features, train_labels), (test_features, test_labels), len(classes), cfg.seed)
    results = {
        "features_dir": str(root),
        "classes": classes,
        "train_videos": len(train_labels),
        "test_videos": len(test_labels),
        "probe": OmegaConf.to_container(cfg.probe, resolve=True),
        "features": "tokens" if tokens else "pooled",
        "seed": cfg.seed,
        **report,
        "wall_time_s": round(time.perf_counter() - start, 1),
    }
    write_run_record(output_dir, cfg, overrides, repo)
    atomic_write_json(output_dir / "results.json", results)
    return results
