"""Render results/*.json as the markdown tables of experiments/benchmarks/README.md (between the result markers).

python experiments/benchmarks/report.py                                  # results/ -> README.md
python experiments/benchmarks/report.py --results DIR --readme FILE      # elsewhere (the smoke test)
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from common import BENCH_DIR, RESULTS_DIR

BEGIN, END = "<!-- results:begin (written by report.py) -->", "<!-- results:end -->"
LOADED = 0.1  # other processes using more than this share of the CPUs during a run mark its figures as taken under load
MIB = 2**20


def table(headers: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    return "\n".join(lines + ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows])


def machine_lines(results: dict[str, dict[str, Any]]) -> list[str]:
    """One row per benchmark: where and when it ran, and how loaded the machine was."""
    rows, loaded = [], []
    for name, result in results.items():
        m = result["machine"]
        loads = [m["load_average_1m_start"], *m["load_average_end"]]
        share = m.get("other_cpu_share")
        rows.append(
            [
                name,
                m["cpu"],
                m["cores"],
                m["torch"],
                m["threads"],
                m["date"],
                m["git"],
                " / ".join(f"{x:.2f}" for x in loads),
                "n/a" if share is None else f"{100 * share:.0f} %",
            ]
        )
        if share is None or share > LOADED:
            loaded.append(name)
    headers = [
        "benchmark",
        "CPU",
        "cores",
        "torch",
        "threads",
        "date",
        "commit",
        "load: 1 min at start / 1, 5, 15 min at end",
        "CPU used by other processes",
    ]
    lines = [table(headers, rows)]
    if loaded:
        lines.append(
            f"\n**Taken under load** ({', '.join(loaded)}: other processes used more than {100 * LOADED:.0f} % of the CPUs, "
            "or not recorded): "
            "absolute times are inflated and noisy; the ratios are measured in the same process but still suffer. "
            "Re-run `make bench` on a quiet machine."
        )
    return lines


def sigreg_section(result: dict[str, Any]) -> list[str]:
    bar = result["settings"]["bar"]
    lines = ["### SIGReg forward + backward", ""]
    threads = result["machine"]["threads"]
    for key, label in (("headline", f"{threads} threads"), ("headline_one_thread", "1 thread"))[: 1 if threads == 1 else 2]:
        head = result.get(key)
        if not head or "speedup" not in head:
            continue
        over = head["library"]["peak_bytes"] / head["nmt_bytes"]
        lib_ms, base_ms = head["library"]["median_s"] * 1e3, head["straightforward"]["median_s"] * 1e3
        checks = [
            f"×{head['speedup']:.2f} faster ({lib_ms:.0f} vs {base_ms:.0f} ms; bar ≥ {bar['speedup']})",
            f"library peak {over:.2f} × N·M·T float32 (bar ≤ {bar['peak_over_nmt']}; "
            f"straightforward {head['straightforward']['peak_bytes'] / head['nmt_bytes']:.2f} ×)",
            f"loss rel. diff {head['value_rel_diff']:.1e}, gradient rel. diff {head['grad_rel_diff']:.1e} (bar ≤ {bar['rel_diff']:g})",
        ]
        passed = head["speedup"] >= bar["speedup"] and over <= bar["peak_over_nmt"] and head["value_rel_diff"] <= bar["rel_diff"]
        verdict = "passes" if passed else "fails"
        lines += [f"Headline N = {head['N']}, D = {head['D']}, M = {head['M']}, {label}: " + "; ".join(checks) + f" — **{verdict}**.", ""]
    rows = []
    for r in result["rows"]:
        lib, base = r["library"], r.get("straightforward")
        rows.append(
            [
                r["N"],
                r["D"],
                r["M"],
                f"{lib['median_s'] * 1e3:.1f}",
                f"{base['median_s'] * 1e3:.1f}" if base else "skipped",
                f"×{r['speedup']:.2f}" if base else "",
                f"{lib['peak_bytes'] / MIB:.0f} ({lib['peak_bytes'] / r['nmt_bytes']:.2f}×)",
                f"{base['peak_bytes'] / MIB:.0f} ({base['peak_bytes'] / r['nmt_bytes']:.2f}×)" if base else "",
                f"{r['value_rel_diff']:.1e} / {r['grad_rel_diff']:.1e}" if base else "",
                f"{lib['value_rel_err_vs_float64']:.1e}" + (f" / {base['value_rel_err_vs_float64']:.1e}" if base else ""),
            ]
        )
    lines.append(
        table(
            [
                "N",
                "D",
                "M",
                "library ms",
                "straightforward ms",
                "speed-up",
                "library peak MiB (× N·M·T·4 B)",
                "straightforward peak MiB",
                "rel. diff loss / grad",
                "loss rel. err vs float64: library / straightf.",
            ],
            rows,
        )
    )
    curve = result.get("rss_curve") or []
    if curve:
        d, m = curve[0]["D"], curve[0]["M"]
        lines += [
            "",
            f"Resident-set peak (fresh process per point) along N at D = {d}, M = {m}, MiB: "
            + ", ".join(
                f"N={p['N']}: {p['library'] / MIB:.0f}" + (f" vs {p['straightforward'] / MIB:.0f}" if "straightforward" in p else "")
                for p in curve
            )
            + ". Curve: `sigreg_memory.png`.",
        ]
    return lines


def training_section(result: dict[str, Any]) -> list[str]:
    lines = ["### Training throughput", ""]
    for name, r in result["experiments"].items():
        medians = r["median_samples_per_s"]
        rows = [
            [variant, f"{rate:.1f}", f"{rate / medians['lightning']:.2f}", f"{r['first_step_s'][variant]:.1f}"]
            for variant, rate in medians.items()
        ]
        rows += [[kind, f"{rate:.0f}", f"{rate / medians['lightning']:.1f}", ""] for kind, rate in r["loader_samples_per_s"].items()]
        lines += [
            f"**{name}** (`{' '.join(r['overrides']) or 'defaults'}`; batch {r['batch_size']} {r['unit']}; {r['threads']} threads; "
            f"median of {r['rounds']} rounds of {r['timed_steps']} steps after {r['warmup_steps']} warm-up steps). "
            f"Lightning overhead over the bare loop: **{r['lightning_overhead'] * 100:+.1f} %** (bar ≤ 5 %); first-step loss rel. diff "
            f"{r['first_loss_rel_diff']:.1e}.",
            "",
            table(["variant", "samples/s", "× lightning", "first step s (incl. setup, compile)"], rows),
            "",
        ]
    return lines


def budget_text(budget: dict[str, Any]) -> str:
    """A planner's budget in one cell: its solver's, and its search's when it has one."""
    solver, search = budget["solver"], budget["search"]
    text = f"H={solver['horizon']}, {solver['samples']} samples × {solver['iterations']} it."
    return f"search ≤ {search['max_nodes']} nodes of {search['macro_steps']} steps; solver: {text}" if search else text


