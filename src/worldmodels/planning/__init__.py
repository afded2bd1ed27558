"""Planning in latent space: CEM, MPPI, iCEM and gradient planners, energies, receding-horizon control, evaluation."""

from worldmodels.planning.base import CostFn, Planner
from worldmodels.planning.cem import CEMPlanner, MPPIPlanner
from worldmodels.planning.evaluate import EpisodeRecord, evaluate_planning, wilson_interval
from worldmodels.planning.gradient import GradientPlanner
from worldmodels.planning.guardrail import Guardrail, GuardrailHead, GuardrailRecipe
from worldmodels.planning.hierarchical import SubgoalPlanner
from worldmodels.planning.icem import ICEMPlanner
from worldmodels.planning.latent_graph import LatentGraphSearch, LatentPath
from worldmodels.planning.layout_inference import LayoutInference
from worldmodels.planning.mpc import LatentMPC
from worldmodels.planning.objective import LatentGoalEnergy
from worldmodels.planning.transition_memory import StallMemory, TransitionMemory
from worldmodels.planning.wall_probe import WallProbe
from worldmodels.planning.wall_sweep import WallSweep

__all__ = ["CEMPlanner", "CostFn", "EpisodeRecord", "GradientPlanner", "Guardrail", "GuardrailHead", "GuardrailRecipe", "ICEMPlanner", "LatentGoalEnergy", "LatentGraphSearch", "LatentMPC",
           "LatentPath", "LayoutInference", "MPPIPlanner", "Planner", "StallMemory", "SubgoalPlanner", "TransitionMemory", "WallProbe", "WallSweep",
           "evaluate_planning", "wilson_interval"]  # fmt: skip
