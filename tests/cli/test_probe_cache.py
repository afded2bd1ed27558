"""The probe's feature cache: keyed by the data's files as well as its config, and a cache folder that cannot be
written is named up front with the key that moves it (no training here: a dummy checkpoint file is enough)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import torch
from hydra import compose, initialize_config_dir
from omegaconf import open_dict

from worldmodels.evaluation import CacheDirError, check_cache_dir, evaluate_checkpoint, feature_cache_path
from worldmodels.paths import CONFIG_DIR


def add_images(folder: Path, count: int) -> None:
    (folder / "train" / "cat").mkdir(parents=True, exist_ok=True)
    start = len(list((folder / "train" / "cat").iterdir()))
    for i in range(start, start + count):
        (folder / "train" / "cat" / f"{i}.png").write_bytes(b"png" * (i + 1))


def test_the_cache_path_changes_when_the_data_folder_grows(tmp_path: Path) -> None:
    checkpoint = tmp_path / "last.ckpt"
    checkpoint.write_bytes(b"weights")
    data = tmp_path / "images"
    add_images(data, 16)
    fingerprint = {
        "encoder": {"_target_": "ConvNet"},
        "data": {"_target_": "ImageFolderDataModule", "root": str(data), "test_subset": None},
    }
    before = feature_cache_path(tmp_path / "cache", checkpoint, "train", False, fingerprint)
    assert feature_cache_path(tmp_path / "cache", checkpoint, "train", False, fingerprint) == before
    add_images(data, 32)  # 48 images now, under the same data config
    assert feature_cache_path(tmp_path / "cache", checkpoint, "train", False, fingerprint) != before


def probe_cfg(ckpt: Path, out: Path, *overrides: str):
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        cfg = compose(config_name="probe_eval", overrides=[f"ckpt={ckpt}", "device=cpu", *overrides])
    with open_dict(cfg):
        cfg.paths.output_dir = str(out)
    return cfg


def read_only_checkpoint(tmp_path: Path) -> Path:
    folder = tmp_path / "shared" / "checkpoints"
    folder.mkdir(parents=True)
    torch.save({"state_dict": {}}, folder / "last.ckpt")  # no weights: the cache check comes before they are loaded
    return folder / "last.ckpt"


def test_an_unwritable_cache_dir_is_refused_before_loading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    checkpoint = read_only_checkpoint(tmp_path)
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode, **kw: False if Path(path) == checkpoint.parent else real_access(path, mode, **kw))
    with pytest.raises(
        CacheDirError, match=rf"cannot cache extracted features in {checkpoint.parent / 'features'}: .*Set cache_dir=<a writable folder>"
    ):
        evaluate_checkpoint(probe_cfg(checkpoint, tmp_path / "out"), tmp_path / "out", [])
    elsewhere = tmp_path / "elsewhere" / "cache"
    assert check_cache_dir(elsewhere, key="cache_dir") == elsewhere  # a folder still to be made in a writable one is fine
    (tmp_path / "a_file").write_text("")
    with pytest.raises(CacheDirError, match="is not a folder"):
        check_cache_dir(tmp_path / "a_file" / "cache", key="cache_dir")
