"""`worldmodels summarize SWEEP_DIR`: a table (markdown + CSV) and a plot of a sweep's final metric.

Every job dir under SWEEP_DIR with a results.json (or a failed.json) counts; a job's setting is its overrides
(overrides.txt) that vary across the sweep, seed aside; the metric (frozen-probe accuracy or planning success, or
``--metric dotted.path.in.results.json``, repeatable, ``label=path`` names a column) is averaged over the seeds of each
setting.
"""

from __future__ import annotations

import argparse
import csv
import math
from pathlib import Path

from worldmodels.runs.atomic import atomic_path, atomic_write_text
from worldmodels.runs.sweep import Setting, collect_jobs, headline_metric_name, summarize_jobs
from worldmodels.runs.sweep_plot import plot_sweep


def _fmt(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.4f}"


def parse_metric(spec: str) -> tuple[str, str]:
    """ "label=dotted.path" -> (label, path); a bare "dotted.path" is its own label."""
    label, sep, path = spec.partition("=")
    return (label, path) if sep else (spec, spec)


def markdown_table(keys: list[str], columns: dict[str, list[Setting]]) -> str:
    """One row per setting: the swept values, seeds, each metric ({label: settings}, the settings in the same order)
    as mean ± std, and how many jobs lack the first metric."""
    first = next(iter(columns.values()))
    header = [*keys, "seeds", *(f"{label} (mean ± std)" for label in columns), "failed"]
    rows = []
    for i, setting in enumerate(first):
        cells = [f"{_fmt(c[i].mean)} ± {_fmt(c[i].std)}" for c in columns.values()]
        rows.append([*(setting.values[k] for k in keys), str(len(setting.metrics)), *cells, str(setting.failed)])
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows]) + "\n"


def write_csv(keys: list[str], columns: dict[str, list[Setting]], path: Path) -> Path:
    """The table as CSV: per metric its mean, std and per-seed values ("seed:value" joined by ';')."""
    first = next(iter(columns.values()))
    with atomic_path(path) as partial, open(partial, "w", newline="") as handle:
        writer = csv.writer(handle)
        metric_header = [f"{label}_{part}" for label in columns for part in ("mean", "std", "per_seed")]
        writer.writerow([*keys, "seeds", *metric_header, "failed"])
        for i, setting in enumerate(first):
            cells = []
            for settings in columns.values():
                s = settings[i]
                cells += [s.mean, s.std, ";".join(f"{seed}:{value}" for seed, value in zip(s.seeds, s.metrics, strict=True))]
            writer.writerow([*(setting.values[k] for k in keys), len(setting.metrics), *cells, setting.failed])
    return path


def summarize(sweep_dir: Path, metric: str | list[str] | None = None, out_dir: Path | None = None) -> dict[str, Path]:
    """Write summary.md, summary.csv and summary.png for the sweep in ``sweep_dir`` (into ``out_dir``, default the sweep
    dir); ``metric``: one or more "dotted.path" or "label=dotted.path" in results.json (default: the headline metric)."""
    jobs = collect_jobs(sweep_dir)
    if not jobs:
        raise FileNotFoundError(f"{sweep_dir}: no job dir with results.json or failed.json under it")
    specs = [metric] if isinstance(metric, str) else list(metric or [headline_metric_name(jobs)])
    columns: dict[str, list[Setting]] = {}
    keys: list[str] = []
    for label, path in map(parse_metric, specs):
        keys, columns[label] = summarize_jobs(jobs, path)
    out_dir = out_dir or sweep_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    failures = [job for job in jobs if job.failure is not None]
    failed_lines = [f"- {job.path}: {job.failure.get('error')}: {job.failure.get('message')}" for job in failures]
    text = f"# {sweep_dir}\n\n{len(jobs)} jobs, {len(failures)} failed\n\n" + markdown_table(keys, columns)
    atomic_write_text(out_dir / "summary.md", text + ("\nFailed jobs:\n" + "\n".join(failed_lines) + "\n" if failed_lines else ""))
    return {
        "markdown": out_dir / "summary.md",
        "csv": write_csv(keys, columns, out_dir / "summary.csv"),
        "plot": plot_sweep(keys, columns, out_dir / "summary.png"),
    }


def main(argv: list[str] | None = None) -> None:
    """Parse the command line, write the summary files and print the markdown table."""
    parser = argparse.ArgumentParser(prog="worldmodels summarize", description=__doc__.splitlines()[0])
    parser.add_argument(
        "sweep_dir", type=Path, help="a multirun dir (or a folder of several), e.g. outputs/<name>/multiruns/<date>_<time>_<id>"
    )
    parser.add_argument(
        "--metric",
        action="append",
        default=None,
        help="dotted path in results.json, or label=path; repeat for more columns "
        "(default: frozen_probe.trained.accuracy or planning.success_rate)",
    )
    parser.add_argument("--out", type=Path, default=None, help="where summary.md/.csv/.png go (default: the sweep dir)")
    args = parser.parse_args(argv)
    written = summarize(args.sweep_dir, args.metric, args.out)
    print(written["markdown"].read_text())
    print("\n".join(f"{kind}: {path}" for kind, path in written.items()))
