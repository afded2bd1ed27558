"""A Hydra callback that ends every multirun by listing the jobs that failed (written to failures.json) and, when any
failed, exiting with ``EXIT_SWEEP_FAILED`` once the whole sweep has run."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from hydra.experimental.callback import Callback
from omegaconf import DictConfig

from worldmodels.runs.atomic import atomic_write_json
from worldmodels.runs.exit_codes import EXIT_SWEEP_FAILED
from worldmodels.runs.failures import find_failures

log = logging.getLogger(__name__)


class SweepReport(Callback):
    """``on_multirun_end``: log the failed jobs of the sweep, write ``<sweep dir>/failures.json`` and exit with
    ``EXIT_SWEEP_FAILED`` when any failed."""

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        """List the sweep's failed.json files (log + failures.json)."""
        sweep_dir = Path(config.hydra.sweep.dir)
        failures = find_failures(sweep_dir)
        if not failures:
            log.info("sweep %s: every job finished", sweep_dir)
            return
        atomic_write_json(sweep_dir / "failures.json", failures)
        lines = [f"  {f['job_dir']}: {f['error']}: {f['message']} ({' '.join(f['overrides'] or [])})" for f in failures]
        log.error("sweep %s: %d job(s) failed (details in their failed.json):\n%s", sweep_dir, len(failures), "\n".join(lines))
        raise SystemExit(EXIT_SWEEP_FAILED)
