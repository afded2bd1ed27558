"""Random-number-generator states in checkpoints, so a resumed run draws the augmentations it would have drawn."""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import pytorch_lightning as pl
import torch
from pytorch_lightning.callbacks import Callback


class RandomStateCheckpoint(Callback):
    """Save the torch (CPU and CUDA), numpy and python RNG states with every checkpoint; restore them on resume.

    They are restored when training starts, after Lightning made its dataloader iterators (which draw from the global
    generator), so the next augmentation draws what it drew in the uninterrupted run: with the datamodule's resumable
    sampler a run resumed from a mid-epoch checkpoint (what preemption saves) trains on the same batches with the
    same views. From an end-of-epoch checkpoint the next epoch's order and views are seeded but not the same (the
    new epoch's iterator would have drawn from the generator after the save).
    """

    def __init__(self) -> None:
        self._loaded: dict[str, Any] | None = None

    def state_dict(self) -> dict[str, Any]:
        """The generators' states now (Lightning calls this when it saves a checkpoint)."""
        name, keys, position, has_gauss, gauss = np.random.get_state()
        numpy_state = {
            "name": name,
            "keys": torch.from_numpy(keys.astype(np.int64)),
            "position": int(position),
            "has_gauss": int(has_gauss),
            "gauss": float(gauss),
        }
        # Tensors, numbers, strings and tuples only: the checkpoint stays loadable with weights_only=True.
        state: dict[str, Any] = {"torch": torch.get_rng_state(), "numpy": numpy_state, "python": random.getstate()}
        if torch.cuda.is_available() and torch.cuda.is_initialized():
            state["cuda"] = torch.cuda.get_rng_state_all()
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Keep a checkpoint's states until training starts."""
        self._loaded = state_dict

    def on_train_start(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        """Restore the loaded states (a resumed run only)."""
        if self._loaded is None:
            return
        state, self._loaded = self._loaded, None
        torch.set_rng_state(state["torch"])
        numpy_state = state["numpy"]
        np.random.set_state(
            (
                numpy_state["name"],
                numpy_state["keys"].numpy().astype(np.uint32),
                numpy_state["position"],
                numpy_state["has_gauss"],
                numpy_state["gauss"],
            )
        )
        random.setstate(state["python"])
        if "cuda" in state and torch.cuda.is_available():
            torch.cuda.set_rng_state_all(state["cuda"])
