"""Solvers: minimise a batched cost over action sequences in an action box (CEM, MPPI, iCEM, gradient descent).

A solver knows nothing of environments, searches or corrections: ``solve(cost_fn, init, generators)`` -> (B, H, A).
"""

from worldmodels.planning.solvers.base import BoxSolver, CostFn, episode_randn
from worldmodels.planning.solvers.cem import CEMSolver, MPPISolver
from worldmodels.planning.solvers.gradient import GradientSolver
from worldmodels.planning.solvers.icem import ICEMSolver, coloured_noise

__all__ = ["BoxSolver", "CEMSolver", "CostFn", "GradientSolver", "ICEMSolver", "MPPISolver", "coloured_noise", "episode_randn"]
