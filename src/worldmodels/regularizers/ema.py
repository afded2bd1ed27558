"""EMA target network: the targets come from a slowly moving copy of the online network, with stop-gradient."""

from __future__ import annotations

import copy
import math

import torch
from torch import nn

from worldmodels.regularizers.base import Regularizer


class EMATeacher(Regularizer):
    """Targets are the teacher's embeddings of the global views (mean over views, no gradient), or for the masked
    objective the teacher encoder's tokens of the full input (``target_tokens``).

    The teacher is a copy of the online network updated after each optimiser step with momentum rising
    from ``momentum_start`` to ``momentum_end`` over training (``schedule``: "linear", I-JEPA's, or "cosine",
    BYOL's). Adds no loss term of its own; pair it with a non-identity predictor.
    """

    def __init__(self, momentum_start: float = 0.99, momentum_end: float = 1.0, schedule: str = "cosine") -> None:
        super().__init__()
        if schedule not in ("linear", "cosine"):
            raise ValueError(f"unknown EMA momentum schedule {schedule!r}; known: ['cosine', 'linear']")
        self.momentum_start, self.momentum_end, self.schedule = momentum_start, momentum_end, schedule
        self.teacher: nn.Module | None = None
        self.student: list[nn.Module] = []
        self.register_buffer("momentum", torch.tensor(momentum_start))

    def setup(self, student: nn.Module) -> None:
        """Copy the online network (B, C, H, W) -> (B, K) into a frozen teacher."""
        self.teacher = copy.deepcopy(student).requires_grad_(False)
        self.student = [student]  # a list, so the student is not registered twice as a submodule

    def momentum_at(self, step: int, total_steps: int) -> float:
        """The scheduled momentum at ``step`` of ``total_steps``."""
        progress = min(step / max(total_steps, 1), 1.0)
        if self.schedule == "cosine":
            progress = (1 - math.cos(math.pi * progress)) / 2
        return self.momentum_start + (self.momentum_end - self.momentum_start) * progress

    @torch.no_grad()
    def targets(self, global_views: torch.Tensor, global_embeddings: torch.Tensor) -> torch.Tensor:
        """Global views (Vg, B, C, H, W) -> teacher embeddings averaged over views (B, K)."""
        self.teacher.train(self.student[0].training)
        embeddings = self.teacher(global_views.flatten(0, 1))
        return embeddings.view(global_views.shape[0], global_views.shape[1], -1).mean(dim=0)

    @torch.no_grad()
    def target_tokens(self, inputs: torch.Tensor) -> torch.Tensor:
        """Full inputs (B, C, H, W) or clips -> the teacher encoder's tokens (B, N, D): I-JEPA's target encoder."""
        self.teacher.train(self.student[0].training)
        return self.teacher.encoder(inputs)

    def forward(self, embeddings: torch.Tensor, step: int) -> dict[str, torch.Tensor]:
        """Embeddings (V, B, K) -> {"loss": 0, "momentum"}."""
        return {"loss": embeddings.new_zeros(()), "momentum": self.momentum.clone()}

    @torch.no_grad()
    def on_optimizer_step(self, step: int, total_steps: int) -> None:
        """teacher ← m · teacher + (1 − m) · student, buffers copied."""
        momentum = self.momentum_at(step, total_steps)
        self.momentum.fill_(momentum)
        for teacher, student in zip(self.teacher.parameters(), self.student[0].parameters(), strict=True):
            teacher.lerp_(student.detach(), 1 - momentum)
        for teacher, student in zip(self.teacher.buffers(), self.student[0].buffers(), strict=True):
            teacher.copy_(student)
