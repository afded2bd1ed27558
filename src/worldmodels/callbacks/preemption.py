"""Preemption: on SIGTERM, SIGUSR1 or SIGUSR2, finish the batch, save ``checkpoints/last.ckpt`` and stop.

SLURM warns a job with a signal before it preempts it or it hits its time limit (submitit asks for SIGUSR2,
``--signal`` commonly sends SIGUSR1), and sends SIGTERM when it kills it. Lightning stops gracefully on SIGTERM (after
the current batch, on every rank) and, under SLURM with ``SLURMEnvironment(auto_requeue=True)``, requeues on
SIGUSR1. This callback adds the missing pieces: the checkpoint at the stopping point, and the same graceful stop on
the warning signals; a handler that was there before (submitit's requeue, Lightning's) still runs afterwards. A
requeued SLURM job resumes from that checkpoint (``worldmodels.runs.resume.requeued_checkpoint``); elsewhere resume
with ``python train.py resume=<run dir>``.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import Any

import pytorch_lightning as pl
from pytorch_lightning.callbacks import Callback
from pytorch_lightning.utilities.exceptions import SIGTERMException

log = logging.getLogger(__name__)


class PreemptionCheckpoint(Callback):
    """Save ``dirpath/filename.ckpt`` when training is stopped by a signal; see the module docstring.

    ``signals`` are the warning signals handled here (names such as "SIGUSR1"); SIGTERM is Lightning's own. The
    request is agreed on by all DDP ranks at the end of each batch, so every rank saves and stops at the same step.
    """

    def __init__(self, dirpath: str, filename: str = "last", signals: Sequence[str] = ("SIGUSR1", "SIGUSR2")) -> None:
        self.path = Path(dirpath) / f"{filename}.ckpt"
        self.signals = [signal.Signals[name] for name in signals]
        self._requested: signal.Signals | None = None
        self._previous: dict[signal.Signals, Any] = {}
        self._saved_step: int | None = None

    def _request(self, signum: int, frame: FrameType | None) -> None:
        log.warning("received %s: saving a checkpoint and stopping after this batch", signal.Signals(signum).name)
        self._requested = signal.Signals(signum)

    def on_train_start(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        """Install the handlers of ``signals`` (in the main thread), remembering the ones they replace."""
        if threading.current_thread() is not threading.main_thread():
            return
        self._requested, self._saved_step = None, None
        for signum in self.signals:
            self._previous[signum] = signal.signal(signum, self._request)

    def teardown(self, trainer: pl.Trainer, pl_module: pl.LightningModule, stage: str) -> None:
        """Put the replaced handlers back."""
        for signum, handler in self._previous.items():
            signal.signal(signum, handler if handler is not None else signal.SIG_DFL)
        self._previous = {}

    def _save(self, trainer: pl.Trainer) -> None:
        if self._saved_step == trainer.global_step:
            return
        trainer.save_checkpoint(self.path)
        self._saved_step = trainer.global_step
        log.warning("saved %s at step %d; resume with resume=<run dir>", self.path, trainer.global_step)

    def on_train_batch_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule, outputs: Any, batch: Any, batch_idx: int) -> None:
        """When any rank got a signal: save, run the replaced handler (submitit's requeue), stop every rank."""
        if not trainer.strategy.reduce_boolean_decision(self._requested is not None, all=False):
            return
        self._save(trainer)
        signum = self._requested
        previous = self._previous.get(signum) if signum is not None else None
        if callable(previous):
            previous(signum, None)
        raise SIGTERMException(1)

    def on_exception(self, trainer: pl.Trainer, pl_module: pl.LightningModule, exception: BaseException) -> None:
        """Lightning's graceful stop on SIGTERM (raised after a finished batch, on every rank): save."""
        if isinstance(exception, SIGTERMException):
            self._save(trainer)
