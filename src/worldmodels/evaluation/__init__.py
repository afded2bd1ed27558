"""Evaluation of frozen backbones."""

from worldmodels.evaluation.features import extract_features
from worldmodels.evaluation.frozen_probe import frozen_probe_accuracy

__all__ = ["extract_features", "frozen_probe_accuracy"]
