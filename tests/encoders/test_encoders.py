"""Encoders return tokens (B, N, D) and pooled (B, D); bad sizes give clear errors."""

from __future__ import annotations

import pytest
import timm
import torch
from hydra import compose, initialize_config_dir
from hydra.utils import instantiate

from worldmodels.encoders import ConvNet, ResNet18, VideoViT, ViT
from worldmodels.encoders.positions import sincos_2d, sincos_3d
from worldmodels.paths import CONFIG_DIR


def test_convnet_tokens_and_pool() -> None:
    encoder = ConvNet(in_channels=1, widths=(8, 16, 32))
    tokens = encoder(torch.randn(3, 1, 28, 28))
    assert tokens.shape == (3, 7 * 7, 32) and encoder.embed_dim == 32
    assert encoder.pool(tokens).shape == (3, 32)
    assert encoder(torch.randn(2, 1, 14, 14)).shape == (2, 4 * 4, 32)
    with pytest.raises(ValueError, match="widths"):
        ConvNet(widths=(8,))


def test_vit_tokens_keep_indices_and_errors() -> None:
    encoder = ViT(image_size=28, patch_size=4, embed_dim=32, depth=2, num_heads=2)
    images = torch.randn(2, 1, 28, 28)
    tokens = encoder(images)
    assert tokens.shape == (2, 49, 32)
    keep = torch.tensor([[0, 5, 48], [1, 2, 3]])
    kept = encoder(images, keep=keep)
    assert kept.shape == (2, 3, 32)
    with pytest.raises(ValueError, match="not divisible"):
        ViT(image_size=28, patch_size=5)
    assert encoder(torch.randn(1, 1, 16, 16)).shape == (1, 16, 32)
    with pytest.raises(ValueError, match="patch size"):
        encoder(torch.randn(1, 1, 30, 30))


def test_sincos_positions_are_distinct_and_bounded() -> None:
    positions = sincos_2d(32, 7, 7)
    assert positions.shape == (49, 32)
    assert positions.abs().max() <= 1.0
    assert torch.cdist(positions, positions).add(torch.eye(49) * 10).min() > 0.1


def test_vit_size_error_names_the_sizes_and_what_is_allowed() -> None:
    with pytest.raises(
        ValueError,
        match=r"image size 28 is not divisible by the patch size 5: the image size must be a multiple of 5 \(e.g. 25 or 30\), "
        r"or the patch size one of the divisors of 28: \[1, 2, 4, 7, 14, 28\]",
    ):
        ViT(image_size=28, patch_size=5)
    encoder = ViT(image_size=28, patch_size=4, embed_dim=32, depth=1, num_heads=2)
    with pytest.raises(ValueError, match=r"image size 30 is not divisible by the patch size 4: .*28 or 32"):
        encoder(torch.randn(1, 1, 28, 30))


TIMM_NAMES = {
    "vit_tiny": "vit_tiny_patch16_224",
    "vit_s": "vit_small_patch16_224",
    "vit_b": "vit_base_patch16_224",
    "vit_l": "vit_large_patch16_224",
    "vit_h": "vit_huge_patch14_224",
    "vit_g": "vit_giant_patch14_224",
}


@pytest.mark.parametrize("option", sorted(TIMM_NAMES))
def test_vit_configs_match_timm_widths_depths_heads_and_mlp(option: str) -> None:
    """Blocks + final norm have exactly the parameters of timm's model of that size (patch embedding aside)."""
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        cfg = compose(config_name="train", overrides=[f"encoder={option}"])
    with torch.device("meta"):  # no memory, no init time
        encoder = instantiate(cfg.encoder)
        reference = timm.create_model(TIMM_NAMES[option], num_classes=0)

    def count(model: torch.nn.Module) -> int:
        return sum(p.numel() for name, p in model.named_parameters() if name.startswith(("blocks.", "norm.")))

    assert count(encoder) == count(reference) and len(encoder.blocks) == len(reference.blocks)
    assert encoder.blocks[0].attn.num_heads == reference.blocks[0].attn.num_heads


def test_video_vit_tokens_keep_indices_images_and_errors() -> None:
    encoder = VideoViT(image_size=16, num_frames=4, patch_size=4, tubelet_size=2, embed_dim=24, depth=1, num_heads=2)
    clips = torch.randn(2, 1, 4, 16, 16)
    tokens = encoder(clips)
    assert tokens.shape == (2, 2 * 4 * 4, 24) and encoder.embed_dim == 24
    assert encoder.pool(tokens).shape == (2, 24)
    assert encoder(clips, keep=torch.tensor([[0, 31], [5, 6]])).shape == (2, 2, 24)
    assert encoder(torch.randn(2, 1, 8, 12, 12)).shape == (2, 4 * 3 * 3, 24)  # other clip sizes: positions recomputed
    still = torch.randn(2, 1, 16, 16)
    assert torch.allclose(encoder(still), encoder(still[:, :, None].expand(-1, -1, 2, -1, -1)))  # image = one-tubelet clip
    with pytest.raises(ValueError, match="number of frames 3 is not divisible by the tubelet size 2"):
        encoder(torch.randn(1, 1, 3, 16, 16))
    with pytest.raises(ValueError, match="image size 18 is not divisible by the patch size 4"):
        encoder(torch.randn(1, 1, 4, 18, 16))
    with pytest.raises(ValueError, match="number of frames 5"):
        VideoViT(num_frames=5, tubelet_size=2)


def test_sincos_3d_positions_are_distinct_time_major_and_sized() -> None:
    positions = sincos_3d(24, 2, 3, 3)
    assert positions.shape == (18, 24) and positions.abs().max() <= 1.0
    assert torch.cdist(positions, positions).add(torch.eye(18) * 10).min() > 0.1
    assert torch.equal(positions[:9, 8:], positions[9:, 8:])  # frames share the spatial channels
    assert sincos_3d(100, 2, 2, 2).shape == (8, 100)  # 3 x 34 channels cut to 100


def test_resnet18_small_image_stem_tokens_and_pool() -> None:
    encoder = ResNet18(in_channels=3)
    assert isinstance(encoder.stem[0], torch.nn.Conv2d) and encoder.stem[0].kernel_size == (3, 3) and encoder.stem[0].stride == (1, 1)
    tokens = encoder(torch.randn(2, 3, 32, 32))
    assert tokens.shape == (2, 4 * 4, 512) and encoder.embed_dim == 512
    assert encoder.pool(tokens).shape == (2, 512)
    assert ResNet18(in_channels=1)(torch.randn(2, 1, 28, 28)).shape == (2, 16, 512)
