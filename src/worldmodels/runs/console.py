"""What a run prints: the config tree at start and a summary table at the end (rich)."""

from __future__ import annotations

from typing import Any

import rich
from omegaconf import DictConfig, OmegaConf
from rich.syntax import Syntax
from rich.table import Table
from rich.tree import Tree


def print_config_tree(cfg: DictConfig) -> None:
    """One branch per top-level key, its resolved YAML inside."""
    tree = Tree("config", guide_style="dim")
    for key, value in cfg.items():
        body = OmegaConf.to_yaml(value, resolve=True) if isinstance(value, DictConfig) else str(value)
        tree.add(f"[bold]{key}[/bold]").add(Syntax(body, "yaml", theme="ansi_dark"))
    rich.print(tree)


def print_summary(results: dict[str, Any]) -> None:
    """A two-column table of the headline figures in ``results``."""
    table = Table(title="run summary", show_header=False)
    for key in ("experiment", "seed", "epochs", "steps", "train_time_s", "wall_time_s"):
        table.add_row(key, str(results.get(key)))
    for name, value in results.get("frozen_probe", {}).items():
        table.add_row(f"frozen {name} probe acc", f"{value['accuracy']:.4f}")
    for probe, by_kind in (results.get("extra_probes") or {}).items():
        for name, value in by_kind.items():
            table.add_row(f"{probe} probe, {name} acc", f"{value['accuracy']:.4f}")
    planning = results.get("planning") or {}
    for key in ("success_rate", "success_ci95", "mean_final_distance", "seconds_per_replan_per_episode"):
        if key in planning:
            table.add_row(f"planning {key}", str(planning[key]))
    rich.print(table)
    rich.print(f"run dir: {results.get('run_dir')}")
