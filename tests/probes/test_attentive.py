"""The attentive probe reads which token position holds a marker, which no probe on mean-pooled tokens can."""

from __future__ import annotations

from functools import partial

import pytest
import torch

from worldmodels.modules import ProbeTrainer
from worldmodels.probes import AttentiveProbe, LinearProbe

TOKENS, DIM = 4, 16


def marker_position_task(count: int, seed: int) -> tuple[tuple[torch.Tensor, torch.Tensor], tuple[torch.Tensor, torch.Tensor]]:
    """Tokens (count, 4, 16): a marker at the labelled position, a filler elsewhere, plus fixed per-position codes.

    Every sample holds the same set of tokens in a different order, so the mean over tokens carries no label.
    """
    generator = torch.Generator().manual_seed(0)
    marker, filler = torch.randn(2, DIM, generator=generator)
    positions = torch.randn(TOKENS, DIM, generator=generator)
    generator.manual_seed(seed)
    labels = torch.randint(0, TOKENS, (count,), generator=generator)
    tokens = filler.expand(count, TOKENS, DIM).clone()
    tokens[torch.arange(count), labels] = marker
    tokens = tokens + positions + 0.05 * torch.randn(count, TOKENS, DIM, generator=generator)
    pooled = tokens.mean(dim=1)
    return (tokens, labels), (pooled, labels)


def test_attentive_probe_finds_the_marker_position_a_pooled_linear_probe_cannot() -> None:
    train_tokens, train_pooled = marker_position_task(512, seed=1)
    test_tokens, test_pooled = marker_position_task(256, seed=2)
    head = partial(AttentiveProbe, depth=2, num_heads=4)
    attentive = ProbeTrainer(head, DIM, TOKENS, lr=3e-3, weight_decay=0.0, epochs=20, batch_size=64, warmup_steps=10, features="tokens")
    linear = ProbeTrainer(partial(LinearProbe), DIM, TOKENS, lr=1e-2, weight_decay=0.0, epochs=8, batch_size=64, warmup_steps=10)
    assert attentive.fit_and_score(train_tokens, test_tokens)["accuracy"] > 0.95
    assert linear.fit_and_score(train_pooled, test_pooled)["accuracy"] < 0.4  # chance is 0.25


def test_attentive_probe_shapes_and_errors() -> None:
    probe = AttentiveProbe(in_dim=DIM, num_classes=3, depth=3, num_heads=2)
    assert probe(torch.randn(5, 7, DIM)).shape == (5, 3)
    assert len(probe.blocks) == 2
    with pytest.raises(ValueError, match="tokens"):
        probe(torch.randn(5, DIM))
    with pytest.raises(ValueError, match="divisible by num_heads"):
        AttentiveProbe(in_dim=10, num_classes=3, num_heads=4)
    with pytest.raises(ValueError, match="depth"):
        AttentiveProbe(in_dim=DIM, num_classes=3, depth=0)
