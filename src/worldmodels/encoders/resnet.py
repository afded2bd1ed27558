"""ResNet-18 for small images: torchvision's residual stages behind a 3 × 3, stride-1 stem without max-pooling."""

from __future__ import annotations

import torch
from torch import nn
from torchvision.models import resnet18


class ResNet18(nn.Module):
    """torchvision's ResNet-18 with the CIFAR-style stem (3 × 3 conv, stride 1, no max-pool), no pooling or head.

    ``forward`` maps images (B, C, H, W) to tokens (B, N, 512), N = ceil(H / 8) · ceil(W / 8) (28 × 28 -> 4 × 4);
    ``pool`` averages them to (B, 512). ``embed_dim`` = 512.
    """

    def __init__(self, in_channels: int = 1) -> None:
        super().__init__()
        net = resnet18(weights=None)
        stem = nn.Conv2d(in_channels, 64, kernel_size=3, stride=1, padding=1, bias=False)
        nn.init.kaiming_normal_(stem.weight, mode="fan_out", nonlinearity="relu")  # as torchvision initialises its convs
        self.stem = nn.Sequential(stem, net.bn1, net.relu)
        self.stages = nn.Sequential(net.layer1, net.layer2, net.layer3, net.layer4)
        self.embed_dim = 512

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """(B, C, H, W) -> tokens (B, h·w, 512) of the last feature map."""
        feature_map = self.stages(self.stem(images.contiguous(memory_format=torch.channels_last)))
        return feature_map.flatten(2).transpose(1, 2)

    def pool(self, tokens: torch.Tensor) -> torch.Tensor:
        """Tokens (B, N, D) -> (B, D) mean over tokens."""
        return tokens.mean(dim=1)
