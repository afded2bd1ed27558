"""Lightning modules: they compose parts from the other subpackages and own no model code."""

from worldmodels.modules.jepa import JEPAPretrainer
from worldmodels.modules.probe import ProbeTrainer
from worldmodels.modules.world_model import WorldModel

__all__ = ["JEPAPretrainer", "ProbeTrainer", "WorldModel"]
