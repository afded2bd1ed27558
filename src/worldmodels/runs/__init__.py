"""The run directory: what a run records, its results and curves."""

from worldmodels.runs.console import print_config_tree, print_summary
from worldmodels.runs.plots import plot_training_curves
from worldmodels.runs.record import write_run_record
from worldmodels.runs.resume import resolve_checkpoint
from worldmodels.runs.saved_config import resolve_group, saved_run_config

__all__ = [
    "plot_training_curves",
    "print_config_tree",
    "print_summary",
    "resolve_checkpoint",
    "resolve_group",
    "saved_run_config",
    "write_run_record",
]
