"""Evaluation of frozen backbones: feature extraction (cached on disk for checkpoints) and probes."""

from worldmodels.evaluation.checkpoint_encoder import EncoderMismatchError, describe_encoder, load_encoder
from worldmodels.evaluation.feature_cache import cached_features, feature_cache_path
from worldmodels.evaluation.features import extract_features
from worldmodels.evaluation.frozen_probe import fit_probe, frozen_probe_accuracy, wants_tokens

__all__ = [
    "EncoderMismatchError",
    "cached_features",
    "describe_encoder",
    "extract_features",
    "feature_cache_path",
    "fit_probe",
    "frozen_probe_accuracy",
    "load_encoder",
    "wants_tokens",
]
