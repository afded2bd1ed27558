"""The kNN probe: DINO's weighted vote on cosine similarity, no training."""

from __future__ import annotations

import pytest
import torch

from worldmodels.probes import KNNProbe


def clusters(per_class: int, num_classes: int = 4, dim: int = 16, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Features (per_class · num_classes, dim) around orthogonal directions, one per class, and labels."""
    generator = torch.Generator().manual_seed(seed)
    labels = torch.arange(num_classes).repeat_interleave(per_class)
    features = 5.0 * torch.eye(dim)[labels] + 0.3 * torch.randn(len(labels), dim, generator=generator)
    return features, labels


def test_knn_is_perfect_on_separable_clusters() -> None:
    probe = KNNProbe(in_dim=16, num_classes=4, k=5, batch_size=7)
    report = probe.fit_and_score(clusters(50), clusters(20, seed=1))
    assert report == {"accuracy": 1.0, "k": 5}


def test_knn_uses_cosine_similarity_and_weighted_votes() -> None:
    bank = (torch.tensor([[10.0, 0.0], [0.0, 1.0], [0.0, 1.0]]), torch.tensor([0, 1, 1]))
    query = torch.tensor([[0.5, 1.0]])  # nearer class 1 in angle; a raw dot product would pick the long class-0 vector
    assert KNNProbe(2, 2, k=3, temperature=0.07).predict(bank, query).tolist() == [1]
    query = torch.tensor([[1.0, 0.5]])  # 27° from class 0's one vote, 63° from class 1's two
    assert KNNProbe(2, 2, k=3, temperature=0.07).predict(bank, query).tolist() == [0]
    assert KNNProbe(2, 2, k=3, temperature=100.0).predict(bank, query).tolist() == [1]  # flat weights: the majority


def test_knn_rejects_bad_settings() -> None:
    with pytest.raises(ValueError, match="pooled"):
        KNNProbe(4, 2, features="tokens")
    with pytest.raises(ValueError, match="k >= 1"):
        KNNProbe(4, 2, k=0)
    with pytest.raises(ValueError, match="4-d features"):
        KNNProbe(4, 2).fit_and_score(clusters(3, 2, dim=8), clusters(3, 2, dim=8))
