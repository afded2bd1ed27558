"""The run directory: what a run records, its results and curves."""

from worldmodels.runs.console import print_config_tree, print_summary
from worldmodels.runs.plots import plot_training_curves
from worldmodels.runs.record import write_run_record
from worldmodels.runs.resume import resolve_checkpoint

__all__ = ["plot_training_curves", "print_config_tree", "print_summary", "resolve_checkpoint", "write_run_record"]
