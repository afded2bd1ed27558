"""Peak memory of a call on the CPU, two ways.

``allocator_peak_bytes``: torch's profiler records every CPU tensor allocation and free (``profile_memory``);
the running sum of those events over the call, maximised, is the peak of tensor bytes the call added on top of
what already existed (its inputs). Exact and deterministic; it does not see memory outside torch's allocator
(MKL's packing buffers, the Python heap).

``rss_peak_bytes``: the process's resident-set high-water mark (``VmHWM``), reset just before the call through
``/proc/self/clear_refs``, minus the resident set before it. Everything the process touched, allocator slack
included; run it in a fresh process per measurement, since memory freed earlier stays resident and is reused.
"""

from __future__ import annotations

import ctypes
import gc
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from torch.profiler import ProfilerActivity, profile


@contextmanager
def _quiet_stderr() -> Iterator[None]:
    """Silence the profiler's C++ start/stop lines on file descriptor 2."""
    saved = os.dup(2)
    with open(os.devnull, "w") as devnull:
        os.dup2(devnull.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def allocator_peak_bytes(call: Callable[[], Any]) -> int:
    """Peak of CPU tensor bytes allocated by ``call()`` beyond those alive when it starts."""
    with _quiet_stderr(), profile(activities=[ProfilerActivity.CPU], profile_memory=True) as prof:
        call()
    events = sorted((event.start_ns(), event.nbytes()) for event in prof.profiler.kineto_results.events() if event.name() == "[memory]")
    live = peak = 0
    for _, nbytes in events:
        live += nbytes
        peak = max(peak, live)
    return peak


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def rss_peak_bytes(call: Callable[[], Any]) -> int:
    """Resident-set high-water mark during ``call()`` minus the resident set before it (Linux only)."""
    before = _status_kib("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current resident set
    call()
    return (_status_kib("VmHWM") - before) * 1024


def release_memory() -> None:
    """Collect garbage and hand freed heap pages back to the OS (glibc ``malloc_trim``): with ``MALLOC_TRIM_THRESHOLD_``
    set high, memory freed after a large configuration would otherwise stay resident and fragment for the next."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass
