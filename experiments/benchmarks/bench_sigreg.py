"""SIGReg forward + backward: the library against the formula written out at once, time and peak memory.

    python experiments/benchmarks/bench_sigreg.py            # the grid below -> results/sigreg.json, sigreg_memory.png
    python experiments/benchmarks/bench_sigreg.py --smoke    # tiny sizes

Inputs: z ~ N(0, 1) of shape (N, D) from ``torch.manual_seed(0)``, directions ``random_directions(D, M, seed=0)``,
T = 17 nodes on [0, 3]. Each configuration times both implementations alternately in one process (median of the
repeats) and measures both peaks with the allocator method of ``memory.py``; the N-curve at D = 512, M = 1024 is
also measured as a resident-set peak, each point in a fresh process.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import torch
from common import BENCH_DIR, interleaved_times, median, parse_args, write_json
from memory import allocator_peak_bytes, release_memory, rss_peak_bytes

from worldmodels.regularizers import SIGReg, random_directions

NUM_POINTS, T_MAX = 17, 3.0
GRID = {"N": [256, 512, 1024, 2048, 4096, 8192], "D": [128, 512], "M": [256, 1024, 4096]}
SMOKE_GRID = {"N": [64, 128], "D": [16], "M": [32]}
HEADLINE, SMOKE_HEADLINE = (4096, 512, 1024), (128, 16, 32)
BASELINE_LIMIT_BYTES = 4 << 30  # the straightforward form is skipped where ~6 N·M·T float32 would exceed this
BAR = {"speedup": 1.5, "peak_over_nmt": 2.0, "rel_diff": 1e-5}


def straightforward_sigreg(z: torch.Tensor, directions: torch.Tensor) -> torch.Tensor:
    """The formula at once: z (N, D) @ directions (D, M) -> angles (N, M, T) -> cos/sin means (M, T) -> scalar."""
    nodes = torch.linspace(0.0, T_MAX, NUM_POINTS)
    step = T_MAX / (NUM_POINTS - 1)
    trapezoid = torch.full((NUM_POINTS,), 2 * step)
    trapezoid[0] = trapezoid[-1] = step
    gaussian_cf = torch.exp(-nodes.square() / 2)
    angles = (z @ directions).unsqueeze(-1) * nodes
    error = (angles.cos().mean(0) - gaussian_cf).square() + angles.sin().mean(0).square()
    return (z.shape[0] * (error @ (trapezoid * gaussian_cf))).mean()


def library_sigreg(z: torch.Tensor, directions: torch.Tensor) -> torch.Tensor:
    """``worldmodels.regularizers.SIGReg`` on the same directions."""
    return SIGReg(num_slices=directions.shape[1], t_max=T_MAX, num_points=NUM_POINTS)(z, directions=directions)


def inputs(n: int, d: int, m: int) -> tuple[torch.Tensor, torch.Tensor]:
    """z (N, D) requiring grad and unit directions (D, M), float32, seeded."""
    torch.manual_seed(0)
    return torch.randn(n, d).requires_grad_(), random_directions(d, m, seed=0)


def forward_backward(fn: Any, z: torch.Tensor, directions: torch.Tensor) -> tuple[float, torch.Tensor]:
    """Loss value and dL/dz (N, D) of one forward + backward."""
    z.grad = None
    value = fn(z, directions)
    value.backward()
    return value.item(), z.grad


def baseline_fits(n: int, m: int) -> bool:
    return 6 * n * m * NUM_POINTS * 4 <= BASELINE_LIMIT_BYTES


def relative(a: torch.Tensor | float, b: torch.Tensor | float) -> float:
    """max |a − b| / max |b|."""
    a, b = torch.as_tensor(a, dtype=torch.float64), torch.as_tensor(b, dtype=torch.float64)
    return float((a - b).abs().max() / b.abs().max())


def measure(n: int, d: int, m: int, repeats: int) -> dict[str, Any]:
    """Times (s), peaks (bytes) and agreement of both implementations at one configuration."""
    z, directions = inputs(n, d, m)
    z64, directions64 = z.detach().double().requires_grad_(), directions.double()
    reference_value, reference_grad = forward_backward(library_sigreg, z64, directions64)
    impls = {"library": library_sigreg}
    if baseline_fits(n, m):
        impls["straightforward"] = straightforward_sigreg
    results = {name: forward_backward(fn, z, directions) for name, fn in impls.items()}  # also the warm-up
    times = interleaved_times({name: (lambda fn=fn: forward_backward(fn, z, directions)) for name, fn in impls.items()}, repeats, warmup=0)
    row: dict[str, Any] = {"N": n, "D": d, "M": m, "T": NUM_POINTS, "nmt_bytes": n * m * NUM_POINTS * 4, "repeats": repeats}
    for name, fn in impls.items():
        value, grad = results[name]
        z.grad = None  # freed before the window, so the peak counts only what the call allocates
        row[name] = {
            "seconds": times[name],
            "median_s": median(times[name]),
            "peak_bytes": allocator_peak_bytes(lambda fn=fn: forward_backward(fn, z, directions)),
            "value": value,
            "value_rel_err_vs_float64": relative(value, reference_value),
            "grad_rel_err_vs_float64": relative(grad, reference_grad),
        }
    if "straightforward" in impls:
        row["speedup"] = row["straightforward"]["median_s"] / row["library"]["median_s"]
        row["value_rel_diff"] = relative(results["library"][0], results["straightforward"][0])
        row["grad_rel_diff"] = relative(results["library"][1], results["straightforward"][1])
    return row


def rss_probe(impl: str, n: int, d: int, m: int) -> None:
    """Child-process entry: print the resident-set peak (bytes) of one forward + backward as JSON."""
    fn = library_sigreg if impl == "library" else straightforward_sigreg
    forward_backward(fn, *inputs(8, d, 8))  # lazy initialisation (thread pools, kernels) outside the window
    z, directions = inputs(n, d, m)
    print(json.dumps({"rss_peak_bytes": rss_peak_bytes(lambda: forward_backward(fn, z, directions))}))


def rss_curve(ns: list[int], d: int, m: int) -> list[dict[str, Any]]:
    """Resident-set peaks along N, each from a fresh ``python bench_sigreg.py --rss-probe`` process."""
    points = []
    for n in ns:
        point: dict[str, Any] = {"N": n, "D": d, "M": m}
        for impl in ("library", "straightforward"):
            if impl == "library" or baseline_fits(n, m):
                command = [sys.executable, __file__, "--rss-probe", impl, str(n), str(d), str(m), str(torch.get_num_threads())]
                output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
                point[impl] = json.loads(output.strip().splitlines()[-1])["rss_peak_bytes"]
        points.append(point)
    return points


def plot_memory(rows: list[dict[str, Any]], curve: list[dict[str, Any]], d: int, m: int, path: Any) -> None:
    """Peak extra memory against N at (D, M): both implementations, both methods, and the 2 · N·M·T bar."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    line = sorted((r for r in rows if r["D"] == d and r["M"] == m), key=lambda r: r["N"])
    fig, ax = plt.subplots(figsize=(6, 4))
    mib = 2**20
    for impl, colour in (("library", "tab:blue"), ("straightforward", "tab:red")):
        ns = [r["N"] for r in line if impl in r]
        ax.plot(ns, [r[impl]["peak_bytes"] / mib for r in line if impl in r], "o-", color=colour, label=f"{impl} (torch allocator)")
        rss = [p for p in curve if impl in p]
        ax.plot([p["N"] for p in rss], [p[impl] / mib for p in rss], "x--", color=colour, label=f"{impl} (resident set)")
    ax.plot([r["N"] for r in line], [2 * r["nmt_bytes"] / mib for r in line], ":", color="gray", label="bar: 2 N·M·T float32")
    ax.set(xlabel="N (samples)", ylabel="peak extra memory (MiB)", title=f"SIGReg forward + backward, D={d}, M={m}, T={NUM_POINTS}")
    ax.legend(fontsize=7)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--rss-probe":
        torch.set_num_threads(int(sys.argv[6]))
        rss_probe(sys.argv[2], *map(int, sys.argv[3:6]))
        return
    args = parse_args(__doc__.splitlines()[0])
    grid = SMOKE_GRID if args.smoke else GRID
    rows = []
    for m in grid["M"]:
        for d in grid["D"]:
            for n in grid["N"]:
                repeats = 1 if args.smoke else (5 if n * m <= 2048 * 1024 else 3)
                rows.append(measure(n, d, m, repeats))
                release_memory()
                row = rows[-1]
                print(
                    f"N={n} D={d} M={m}: library {row['library']['median_s'] * 1e3:.1f} ms"
                    + (
                        f", straightforward {row['straightforward']['median_s'] * 1e3:.1f} ms, x{row['speedup']:.2f}"
                        if "speedup" in row
                        else ""
                    ),
                    flush=True,
                )
    headline_size = SMOKE_HEADLINE if args.smoke else HEADLINE
    curve = rss_curve(grid["N"], *headline_size[1:])
    plot_path = args.out / "sigreg_memory.png" if args.smoke else BENCH_DIR / "sigreg_memory.png"
    args.out.mkdir(parents=True, exist_ok=True)
    plot_memory(rows, curve, *headline_size[1:], plot_path)
    headline = next(r for r in rows if (r["N"], r["D"], r["M"]) == headline_size)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # one thread: not slowed by waiting for a core that another process holds
    single_thread = measure(*headline_size, repeats=1 if args.smoke else 5)
    torch.set_num_threads(threads)
    write_json(
        args.out,
        "sigreg",
        {
            "settings": {"T": NUM_POINTS, "t_max": T_MAX, "seed": 0, "bar": BAR, "headline": headline_size, "smoke": args.smoke},
            "rows": rows,
            "rss_curve": curve,
            "headline": headline,
            "headline_one_thread": single_thread,
        },
    )


if __name__ == "__main__":
    main()
