"""Probes on frozen features."""

from worldmodels.probes.linear import LinearProbe

__all__ = ["LinearProbe"]
