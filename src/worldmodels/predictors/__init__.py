"""Predictors in representation space, and the projector head."""

from worldmodels.predictors.mlp import IdentityPredictor, MLPPredictor
from worldmodels.predictors.projector import MLPProjector

__all__ = ["IdentityPredictor", "MLPPredictor", "MLPProjector"]
