"""Lightning callbacks of our own (the rest come from Lightning through conf/callbacks)."""

from worldmodels.callbacks.finite_loss import FiniteLossGuard, NonFiniteLossError
from worldmodels.callbacks.preemption import PreemptionCheckpoint
from worldmodels.callbacks.random_state import RandomStateCheckpoint

__all__ = ["FiniteLossGuard", "NonFiniteLossError", "PreemptionCheckpoint", "RandomStateCheckpoint"]
