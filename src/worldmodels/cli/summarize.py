"""`python -m worldmodels.summarize SWEEP_DIR`: a table (markdown + CSV) and a plot of a sweep's final metric.

Every job dir under SWEEP_DIR with a results.json (or a failed.json) counts; a job's setting is its overrides
(overrides.txt) that vary across the sweep, seed aside; the metric (frozen-probe accuracy or planning success, or
``--metric dotted.path.in.results.json``) is averaged over the seeds of each setting.
"""

from __future__ import annotations

import argparse
import csv
import math
from pathlib import Path

from worldmodels.runs.sweep import Setting, collect_jobs, headline_metric_name, summarize_jobs
from worldmodels.runs.sweep_plot import plot_sweep


def _fmt(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.4f}"


def markdown_table(keys: list[str], settings: list[Setting], metric: str) -> str:
    """One row per setting: the swept values, seeds, ``metric`` as mean ± std, and how many jobs have no metric."""
    header = [*keys, "seeds", f"{metric} (mean ± std)", "failed"]
    rows = [[*(s.values[k] for k in keys), str(len(s.metrics)), f"{_fmt(s.mean)} ± {_fmt(s.std)}", str(s.failed)] for s in settings]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows]) + "\n"


def write_csv(keys: list[str], settings: list[Setting], metric: str, path: Path) -> Path:
    """The table as CSV (mean and std in their own columns, the per-seed values joined by ';')."""
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([*keys, "seeds", f"{metric}_mean", f"{metric}_std", "failed", "per_seed"])
        for s in settings:
            per_seed = ";".join(f"{seed}:{value}" for seed, value in zip(s.seeds, s.metrics, strict=True))
            writer.writerow([*(s.values[k] for k in keys), len(s.metrics), s.mean, s.std, s.failed, per_seed])
    return path


def summarize(sweep_dir: Path, metric: str | None = None, out_dir: Path | None = None) -> dict[str, Path]:
    """Write summary.md, summary.csv and summary.png for the sweep in ``sweep_dir`` (into ``out_dir``, default the sweep dir)."""
    jobs = collect_jobs(sweep_dir)
    if not jobs:
        raise FileNotFoundError(f"{sweep_dir}: no job dir with results.json or failed.json under it")
    metric = metric or headline_metric_name(jobs)
    keys, settings = summarize_jobs(jobs, metric)
    out_dir = out_dir or sweep_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    failures = [job for job in jobs if job.failure is not None]
    failed_lines = [f"- {job.path}: {job.failure.get('error')}: {job.failure.get('message')}" for job in failures]
    text = f"# {sweep_dir}\n\n{len(jobs)} jobs, {len(failures)} failed\n\n" + markdown_table(keys, settings, metric)
    (out_dir / "summary.md").write_text(text + ("\nFailed jobs:\n" + "\n".join(failed_lines) + "\n" if failed_lines else ""))
    return {
        "markdown": out_dir / "summary.md",
        "csv": write_csv(keys, settings, metric, out_dir / "summary.csv"),
        "plot": plot_sweep(keys, settings, metric, out_dir / "summary.png"),
    }


def main(argv: list[str] | None = None) -> None:
    """Parse the command line, write the summary files and print the markdown table."""
    parser = argparse.ArgumentParser(prog="python -m worldmodels.summarize", description=__doc__.splitlines()[0])
    parser.add_argument("sweep_dir", type=Path, help="a multirun dir, e.g. outputs/<name>/multiruns/<date>_<time>_<id>")
    parser.add_argument("--metric", default=None, help="dotted path in results.json (default: frozen_probe.trained.accuracy or planning.success_rate)")
    parser.add_argument("--out", type=Path, default=None, help="where summary.md/.csv/.png go (default: the sweep dir)")
    args = parser.parse_args(argv)
    written = summarize(args.sweep_dir, args.metric, args.out)
    print(written["markdown"].read_text())
    print("\n".join(f"{kind}: {path}" for kind, path in written.items()))
