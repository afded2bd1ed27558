"""Weights & Biases through Lightning's WandbLogger, falling back to offline mode without credentials or without a
server that answers."""

from __future__ import annotations

import logging
import netrc
import os
import socket
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from pytorch_lightning.loggers import WandbLogger

log = logging.getLogger(__name__)
MODES = ("auto", "online", "offline", "disabled")
DEFAULT_BASE_URL = "https://api.wandb.ai"  # when the installed wandb does not name its own default


class WandbUnreachableError(ConnectionError):
    """``mode="online"`` and the W&B server does not answer: failing now beats a long stall inside ``wandb.init``."""


def server_url() -> str:
    """The W&B server the run would log to: ``WANDB_BASE_URL``, else the installed wandb's default."""
    import wandb  # here, not at the top: importing wandb takes a second that runs without W&B need not pay

    field = getattr(wandb.Settings, "model_fields", {}).get("base_url")
    return os.environ.get("WANDB_BASE_URL") or getattr(field, "default", None) or DEFAULT_BASE_URL


def has_wandb_credentials() -> bool:
    """True when an API key is in the environment or in ~/.netrc for api.wandb.ai or the host of ``server_url()``."""
    if os.environ.get("WANDB_API_KEY"):
        return True
    try:
        entries = netrc.netrc()
    except (FileNotFoundError, netrc.NetrcParseError):
        return False
    hosts = {"api.wandb.ai", urlsplit(server_url()).netloc}
    return any(entries.authenticators(host) is not None for host in hosts if host)


def server_address(url: str) -> tuple[str, int]:
    """(host, port) a connection to ``url`` opens first: its HTTP(S) proxy's when one applies (``HTTPS_PROXY``, ...,
    minus ``NO_PROXY``), else the URL's own (port 443 for https, 80 for http, unless the URL names one)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"W&B server URL {url!r} (WANDB_BASE_URL) is not an http(s)://host[:port] URL")
    proxy = urllib.request.getproxies().get(parts.scheme)
    if proxy and not urllib.request.proxy_bypass(parts.hostname):
        proxy_parts = urlsplit(proxy if "://" in proxy else f"http://{proxy}")
        if proxy_parts.hostname:
            return proxy_parts.hostname, proxy_parts.port or (443 if proxy_parts.scheme == "https" else 80)
    return parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)


def unreachable_reason(url: str, timeout_s: float) -> str | None:
    """Why a TCP connection to the W&B server at ``url`` (or its proxy) failed within ``timeout_s`` seconds; None when
    it opened. A bounded stand-in for ``wandb.init``'s own check, which stalls ~100 s before it fails the run."""
    host, port = server_address(url)
    try:
        with socket.create_connection((host, port), timeout=timeout_s):
            return None
    except OSError as error:  # refused, timed out, no route, unknown host
        return f"{host}:{port} did not accept a connection within {timeout_s:g} s ({type(error).__name__}: {error})"


def choose_mode(mode: str, save_dir: str, connect_timeout_s: float = 5.0) -> str:
    """The W&B mode a run logs in, from the configured ``mode`` and what is reachable.

    ``WANDB_MODE`` in the environment wins over ``mode``, as W&B users expect. ``"auto"`` runs online when there are
    credentials and the server accepts a connection within ``connect_timeout_s`` seconds, and offline (with a
    `wandb sync` hint) otherwise: a run never stalls or dies for want of a network. ``"online"`` is a request to log
    live, so an unreachable server raises ``WandbUnreachableError`` at once (naming ``WANDB_BASE_URL`` and the other
    modes) instead of silently logging offline. ``"offline"`` and ``"disabled"`` need nothing.
    """
    if mode not in MODES:
        raise ValueError(f"unknown W&B mode {mode!r}; known: {list(MODES)}")
    if connect_timeout_s <= 0:
        raise ValueError(f"logger.wandb.connect_timeout_s={connect_timeout_s}; it must be a positive number of seconds")
    mode = os.environ.get("WANDB_MODE", mode)
    sync_hint = f"Upload later with `wandb sync {save_dir}/wandb/offline-run-*`"
    if mode == "auto" and not has_wandb_credentials():
        log.warning("No W&B credentials found: logging offline. %s", sync_hint)
        return "offline"
    if mode not in ("auto", "online"):
        return mode
    url = server_url()
    reason = unreachable_reason(url, connect_timeout_s)
    if reason is None:
        return "online"
    if mode == "online":
        raise WandbUnreachableError(
            f"W&B mode is online but the server {url} (WANDB_BASE_URL) is unreachable: {reason}. Fix the network or "
            "WANDB_BASE_URL, or run with logger.wandb.mode=auto (offline when the server does not answer) or "
            "logger.wandb.mode=offline, then `wandb sync` the run dir's wandb/offline-run-* folder."
        )
    log.warning("W&B server %s is unreachable (%s): logging offline. %s", url, reason, sync_hint)
    return "offline"


def sweep_group_and_tags(group: str | None, tags: list[str]) -> tuple[str | None, list[str]]:
    """In a Hydra multirun: ``group`` + "/" + the sweep dir's name, and ``tags`` + the job's overrides (W&B's 64-character
    limit); outside one, both unchanged."""
    if not HydraConfig.initialized() or HydraConfig.get().mode != RunMode.MULTIRUN:
        return group, tags
    hydra_cfg = HydraConfig.get()
    sweep = Path(str(hydra_cfg.sweep.dir)).name
    return f"{group}/{sweep}" if group else sweep, [*tags, *(o[:64] for o in hydra_cfg.overrides.task)]


def init_settings(init_timeout_s: float) -> Any | None:
    """``wandb.Settings`` bounding ``wandb.init`` to ``init_timeout_s`` seconds, or None when the installed wandb has
    no ``init_timeout`` setting."""
    import wandb

    if "init_timeout" not in getattr(wandb.Settings, "model_fields", {}):
        return None
    return wandb.Settings(init_timeout=init_timeout_s)


def wandb_logger(
    project: str,
    save_dir: str,
    group: str | None = None,
    job_type: str = "train",
    mode: str = "auto",
    tags: Sequence[str] = (),
    sweep_group: bool = True,
    connect_timeout_s: float = 5.0,
    init_timeout_s: float = 60.0,
    **kwargs: Any,
) -> WandbLogger:
    """A WandbLogger in the mode ``choose_mode`` picks (``"auto"``: online when credentials and a server that answers
    within ``connect_timeout_s`` seconds, else offline with a `wandb sync` hint; ``"online"`` fails fast without one).

    ``wandb.init`` gives up after ``init_timeout_s`` seconds (unless ``kwargs`` bring their own ``settings``). With
    ``sweep_group`` the jobs of a multirun share one group per sweep and carry their overrides as tags
    (``sweep_group_and_tags``).
    """
    tags = list(tags)
    if sweep_group:
        group, tags = sweep_group_and_tags(group, tags)
    mode = choose_mode(mode, save_dir, connect_timeout_s)
    if mode in ("online", "offline") and "settings" not in kwargs and (settings := init_settings(init_timeout_s)) is not None:
        kwargs["settings"] = settings
    Path(save_dir).mkdir(parents=True, exist_ok=True)
    return WandbLogger(project=project, save_dir=save_dir, group=group, job_type=job_type, mode=mode, tags=tags or None, **kwargs)


def finish(loggers: list[Any]) -> None:
    """Close W&B runs so the next job of a multirun starts a fresh one."""
    for logger in loggers:
        if isinstance(logger, WandbLogger) and logger._experiment is not None:
            logger.experiment.finish()
