"""Decoders: latents (N, D) -> observations, for an auxiliary reconstruction term that shapes the latent."""

from worldmodels.decoders.pooled_pixels import PooledPixelDecoder

__all__ = ["PooledPixelDecoder"]
