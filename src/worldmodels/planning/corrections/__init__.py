"""Closed-loop corrections: hooks that observe executed transitions and may prune the search or propose actions."""

from worldmodels.planning.corrections.base import Correction, Transition
from worldmodels.planning.corrections.transition_memory import TransitionMemory

__all__ = ["Correction", "Transition", "TransitionMemory"]
