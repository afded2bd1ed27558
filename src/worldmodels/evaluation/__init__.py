"""Evaluation of frozen backbones: feature extraction (cached on disk for checkpoints), probes of a checkpoint or of
extracted features, video feature extraction and surprise at impossible events."""

from worldmodels.evaluation.checkpoint_encoder import EncoderMismatchError, describe_encoder, load_encoder
from worldmodels.evaluation.checkpoint_probe import evaluate_checkpoint
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
from worldmodels.evaluation.saved_features_probe import evaluate_saved_features

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
    "evaluate_checkpoint",
    "evaluate_saved_features",
    "extract_features",
    "feature_cache_path",
    "fit_probe",
    "frozen_probe_reports",
    "load_encoder",
    "wants_tokens",
]
