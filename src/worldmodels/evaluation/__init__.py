"""Evaluation of frozen backbones: feature extraction (cached on disk for checkpoints) and probes."""

from worldmodels.evaluation.checkpoint_encoder import EncoderMismatchError, describe_encoder, load_encoder
from worldmodels.evaluation.feature_cache import (
    LOADER_KEYS,
    CacheDirError,
    cached_features,
    cached_json,
    check_cache_dir,
    config_digest,
    data_files_key,
    feature_cache_path,
)
from worldmodels.evaluation.features import extract_features
from worldmodels.evaluation.frozen_probe import fit_probe, frozen_probe_reports, wants_tokens

__all__ = [
    "LOADER_KEYS",
    "CacheDirError",
    "EncoderMismatchError",
    "cached_features",
    "cached_json",
    "check_cache_dir",
    "config_digest",
    "data_files_key",
    "describe_encoder",
    "extract_features",
    "feature_cache_path",
    "fit_probe",
    "frozen_probe_reports",
    "load_encoder",
    "wants_tokens",
]
