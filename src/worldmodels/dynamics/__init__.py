"""Action-conditioned latent dynamics for world models: z_{t+1} = f(z_t, a_t), rolled out over action sequences.

Selected by the ``dynamics`` config group (``dynamics=residual_mlp|gru|transformer_ac``); each satisfies
``worldmodels.interfaces.Dynamics``. ``MacroStepPredictor`` is the optional high-level k-step model
(``high_level=macro_mlp``). The pretraining predictors (identity, MLP, ViT) are in ``worldmodels.predictors``.
"""

from worldmodels.dynamics.macro import MacroStepPredictor
from worldmodels.dynamics.recurrent import GRUPredictor, ResidualMLPPredictor
from worldmodels.dynamics.transformer import BlockCausalTransformerPredictor

__all__ = ["BlockCausalTransformerPredictor", "GRUPredictor", "MacroStepPredictor", "ResidualMLPPredictor"]
