"""Probes on frozen features: heads trained by ``worldmodels.modules.ProbeTrainer``, and the training-free kNN."""

from worldmodels.probes.attentive import AttentiveProbe, CrossAttentionPool
from worldmodels.probes.knn import KNNProbe
from worldmodels.probes.linear import LinearProbe, SpatialGridLinearProbe

__all__ = ["AttentiveProbe", "CrossAttentionPool", "KNNProbe", "LinearProbe", "SpatialGridLinearProbe"]
