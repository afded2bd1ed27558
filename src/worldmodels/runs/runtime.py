"""Process-level settings of a run: its device, torch's thread count and ``torch.compile`` of the networks."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

NETWORKS = ("encoder", "projector", "head", "predictor", "decoder")
"""Submodule names compiled by ``compile_networks``: the networks a training step runs, not regularizers or probes."""


def pick_device(device: str) -> torch.device:
    """``auto`` -> cuda when available, else cpu; anything else as torch names it."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu") if device == "auto" else torch.device(device)


def set_threads(threads: int | None) -> None:
    """``torch.set_num_threads(threads)``; ``None`` keeps torch's default (one per physical core)."""
    if threads is not None:
        if threads < 1:
            raise ValueError(f"threads={threads} must be a positive integer or null (torch's default)")
        torch.set_num_threads(threads)


def compile_networks(module: nn.Module, backend: str = "inductor", **options: Any) -> list[str]:
    """Compile, in place (``nn.Module.compile``), each submodule named in ``NETWORKS`` outside the regularizer.

    In-place compilation keeps parameter names, so checkpoints load with or without it. The outermost match wins
    (an encoder's own ``head`` stays inside the compiled encoder). Returns the compiled submodules' names.
    """
    compiled: list[str] = []
    for name, child in module.named_modules():
        parts = name.split(".")
        if not name or parts[-1] not in NETWORKS or parts[0] == "regularizer":
            continue
        if any(name.startswith(done + ".") for done in compiled):
            continue
        child.compile(backend=backend, **options)
        compiled.append(name)
    return compiled
