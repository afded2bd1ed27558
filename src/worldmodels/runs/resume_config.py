"""Resuming a run with the config it was trained with.

``python train.py resume=<run dir>`` continues the run in a new run dir. ``resume_command_line`` composes the new run
from the old run's own overrides (``overrides.txt``), with the keys named on the resume command line winning, so a
bare ``resume=<run dir>`` trains the same experiment. ``check_resumed_config`` then compares the composed config with
the one saved in the run and refuses, with the differences, when a key differs that the command line did not name
(the config files changed since, or the checkpoint came without its overrides); the differences that were named are
written to ``resume.json`` in the new run dir.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from omegaconf import DictConfig, OmegaConf

from worldmodels.runs.atomic import atomic_write_json
from worldmodels.runs.sweep import override_key

log = logging.getLogger(__name__)
RESUME_KEY = "resume"
IGNORED_KEYS = (RESUME_KEY, "paths", "overwrite")  # where a run lives and how it started, not what it trains


class ResumeConfigError(ValueError):
    """The config of a resumed run differs from the run's saved config in keys the command line did not name."""


def run_dir_of(resume: str) -> Path:
    """The run dir of ``resume=``: the dir itself, or the run dir holding a checkpoint file (``<run>/checkpoints/x.ckpt``)."""
    path = Path(resume).expanduser()
    if path.is_dir():
        return path
    return path.parent.parent if path.parent.name == "checkpoints" else path.parent


def resume_command_line(args: list[str]) -> list[str]:
    """``args`` (a command line's arguments) with the resumed run's saved overrides inserted before ``resume=``.

    A saved override is dropped when the command line names its key (the command line wins); without ``resume=`` or
    without the run's ``overrides.txt``, ``args`` comes back unchanged.
    """
    at = next((i for i, arg in enumerate(args) if override_key(arg) == RESUME_KEY and "=" in arg), None)
    if at is None:
        return args
    saved_file = run_dir_of(args[at].split("=", 1)[1]) / "overrides.txt"
    if not saved_file.is_file():
        return args
    named = {override_key(arg) for arg in args if "=" in arg and not arg.startswith("-")}
    saved = [line.strip() for line in saved_file.read_text().splitlines() if line.strip()]
    kept = [line for line in saved if override_key(line) not in named and override_key(line) != RESUME_KEY]
    return [*args[:at], *kept, *args[at:]]


def flat_config(config: DictConfig | dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """{"a.b": leaf} for every leaf of a (resolved) config; lists are leaves."""
    node = OmegaConf.to_container(config, resolve=True) if isinstance(config, DictConfig) else config
    flat: dict[str, Any] = {}
    for key, value in node.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            flat.update(flat_config(value, f"{dotted}."))
        else:
            flat[dotted] = value
    return flat


def _relocated(value: Any, old_dir: str, new_dir: str) -> Any:
    """A saved value with the saved run's dir replaced by the new one (checkpoint dirs, logger dirs)."""
    return value.replace(old_dir, new_dir) if isinstance(value, str) and old_dir else value


def _named(key: str, named: set[str]) -> bool:
    """Whether ``key`` or a group above it was named (``trainer`` names ``trainer.max_epochs``)."""
    parts = key.split(".")
    return any(".".join(parts[:i]) in named for i in range(1, len(parts) + 1))


def config_differences(saved: DictConfig, now: DictConfig) -> dict[str, tuple[Any, Any]]:
    """{key: (saved value, value now)} for every leaf that differs, the run's location aside (``IGNORED_KEYS``)."""
    old_dir = str(OmegaConf.select(saved, "paths.output_dir", default="") or "")
    new_dir = str(OmegaConf.select(now, "paths.output_dir", default="") or "")
    before, after = flat_config(saved), flat_config(now)
    missing = object()
    differences = {}
    for key in sorted(set(before) | set(after)):
        if key.split(".")[0] in IGNORED_KEYS:
            continue
        old, new = _relocated(before.get(key, missing), old_dir, new_dir), after.get(key, missing)
        if old != new:
            differences[key] = (None if old is missing else old, None if new is missing else new)
    return differences


def check_resumed_config(saved: DictConfig | None, now: DictConfig, overrides: list[str], checkpoint: str, run_dir: Path) -> dict[str, Any]:
    """Refuse to resume ``checkpoint`` with a config that differs from ``saved`` in keys ``overrides`` does not name.

    Returns (and writes to ``run_dir/resume.json``) the record {"checkpoint", "changed": {key: {"saved", "now"}}};
    ``saved=None`` (a bare checkpoint with no config anywhere) resumes with a warning that nothing could be checked.
    """
    record: dict[str, Any] = {"checkpoint": checkpoint, "checked": saved is not None, "changed": {}}
    if saved is None:
        log.warning("resuming %s: no saved config found beside it or inside it, so the config could not be compared", checkpoint)
    else:
        named = {override_key(o) for o in overrides if override_key(o) != RESUME_KEY}
        differences = config_differences(saved, now)
        unnamed = {k: v for k, v in differences.items() if not _named(k, named)}
        if unnamed:
            lines = "\n".join(f"  {key}: {old!r} (saved) -> {new!r} (now)" for key, (old, new) in unnamed.items())
            raise ResumeConfigError(
                f"resume={checkpoint}: this command line trains another config than the run it resumes; differing keys:\n{lines}\n"
                "Resume with the run's own command line (`python train.py resume=<run dir>` adds the run's saved overrides), "
                "or name each key you mean to change on the command line."
            )
        record["changed"] = {key: {"saved": old, "now": new} for key, (old, new) in differences.items()}
        if differences:
            log.warning("resuming %s with changed keys: %s", checkpoint, ", ".join(differences))
    atomic_write_json(run_dir / "resume.json", record)
    return record
