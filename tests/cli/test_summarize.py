"""`worldmodels summarize` on fake job dirs: mean ± std over seeds per setting, CSV, plot, failed jobs."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import pytest

from worldmodels.cli.summarize import main, summarize
from worldmodels.runs.failures import record_failure
from worldmodels.runs.sweep import collect_jobs, lookup, parse_overrides, summarize_jobs

ACCURACIES = {("sigreg", "0"): 0.80, ("sigreg", "1"): 0.82, ("vicreg", "0"): 0.70, ("vicreg", "1"): 0.74, ("vicreg", "2"): 0.72}


def fake_job(job_dir: Path, overrides: list[str], results: dict | None) -> Path:
    job_dir.mkdir(parents=True)
    (job_dir / "overrides.txt").write_text("\n".join(overrides) + "\n")
    if results is not None:
        (job_dir / "results.json").write_text(json.dumps(results))
    return job_dir


@pytest.fixture
def sweep(tmp_path: Path) -> Path:
    """A regularizer × seed sweep with a shared fixed override, plus one failed job."""
    root = tmp_path / "sweep"
    for num, ((regularizer, seed), accuracy) in enumerate(ACCURACIES.items()):
        fake_job(
            root / str(num),
            [f"regularizer={regularizer}", f"seed={seed}", "debug=smoke"],
            {"seed": int(seed), "frozen_probe": {"trained": {"accuracy": accuracy}}, "final_metrics": {"val/probe_acc": accuracy / 2}},
        )
    failed = fake_job(root / "5", ["regularizer=ema", "seed=0", "debug=smoke"], None)
    try:
        raise RuntimeError("out of memory")
    except RuntimeError as error:
        record_failure(failed, error, ["regularizer=ema", "seed=0", "debug=smoke"])
    return root


def test_settings_average_over_seeds_and_count_failures(sweep: Path) -> None:
    keys, settings = summarize_jobs(collect_jobs(sweep), "frozen_probe.trained.accuracy")
    assert keys == ["regularizer"]  # debug=smoke is shared, seed is averaged over
    by_name = {s.values["regularizer"]: s for s in settings}
    assert by_name["sigreg"].mean == pytest.approx(0.81) and by_name["sigreg"].std == pytest.approx(math.sqrt(0.0002))
    assert by_name["vicreg"].mean == pytest.approx(0.72) and by_name["vicreg"].std == pytest.approx(0.02)
    assert sorted(by_name["vicreg"].seeds) == ["0", "1", "2"]
    assert by_name["ema"].failed == 1 and not by_name["ema"].metrics


def test_summary_files_table_csv_plot(sweep: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main([str(sweep)])
    table = (sweep / "summary.md").read_text()
    assert "| sigreg | 2 | 0.8100 ± 0.0141 | 0 |" in table
    assert "| vicreg | 3 | 0.7200 ± 0.0200 | 0 |" in table
    assert "6 jobs, 1 failed" in table and "RuntimeError: out of memory" in table
    assert "sigreg" in capsys.readouterr().out
    rows = list(csv.DictReader(open(sweep / "summary.csv")))
    assert [r["regularizer"] for r in rows] == ["ema", "sigreg", "vicreg"]
    assert float(rows[2]["frozen_probe.trained.accuracy_mean"]) == pytest.approx(0.72)
    assert (sweep / "summary.png").stat().st_size > 1000


def test_other_metric_numeric_sweep_and_out_dir(tmp_path: Path) -> None:
    for num, (lr, seed) in enumerate([("1e-3", 0), ("1e-3", 1), ("3e-3", 0), ("3e-3", 1)]):
        fake_job(tmp_path / "s" / str(num), [f"model.lr={lr}", f"seed={seed}"], {"final_metrics": {"val/probe_acc": 0.5 + num / 10}})
    written = summarize(tmp_path / "s", metric="final_metrics.val/probe_acc", out_dir=tmp_path / "out")
    assert written["plot"].parent == tmp_path / "out" and written["plot"].is_file()
    assert "| 3e-3 | 2 | 0.7500 ± 0.0707 | 0 |" in written["markdown"].read_text()


def test_helpers() -> None:
    assert parse_overrides(["seed=1", "+model.lr=1e-3", "~data.augment", ""]) == {
        "seed": "1",
        "model.lr": "1e-3",
        "data.augment": "<deleted>",
    }
    assert lookup({"final_metrics": {"val/probe_acc": 0.5}}, "final_metrics.val/probe_acc") == 0.5
    assert lookup({"a": {"b": "text"}}, "a.b") is None


def test_empty_dir_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no job dir"):
        summarize(tmp_path)


def test_several_labelled_metrics_make_columns_and_panels(sweep: Path) -> None:
    main([str(sweep), "--metric", "linear=frozen_probe.trained.accuracy", "--metric", "online=final_metrics.val/probe_acc"])
    table = (sweep / "summary.md").read_text()
    assert "| regularizer | seeds | linear (mean ± std) | online (mean ± std) | failed |" in table
    assert "| vicreg | 3 | 0.7200 ± 0.0200 | 0.3600 ± 0.0100 | 0 |" in table
    rows = {r["regularizer"]: r for r in csv.DictReader(open(sweep / "summary.csv"))}
    assert float(rows["sigreg"]["online_mean"]) == pytest.approx(0.405)
    assert rows["vicreg"]["linear_per_seed"] == "0:0.7;1:0.74;2:0.72"
