"""The spatial-grid linear probe reads where a marker sits on the feature map, which the mean-pooled probe cannot."""

from __future__ import annotations

import pytest
import torch

from worldmodels.probes import SpatialGridLinearProbe


def test_grid_probe_shapes_and_equivalence_to_mean_pooling() -> None:
    tokens = torch.randn(5, 16, 8)
    probe = SpatialGridLinearProbe(in_dim=8, num_classes=3, grid=1, batchnorm=False)
    expected = probe.linear.linear(tokens.mean(dim=1))
    assert torch.allclose(probe(tokens), expected, atol=1e-6)
    assert SpatialGridLinearProbe(in_dim=8, num_classes=3, grid=2)(tokens).shape == (5, 3)
    assert SpatialGridLinearProbe(in_dim=8, num_classes=3, grid=2).linear.linear.in_features == 32
    with pytest.raises(ValueError, match="square feature map"):
        SpatialGridLinearProbe(in_dim=8, num_classes=3)(torch.randn(2, 15, 8))


def test_grid_probe_separates_quadrants() -> None:
    """Label = quadrant of a marker on a 4 x 4 map: the mean over tokens is the same for every label."""
    generator = torch.Generator().manual_seed(0)
    labels = torch.randint(0, 4, (512,), generator=generator)
    tokens = torch.zeros(512, 4, 4, 2)
    rows, cols = (labels // 2) * 2, (labels % 2) * 2
    tokens[torch.arange(512), rows, cols, 0] = 1.0
    tokens = tokens.flatten(1, 2) + 0.01 * torch.randn(512, 16, 2, generator=generator)
    probe = SpatialGridLinearProbe(in_dim=2, num_classes=4, grid=2, batchnorm=False)
    optimizer = torch.optim.Adam(probe.parameters(), lr=0.1)
    for _ in range(100):
        optimizer.zero_grad()
        torch.nn.functional.cross_entropy(probe(tokens), labels).backward()
        optimizer.step()
    assert (probe(tokens).argmax(-1) == labels).float().mean() == 1.0
