"""Evaluation of frozen backbones: feature extraction (cached on disk for checkpoints) and probes."""

from worldmodels.evaluation.checkpoint_encoder import EncoderMismatchError, describe_encoder, load_encoder
from worldmodels.evaluation.feature_cache import LOADER_KEYS, cached_features, cached_json, config_digest, feature_cache_path
from worldmodels.evaluation.features import extract_features
from worldmodels.evaluation.frozen_probe import fit_probe, frozen_probe_reports, wants_tokens

__all__ = [
    "LOADER_KEYS",
    "EncoderMismatchError",
    "cached_features",
    "cached_json",
    "config_digest",
    "describe_encoder",
    "extract_features",
    "feature_cache_path",
    "fit_probe",
    "frozen_probe_reports",
    "load_encoder",
    "wants_tokens",
]
