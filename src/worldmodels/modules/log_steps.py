"""When per-step training metrics reach the loggers, so cheap steps can skip building the ones Lightning would drop."""

from __future__ import annotations

import pytorch_lightning as pl


def is_logging_step(module: pl.LightningModule) -> bool:
    """Whether metrics logged (``on_step``, not on the progress bar) in this training step reach the loggers.

    Lightning forwards them every ``trainer.log_every_n_steps`` optimizer steps and drops the others, but still does
    its per-metric bookkeeping for each call: about 10 % of a Two Rooms world-model step (benchmarks/training).
    """
    trainer = module.trainer
    every = trainer.log_every_n_steps
    return every > 0 and ((module.global_step + 1) % every == 0 or trainer.should_stop)
