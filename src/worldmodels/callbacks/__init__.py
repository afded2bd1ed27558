"""Lightning callbacks of our own (the rest come from Lightning through conf/callbacks)."""

from worldmodels.callbacks.finite_loss import FiniteLossGuard, NonFiniteLossError

__all__ = ["FiniteLossGuard", "NonFiniteLossError"]
