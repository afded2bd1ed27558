"""Seeded collate-time maskers: one torch.Generator per masker, its state saved in checkpoints."""

from __future__ import annotations

import torch
from torch.utils.data import get_worker_info

MaskSet = dict[str, torch.Tensor]


class Masker:
    """Base of the maskers that draw token masks: ``masker(batch_size)`` -> ``{"masks": [mask set, ...]}``.

    A mask set is ``{"context": (B, K), "target": (B, T, M)}``: sorted kept-token indices into the flattened token
    grid for the context encoder, and T groups of M target indices each (the predictor is run once per group);
    K and M are equal across the batch, and context and targets never overlap. The objective averages its loss
    over the mask sets (V-JEPA's short- and long-range masks are two sets).

    All randomness comes from one ``torch.Generator`` seeded with ``seed``, so the same seed gives the same masks;
    ``state_dict`` / ``load_state_dict`` save and restore it (the datamodule puts it in checkpoints, so a resumed
    run continues the mask stream instead of repeating it). In a DataLoader worker the stream is forked once per
    worker (seeded from the masker's state and the worker id), so workers never produce the same masks; the
    main-process state then does not advance, and a resumed run with workers starts fresh per-worker streams.
    """

    def __init__(self, seed: int = 0) -> None:
        self.generator = torch.Generator().manual_seed(seed)
        self._worker_id: int | None = None

    def __call__(self, batch_size: int) -> dict[str, list[MaskSet]]:
        """Batch size -> ``{"masks": [{"context": (B, K), "target": (B, T, M)}, ...]}`` to add to the batch."""
        return {"masks": self.sample(batch_size, self._process_generator())}

    def sample(self, batch_size: int, generator: torch.Generator) -> list[MaskSet]:
        """Draw the mask sets of one batch from ``generator``."""
        raise NotImplementedError

    def state_dict(self) -> dict[str, torch.Tensor]:
        """The generator's state (a uint8 tensor)."""
        return {"generator": self.generator.get_state()}

    def load_state_dict(self, state_dict: dict[str, torch.Tensor]) -> None:
        """Restore the generator's state saved by ``state_dict``."""
        self.generator.set_state(state_dict["generator"].cpu())

    def _process_generator(self) -> torch.Generator:
        """The generator for this process: in a DataLoader worker, forked once from the state and the worker id."""
        worker = get_worker_info()
        if worker is not None and worker.id != self._worker_id:
            base = int(torch.randint(2**62, (1,), generator=self.generator))
            self.generator.manual_seed(base + worker.id)
            self._worker_id = worker.id
        return self.generator
