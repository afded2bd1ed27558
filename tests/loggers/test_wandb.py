"""W&B falls back to offline without credentials or without a server that answers, and never needs the network in tests
(the "servers" are local sockets)."""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from worldmodels.loggers import has_wandb_credentials, wandb_logger
from worldmodels.loggers.wandb import WandbUnreachableError, choose_mode, server_address


def test_auto_mode_goes_offline_without_credentials(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
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


@pytest.fixture
def credentials_and_server(monkeypatch: pytest.MonkeyPatch) -> Callable[[int], None]:
    """``point_at(port)``: W&B credentials in the environment and WANDB_BASE_URL at http://127.0.0.1:<port>, no proxy."""
    monkeypatch.setenv("WANDB_API_KEY", "x" * 40)
    monkeypatch.delenv("WANDB_MODE", raising=False)
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    return lambda port: monkeypatch.setenv("WANDB_BASE_URL", f"http://127.0.0.1:{port}")


def closed_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_auto_mode_with_credentials_goes_offline_quickly_when_the_server_does_not_answer(
    tmp_path: Path, credentials_and_server: Callable[[int], None], caplog: pytest.LogCaptureFixture
) -> None:
    credentials_and_server(closed_port())
    start = time.perf_counter()
    with caplog.at_level(logging.WARNING):
        logger = wandb_logger(project="test", save_dir=str(tmp_path), group="g", connect_timeout_s=2)
    assert time.perf_counter() - start < 3
    assert logger._wandb_init["mode"] == "offline"
    assert "unreachable" in caplog.text and f"wandb sync {tmp_path}/wandb/offline-run-*" in caplog.text


def test_auto_mode_with_credentials_stays_online_when_the_server_answers(
    credentials_and_server: Callable[[int], None], tmp_path: Path
) -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        credentials_and_server(server.getsockname()[1])
        assert choose_mode("auto", str(tmp_path), connect_timeout_s=2) == "online"
        assert choose_mode("online", str(tmp_path), connect_timeout_s=2) == "online"


def test_online_mode_fails_fast_when_the_server_does_not_answer(credentials_and_server: Callable[[int], None], tmp_path: Path) -> None:
    credentials_and_server(closed_port())
    start = time.perf_counter()
    with pytest.raises(WandbUnreachableError, match=r"WANDB_BASE_URL.*mode=auto.*mode=offline"):
        choose_mode("online", str(tmp_path), connect_timeout_s=2)
    assert time.perf_counter() - start < 3
    assert choose_mode("offline", str(tmp_path)) == "offline"  # needs no server


def test_connection_goes_to_the_proxy_unless_bypassed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.setenv("https_proxy", "http://proxy.example:3128")
    assert server_address("https://api.wandb.ai") == ("proxy.example", 3128)
    monkeypatch.setenv("no_proxy", "api.wandb.ai")
    assert server_address("https://api.wandb.ai") == ("api.wandb.ai", 443)
    with pytest.raises(ValueError, match="WANDB_BASE_URL"):
        server_address("api.wandb.ai")


def test_online_runs_get_a_bounded_init_timeout(credentials_and_server: Callable[[int], None], tmp_path: Path) -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        credentials_and_server(server.getsockname()[1])
        logger = wandb_logger(project="test", save_dir=str(tmp_path), init_timeout_s=7)
    assert logger._wandb_init["mode"] == "online" and logger._wandb_init["settings"].init_timeout == 7
