"""Weighted k-nearest-neighbour classifier on frozen features (cosine similarity, DINO's vote); nothing is trained."""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F


class KNNProbe:
    """Classify each test feature by its ``k`` most cosine-similar training features.

    Each neighbour votes for its label with weight ``exp(similarity / temperature)``; the class with the largest
    summed weight wins (DINO's weighted k-NN). Deterministic: the ``seed`` of ``fit_and_score`` is not used.
    """

    def __init__(
        self, in_dim: int, num_classes: int, k: int = 20, temperature: float = 0.07, batch_size: int = 1024, features: str = "pooled"
    ) -> None:
        if features != "pooled":
            raise ValueError(f"the kNN probe compares pooled features (B, D); got features={features!r}")
        if k < 1 or temperature <= 0:
            raise ValueError(f"kNN probe needs k >= 1 and temperature > 0, got k={k}, temperature={temperature}")
        self.in_dim, self.num_classes = in_dim, num_classes
        self.k, self.temperature, self.batch_size = k, temperature, batch_size

    @torch.no_grad()
    def predict(self, train: tuple[torch.Tensor, torch.Tensor], features: torch.Tensor) -> torch.Tensor:
        """Train features (N, D) and labels (N,), query features (M, D) -> predicted labels (M,)."""
        if train[0].shape[-1] != self.in_dim or features.shape[-1] != self.in_dim:
            raise ValueError(f"kNN probe built for {self.in_dim}-d features, got {tuple(train[0].shape)} and {tuple(features.shape)}")
        bank = F.normalize(train[0].float(), dim=1)
        k = min(self.k, bank.shape[0])
        predictions = []
        for chunk in F.normalize(features.float(), dim=1).split(self.batch_size):
            similarity, index = (chunk @ bank.T).topk(k, dim=1)  # (b, k)
            votes = chunk.new_zeros(chunk.shape[0], self.num_classes).scatter_add_(
                1, train[1][index], (similarity / self.temperature).exp()
            )
            predictions.append(votes.argmax(dim=1))
        return torch.cat(predictions)

    def fit_and_score(
        self, train: tuple[torch.Tensor, torch.Tensor], test: tuple[torch.Tensor, torch.Tensor], seed: int = 0
    ) -> dict[str, Any]:
        """Accuracy on test features/labels with the training features as the neighbour bank: {"accuracy", "k"}."""
        accuracy = (self.predict(train, test[0]) == test[1]).float().mean()
        return {"accuracy": float(accuracy), "k": min(self.k, train[0].shape[0])}
