"""Predictors of JEPA pretraining in representation space (identity, MLP on embeddings, ViT on tokens), and projector
heads. The action-conditioned predictors of world models are in ``worldmodels.dynamics``."""

from worldmodels.predictors.mlp import IdentityPredictor, MLPPredictor
from worldmodels.predictors.projector import FlattenProjector, MLPProjector
from worldmodels.predictors.vit import ViTPredictor

__all__ = [
    "FlattenProjector",
    "IdentityPredictor",
    "MLPPredictor",
    "MLPProjector",
    "ViTPredictor",
]
