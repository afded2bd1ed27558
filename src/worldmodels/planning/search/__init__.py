"""The latent graph search: proposes subgoals through what the world model says is reachable."""

from worldmodels.planning.search.latent_graph import LatentGraphSearch, LatentPath, TransitionFilter, macro_directions

__all__ = ["LatentGraphSearch", "LatentPath", "TransitionFilter", "macro_directions"]
