"""Encoders: inputs -> tokens (B, N, D); ``pool`` -> (B, D); ``embed_dim`` = D.

Images are (B, C, H, W); the video ViT and the pretrained V-JEPA 2 wrapper also take clips (B, C, T, H, W).
"""

from worldmodels.encoders.convnet import ConvNet
from worldmodels.encoders.impala import ImpalaCNN
from worldmodels.encoders.pixel_mlp import PixelMLP
from worldmodels.encoders.resnet import ResNet18
from worldmodels.encoders.spatial_softmax import SpatialSoftmaxEncoder
from worldmodels.encoders.video_vit import VideoViT
from worldmodels.encoders.vit import ViT
from worldmodels.encoders.vjepa2 import PretrainedWeightsError, VJEPA2Encoder

__all__ = [
    "ConvNet",
    "ImpalaCNN",
    "PixelMLP",
    "PretrainedWeightsError",
    "ResNet18",
    "SpatialSoftmaxEncoder",
    "VJEPA2Encoder",
    "VideoViT",
    "ViT",
]
