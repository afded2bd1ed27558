"""Encoders: images (B, C, H, W) -> tokens (B, N, D); ``pool`` -> (B, D); ``embed_dim`` = D."""

from worldmodels.encoders.convnet import ConvNet
from worldmodels.encoders.vit import ViT

__all__ = ["ConvNet", "ViT"]
