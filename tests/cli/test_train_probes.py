"""`python train.py probe=<option>`: every probe of the group scores the trained encoder at the end of a run."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import torch
from hydra import compose, initialize_config_dir
from hydra.utils import instantiate
from omegaconf import DictConfig

from worldmodels.cli.train import run_training
from worldmodels.evaluation import extract_features
from worldmodels.evaluation.frozen_probe import pool_tokens
from worldmodels.paths import CONFIG_DIR


@pytest.mark.parametrize("probe", ["knn", "attentive", "grid"])
def test_each_probe_runs_after_training(make_cfg: Callable[..., DictConfig], probe: str) -> None:
    cfg = make_cfg(f"probe={probe}", "debug=fdr", "encoder.widths=[8,16]", "evaluate.random_init_baseline=false")
    if probe != "knn":
        cfg.probe.epochs = 1
    trained = run_training(cfg, Path(cfg.paths.output_dir), [])["frozen_probe"]["trained"]
    assert trained["feature_dim"] == 16 and (trained["train_samples"], trained["test_samples"]) == (512, 256)
    if probe == "knn":  # no training of its own: 0.38 measured, chance is 0.1 (the fake classes differ by a bright band)
        assert trained["accuracy"] > 0.25
    if probe == "grid":
        assert len(trained["grid"]) == len(cfg.probe.lr) * len(cfg.probe.weight_decay)
        assert trained["accuracy"] == max(entry["accuracy"] for entry in trained["grid"])


def test_extra_probes_share_features_and_random_init_results_are_cached(
    make_cfg: Callable[..., DictConfig], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "random_init"
    overrides = (
        "debug=fdr",
        "encoder.widths=[8,16]",
        "+probe@evaluate.extra_probes.attentive=attentive",
        "evaluate.extra_probes.attentive.epochs=1",
        "evaluate.probe_train_images=64",
        f"evaluate.random_init_cache={cache}",
    )
    first = run_training(make_cfg(*overrides), tmp_path / "first", [])
    assert set(first["frozen_probe"]) == set(first["extra_probes"]["attentive"]) == {"trained", "random_init"}
    assert first["extra_probes"]["attentive"]["trained"]["train_samples"] == 64
    (entry,) = cache.iterdir()

    calls = []
    monkeypatch.setattr(
        "worldmodels.pipelines.pretrain.frozen_probe_reports",
        lambda _enc, _data, probes, *rest: calls.append(probes) or {n: {"accuracy": 0.5} for n in probes},
    )
    cfg = make_cfg(*overrides, "evaluate.frozen_probe=false")
    second = run_training(cfg, tmp_path / "second", [])
    assert not calls  # the second run's baseline came from the cache
    assert second["frozen_probe"]["random_init"] == first["frozen_probe"]["random_init"]
    cfg = make_cfg(*overrides, "evaluate.frozen_probe=false", "seed=1")
    run_training(cfg, tmp_path / "third", [])
    assert len(calls) == 1 and len(list(cache.iterdir())) == 2  # another seed is another baseline


@pytest.mark.parametrize("encoder", ["convnet", "vit_tiny"])
def test_pooled_features_from_extracted_tokens_equal_pooled_extraction(encoder: str) -> None:
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        cfg = compose(
            config_name="train", overrides=[f"encoder={encoder}", "encoder.depth=2"] if encoder == "vit_tiny" else [f"encoder={encoder}"]
        )
    net = instantiate(cfg.encoder).eval()
    batches = [{"image": torch.randn(5, 1, 28, 28), "label": torch.arange(5)} for _ in range(2)]
    tokens, _ = extract_features(net, batches, lambda x: x, tokens=True)
    pooled, _ = extract_features(net, batches, lambda x: x, tokens=False)
    assert torch.allclose(pool_tokens(net, tokens, chunk=3), pooled, atol=1e-5)
