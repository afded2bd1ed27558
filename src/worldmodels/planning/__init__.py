"""Planning in latent space, in three layers: solvers (CEM, MPPI, iCEM, GD), the latent graph search that proposes
subgoals, and closed-loop corrections; ``LatentMPC`` runs them in a receding-horizon loop, ``evaluate_planning`` under
the protocol (sealed splits, per-episode seeds, the random floor)."""

from worldmodels.planning.budget import ModelCalls
from worldmodels.planning.controller import LatentMPC
from worldmodels.planning.corrections import Correction, Transition, TransitionMemory
from worldmodels.planning.evaluate import EpisodeRecord, evaluate_planning, wilson_interval
from worldmodels.planning.guardrail import Guardrail, GuardrailHead, GuardrailRecipe
from worldmodels.planning.objective import LatentGoalEnergy
from worldmodels.planning.protocol import SPLITS, SeededEpisodes, episode_seeds, random_floor
from worldmodels.planning.search import LatentGraphSearch, LatentPath
from worldmodels.planning.solvers import BoxSolver, CEMSolver, CostFn, GradientSolver, ICEMSolver, MPPISolver

__all__ = [
    "SPLITS",
    "BoxSolver",
    "CEMSolver",
    "Correction",
    "CostFn",
    "EpisodeRecord",
    "GradientSolver",
    "Guardrail",
    "GuardrailHead",
    "GuardrailRecipe",
    "ICEMSolver",
    "LatentGoalEnergy",
    "LatentGraphSearch",
    "LatentMPC",
    "LatentPath",
    "MPPISolver",
    "ModelCalls",
    "SeededEpisodes",
    "Transition",
    "TransitionMemory",
    "episode_seeds",
    "evaluate_planning",
    "random_floor",
    "wilson_interval",
]
