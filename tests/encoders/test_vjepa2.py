"""The V-JEPA 2 wrapper, offline: a tiny random model saved to disk loads through it and gives transformers' own
outputs; missing weights or a missing transformers fail with instructions. Never touches the network."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import torch

from worldmodels.encoders import PretrainedWeightsError, VJEPA2Encoder
from worldmodels.encoders.vjepa2 import MODEL_IDS


def test_a_tiny_saved_model_gives_transformers_outputs(tmp_path: Path) -> None:
    transformers = pytest.importorskip("transformers")
    if not hasattr(transformers, "VJEPA2Model"):
        pytest.skip("this transformers has no VJEPA2Model (needs >= 4.53)")
    torch.manual_seed(0)
    config = transformers.VJEPA2Config(
        crop_size=32,
        frames_per_clip=4,
        patch_size=8,
        tubelet_size=2,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        pred_hidden_size=16,
        pred_num_hidden_layers=1,
        pred_num_attention_heads=2,
    )
    reference = transformers.VJEPA2Model(config).eval()
    reference.save_pretrained(tmp_path / "tiny")
    encoder = VJEPA2Encoder(model=str(tmp_path / "tiny"), local_files_only=True).eval()
    assert encoder.embed_dim == 32 and encoder.image_size == 32 and encoder.num_frames == 4
    assert not any(p.requires_grad for p in encoder.parameters())
    clips = torch.randn(2, 3, 4, 32, 32)  # (B, C, T, H, W)
    with torch.no_grad():
        tokens = encoder(clips)
        expected = reference.get_vision_features(clips.transpose(1, 2))  # transformers takes (B, T, C, H, W)
        assert tokens.shape == (2, 2 * 4 * 4, 32) and torch.equal(tokens, expected)
        keep = torch.tensor([[0, 5, 9], [1, 2, 31]])
        assert torch.equal(encoder(clips, keep=keep), torch.stack([expected[0, [0, 5, 9]], expected[1, [1, 2, 31]]]))
        assert encoder(clips[:, :, 0]).shape == (2, 16, 32)  # an image is a still clip of one tubelet
        assert encoder.pool(tokens).shape == (2, 32)


def test_missing_weights_say_how_to_get_them(tmp_path: Path) -> None:
    pytest.importorskip("transformers")
    with pytest.raises(PretrainedWeightsError) as error:
        VJEPA2Encoder(model=MODEL_IDS["vitl"], local_files_only=True, cache_dir=str(tmp_path / "empty_cache"))
    message = str(error.value)
    assert "facebook/vjepa2-vitl-fpc64-256" in message and "huggingface-cli download facebook/vjepa2-vitl-fpc64-256" in message
    assert "encoder.model=" in message and "torch.hub" in message


def test_missing_transformers_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "transformers", None)  # import transformers now raises ImportError
    with pytest.raises(PretrainedWeightsError, match="pip install transformers"):
        VJEPA2Encoder(model=MODEL_IDS["vitg384"])
