"""Predictors in representation space (token, embedding and action-conditioned), and projector heads."""

from worldmodels.predictors.gru import GRUPredictor, ResidualMLPPredictor
from worldmodels.predictors.macro import MacroStepPredictor
from worldmodels.predictors.mlp import IdentityPredictor, MLPPredictor
from worldmodels.predictors.projector import FlattenProjector, MLPProjector
from worldmodels.predictors.transformer import BlockCausalTransformerPredictor
from worldmodels.predictors.vit import ViTPredictor

__all__ = [
    "BlockCausalTransformerPredictor",
    "FlattenProjector",
    "GRUPredictor",
    "IdentityPredictor",
    "MacroStepPredictor",
    "MLPPredictor",
    "MLPProjector",
    "ResidualMLPPredictor",
    "ViTPredictor",
]
