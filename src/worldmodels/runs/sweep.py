"""A sweep's jobs and their final metric, grouped by setting (the overrides that vary, seed aside) over seeds."""

from __future__ import annotations

import json
import math
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from worldmodels.runs.failures import FAILED_FILE

HEADLINE_METRICS = ("frozen_probe.trained.accuracy", "planning.success_rate")
SEED_KEY = "seed"


@dataclass
class Job:
    """One job dir of a sweep: its overrides as {key: value}, its results (None when it failed) and its failure."""

    path: Path
    overrides: dict[str, str]
    results: dict[str, Any] | None
    failure: dict[str, Any] | None = None


@dataclass
class Setting:
    """The jobs that share the swept values ``values`` (one per seed) and their metric's mean and std over seeds."""

    values: dict[str, str]
    metrics: list[float] = field(default_factory=list)
    seeds: list[str] = field(default_factory=list)
    failed: int = 0

    @property
    def mean(self) -> float:
        """Mean over seeds (nan for none)."""
        return statistics.fmean(self.metrics) if self.metrics else math.nan

    @property
    def std(self) -> float:
        """Sample standard deviation over seeds (0 for a single seed, nan for none)."""
        if len(self.metrics) > 1:
            return statistics.stdev(self.metrics)
        return 0.0 if self.metrics else math.nan


def override_key(override: str) -> str:
    """The config key an override sets: "+model.lr=1e-3" -> "model.lr", "~data.augment" -> "data.augment"."""
    return override.lstrip("~+").split("=", 1)[0]


def parse_overrides(lines: list[str]) -> dict[str, str]:
    """["seed=1", "+model.lr=1e-3", "~data.augment"] -> {"seed": "1", "model.lr": "1e-3", "data.augment": "<deleted>"}."""
    return {
        override_key(line): "<deleted>" if line.startswith("~") else line.partition("=")[2]
        for line in (raw.strip() for raw in lines)
        if line
    }


def _job_overrides(job_dir: Path, failure: dict[str, Any] | None) -> list[str] | None:
    if (job_dir / "overrides.txt").is_file():
        return (job_dir / "overrides.txt").read_text().splitlines()
    if failure is not None:
        return list(failure.get("overrides") or [])
    return None


def collect_jobs(sweep_dir: Path) -> list[Job]:
    """Every job dir under ``sweep_dir`` that finished (results.json) or failed (failed.json), sorted by path."""
    dirs = {p.parent for name in ("results.json", FAILED_FILE) for p in sweep_dir.rglob(name)}
    jobs = []
    for job_dir in sorted(dirs):
        failure = json.loads((job_dir / FAILED_FILE).read_text()) if (job_dir / FAILED_FILE).is_file() else None
        results = json.loads((job_dir / "results.json").read_text()) if (job_dir / "results.json").is_file() else None
        overrides = _job_overrides(job_dir, failure)
        if overrides is not None:
            jobs.append(Job(job_dir, parse_overrides(overrides), results, failure))
    return jobs


def lookup(results: dict[str, Any], dotted: str) -> float | None:
    """``results["a"]["b"]`` for "a.b" (the last part may hold dots or slashes: "final_metrics.val/probe_acc")."""
    node: Any = results
    parts = dotted.split(".")
    for i, part in enumerate(parts):
        if not isinstance(node, dict):
            return None
        rest = ".".join(parts[i:])
        if rest in node:
            node = node[rest]
            break
        node = node.get(part)
    return float(node) if isinstance(node, int | float) and not isinstance(node, bool) else None


def headline_metric_name(jobs: list[Job]) -> str:
    """The first of ``HEADLINE_METRICS`` that some job's results hold (frozen-probe accuracy or planning success)."""
    for name in HEADLINE_METRICS:
        if any(job.results and lookup(job.results, name) is not None for job in jobs):
            return name
    raise ValueError(f"no job has any of {list(HEADLINE_METRICS)} in its results.json: pass the metric to summarize")


def swept_keys(jobs: list[Job]) -> list[str]:
    """Override keys whose value differs between jobs (or is missing in some), seed aside, in first-seen order."""
    keys: list[str] = []
    for job in jobs:
        keys += [k for k in job.overrides if k not in keys and k != SEED_KEY]
    return [k for k in keys if len({job.overrides.get(k) for job in jobs}) > 1]


def summarize_jobs(jobs: list[Job], metric: str) -> tuple[list[str], list[Setting]]:
    """Group ``jobs`` by their swept values; returns the swept keys and one ``Setting`` per combination, sorted by value."""
    keys = swept_keys(jobs)
    settings: dict[tuple[str, ...], Setting] = {}
    for job in jobs:
        values = {k: job.overrides.get(k, "") for k in keys}
        setting = settings.setdefault(tuple(values.values()), Setting(values))
        value = lookup(job.results, metric) if job.results else None
        if value is None:
            setting.failed += 1
            continue
        setting.metrics.append(value)
        setting.seeds.append(job.overrides.get(SEED_KEY, "?"))
    return keys, sorted(settings.values(), key=lambda s: [_natural(s.values[k]) for k in keys])


def _natural(value: str) -> tuple[int, float, str]:
    """Sort key: numbers by value, before other strings in alphabetical order."""
    try:
        return (0, float(value), "")
    except ValueError:
        return (1, 0.0, value)
