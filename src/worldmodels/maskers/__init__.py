"""Collate-time maskers producing kept-token indices: none, multiblock (I-JEPA), multiblock3d (V-JEPA), random, future."""

from worldmodels.maskers.base import Masker
from worldmodels.maskers.future import FutureMasker, future_indices
from worldmodels.maskers.multiblock import MultiBlockMasker
from worldmodels.maskers.multiblock3d import MultiBlock3DMasker
from worldmodels.maskers.none import NoMasker
from worldmodels.maskers.random import RandomMasker

__all__ = ["FutureMasker", "Masker", "MultiBlock3DMasker", "MultiBlockMasker", "NoMasker", "RandomMasker", "future_indices"]
