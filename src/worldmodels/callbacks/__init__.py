"""Lightning callbacks of our own (the rest come from Lightning through conf/callbacks)."""

from worldmodels.callbacks.finite_guard import FiniteTrainingGuard, NonFiniteTrainingError
from worldmodels.callbacks.preemption import PreemptionCheckpoint
from worldmodels.callbacks.random_state import RandomStateCheckpoint

__all__ = ["FiniteTrainingGuard", "NonFiniteTrainingError", "PreemptionCheckpoint", "RandomStateCheckpoint"]