def planning_section(result: dict[str, Any]) -> list[str]:
    ckpt = result["settings"]["ckpt"]
    headers = [
        "planner",
        "default budget",
        "batched ms / re-plan call",
        "batched ms / episode",
        "one episode per call, ms",
        "batching speed-up",
    ]
    if ckpt:
        headers += ["success (95% CI)", "success / planning minute"]
    rows = []
    for name, r in result["planners"].items():
        budget = budget_text(r["budget"])
        rows.append(
            [
                name,
                budget,
                f"{r['batched_median_s_per_call'] * 1e3:.0f} ({r['episodes_per_batch']} episodes)",
                f"{r['batched_median_s_per_episode'] * 1e3:.1f}",
                f"{r['single_median_s_per_episode'] * 1e3:.1f}",
                f"×{r['batching_speedup']:.1f}",
            ]
        )
        if ckpt:
            low, high = r["success_ci95"]
            rows[-1] += [f"{r['success_rate']:.2f} ({low:.2f}–{high:.2f})", f"{r['success_per_planning_minute']:.3f}"]
    model = f"world model `{ckpt}`" if ckpt else "randomly initialised Two Rooms world model: timing only"
    return [f"### Planning ({model})", "", table(headers, rows)]


SECTIONS = {"sigreg": sigreg_section, "training": training_section, "planning": planning_section}


def render(results_dir: Path) -> str:
    results = {name: json.loads((results_dir / f"{name}.json").read_text()) for name in SECTIONS if (results_dir / f"{name}.json").exists()}
    lines = machine_lines(results)
    for name, result in results.items():
        lines += ["", *SECTIONS[name](result)]
    return "\n".join(lines).rstrip() + "\n"


def write_readme(readme: Path, body: str) -> None:
    """Replace what lies between the result markers of ``readme`` with ``body`` (append the markers if missing)."""
    text = readme.read_text() if readme.exists() else ""
    if BEGIN in text and END in text:
        text = text[: text.index(BEGIN)] + f"{BEGIN}\n{body}{END}" + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip() + f"\n\n{BEGIN}\n{body}{END}\n"
    readme.write_text(text)
    print(f"wrote {readme}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=RESULTS_DIR)
    parser.add_argument("--readme", type=Path, default=BENCH_DIR / "README.md")
    args = parser.parse_args()
    write_readme(args.readme, render(args.results))


if __name__ == "__main__":
    main()
