"""What every benchmark script shares: the machine record, interleaved repeated timing, JSON output."""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch
from hydra import compose, initialize_config_dir
from omegaconf import DictConfig

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parents[1]
RESULTS_DIR = BENCH_DIR / "results"
LOAD_AT_START = os.getloadavg()[0]  # 1-minute load average when the script started


def _busy_cpu_seconds() -> float:
    """CPU seconds all processes have spent busy since boot (/proc/stat: everything but idle and iowait); 0 elsewhere."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except OSError:
        return 0.0
    return (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def _own_cpu_seconds() -> float:
    """CPU seconds of this process and its children so far."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


WALL_AT_START, BUSY_AT_START, OWN_AT_START = time.monotonic(), _busy_cpu_seconds(), _own_cpu_seconds()


def other_cpu_share() -> float:
    """Share of the machine's CPU capacity used by *other* processes since this script started (0: nothing else ran).

    Load averages cannot tell: the benchmark's own threads keep them near the thread count.
    """
    elapsed = max(time.monotonic() - WALL_AT_START, 1e-6)
    others = (_busy_cpu_seconds() - BUSY_AT_START) - (_own_cpu_seconds() - OWN_AT_START)
    return max(others, 0.0) / (elapsed * (os.cpu_count() or 1))


def parse_args(description: str, configure: Callable[[argparse.ArgumentParser], None] | None = None) -> argparse.Namespace:
    """``--smoke`` (tiny sizes, seconds), ``--out`` (where the JSON goes), ``--threads`` (torch threads), plus
    whatever ``configure`` adds to the parser."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes and one repeat: checks the script runs, no figures")
    parser.add_argument("--out", type=Path, default=RESULTS_DIR, help="folder for the JSON result")
    parser.add_argument("--threads", type=int, default=None, help="torch.set_num_threads (default: torch's choice)")
    if configure is not None:
        configure(parser)
    args = parser.parse_args()
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    return args


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _git_sha() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def compose_config(overrides: list[str], output_dir: Path) -> DictConfig:
    """``conf/train.yaml`` with ``overrides``, writing into ``output_dir``."""
    with initialize_config_dir(config_dir=str(REPO_ROOT / "conf"), version_base="1.3"):
        return compose(config_name="train", overrides=[*overrides, f"paths.output_dir={output_dir}"])


def machine_info() -> dict[str, Any]:
    """CPU model, cores, torch version and threads, load averages at the start and now, date and git commit."""
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "python": platform.python_version(),
        "load_average_1m_start": round(LOAD_AT_START, 2),
        "load_average_end": [round(load, 2) for load in os.getloadavg()],  # 1, 5 and 15 minutes
        "other_cpu_share": round(other_cpu_share(), 3),  # CPU capacity other processes used during the run
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "git": _git_sha(),
    }


def median(values: list[float]) -> float:
    return float(statistics.median(values))


def interleaved_times(calls: dict[str, Callable[[], Any]], repeats: int, warmup: int = 1) -> dict[str, list[float]]:
    """Seconds of each call, ``repeats`` times, the calls alternating (order rotated each round) after ``warmup`` rounds.

    Alternating in one process exposes every variant to the same machine state, so their ratio holds under load.
    """
    names = list(calls)
    for _ in range(warmup):
        for name in names:
            calls[name]()
    times: dict[str, list[float]] = {name: [] for name in names}
    for round_ in range(repeats):
        for name in names[round_ % len(names) :] + names[: round_ % len(names)]:
            start = time.perf_counter()
            calls[name]()
            times[name].append(time.perf_counter() - start)
    return times


def write_json(out_dir: Path, name: str, payload: dict[str, Any]) -> Path:
    """Write ``payload`` (with the machine record) to ``out_dir/name.json``; returns the path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{name}.json"
    path.write_text(json.dumps({"machine": machine_info(), **payload}, indent=2))
    print(f"wrote {path}")
    return path
