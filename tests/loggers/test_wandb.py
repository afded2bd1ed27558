"""W&B falls back to offline without credentials and never needs the network in tests."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from worldmodels.loggers import has_wandb_credentials, wandb_logger


def test_auto_mode_goes_offline_without_credentials(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.delenv("WANDB_API_KEY", raising=False)
    monkeypatch.delenv("WANDB_MODE", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("NETRC", str(tmp_path / ".netrc"))
    assert not has_wandb_credentials()
    with caplog.at_level(logging.WARNING):
        logger = wandb_logger(project="test", save_dir=str(tmp_path), group="g")
    assert logger._wandb_init["mode"] == "offline"
    assert "wandb sync" in caplog.text


def test_environment_mode_wins_and_bad_mode_is_rejected(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WANDB_MODE", "disabled")
    assert wandb_logger(project="test", save_dir=str(tmp_path))._wandb_init["mode"] == "disabled"
    with pytest.raises(ValueError, match="known"):
        wandb_logger(project="test", save_dir=str(tmp_path), mode="cloud")


def test_api_key_counts_as_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WANDB_API_KEY", "x" * 40)
    assert has_wandb_credentials()
