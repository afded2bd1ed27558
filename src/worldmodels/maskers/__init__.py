"""Collate-time maskers producing kept-token indices (B, K)."""

from worldmodels.maskers.none import NoMasker

__all__ = ["NoMasker"]
