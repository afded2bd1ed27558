"""Every shell command of README.md (and of the guides in docs/guides/) is checked at a smoke size.

The fenced ``bash`` blocks are read command by command: ``python train.py ...`` composes its overrides against
``conf/train.yaml``; ``worldmodels <command> ...`` must be a known command whose overrides compose against its
top-level config (``plan`` -> ``conf/plan.yaml``, ...); ``make <target>`` must be a Makefile target (its ``ARGS`` compose
as train overrides); ``pip install -e ".[extra]"`` must name extras of pyproject.toml. Nothing heavy is instantiated.
One slow test runs the README's world-model quick start for real, with ``debug=fdr``.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from hydra import compose, initialize_config_dir
from hydra.core.override_parser.overrides_parser import OverridesParser

from worldmodels.paths import CONFIG_DIR

REPO_ROOT = Path(__file__).resolve().parents[1]
README = REPO_ROOT / "README.md"
GUIDES = sorted((REPO_ROOT / "docs" / "guides").glob("*.md"))
MAX_README_LINES = 200

# `worldmodels <command>` -> the top-level config its overrides compose against (None: argparse, no Hydra config)
COMMAND_CONFIGS = {
    "train": "train",
    "plan": "plan",
    "probe": "probe_eval",
    "collect": "collect",
    "extract": "extract",
    "surprise": "surprise",
    "summarize": None,
    "write-clips": "write_clips",
}
SHELL_LANGUAGES = {"bash", "sh", "shell", "console"}
PLACEHOLDER_RUN = "outputs/placeholder/runs/run"  # stands for $RUN, <run>, <date>_<time>_<id>, ... when composing

_FENCE = re.compile(r"^```(?P<lang>[\w-]*)\s*\n(?P<body>.*?)^```\s*$", re.S | re.M)
_ASSIGNMENT = re.compile(r"^(?P<name>[A-Z_][A-Z0-9_]*)=(?P<value>\S.*)$")
_VARIABLE = re.compile(r"\$\{?[A-Z_][A-Z0-9_]*\}?")
_PLACEHOLDER = re.compile(r"<[^<>\s]+>")


@dataclass(frozen=True)
class Command:
    source: str  # the file it is in, relative to the repository
    text: str  # the command as written (continuations joined, comment removed)
    argv: tuple[str, ...]  # its words, with variables and <placeholders> replaced by a placeholder path

    def __str__(self) -> str:
        return f"{self.source}: {self.text}"


def shell_commands(path: Path) -> list[Command]:
    """The commands of the fenced shell blocks of ``path``, one per line (backslash continuations joined)."""
    commands = []
    for block in _FENCE.finditer(path.read_text()):
        if block["lang"] not in SHELL_LANGUAGES:
            continue
        for line in block["body"].replace("\\\n", " ").splitlines():
            words = shlex.split(line, comments=True)
            if not words:
                continue
            text = " ".join(words) if not _ASSIGNMENT.match(line.strip()) else line.split(" #")[0].strip()
            substituted = [_PLACEHOLDER.sub("X", _VARIABLE.sub(PLACEHOLDER_RUN, word)) for word in words]
            commands.append(Command(str(path.relative_to(REPO_ROOT)), text, tuple(substituted)))
    return commands


def make_targets() -> set[str]:
    return set(re.findall(r"^([A-Za-z][\w-]*):", (REPO_ROOT / "Makefile").read_text(), re.M))


def first_of_sweeps(overrides: list[str]) -> list[str]:
    """A multirun's overrides with every sweep (``seed=0,1,2``) replaced by its first value: one job's config."""
    parser, single = OverridesParser.create(), []
    for text in overrides:
        override = parser.parse_override(text)
        if override.is_sweep_override():
            single.append(f"{override.get_key_element()}={next(iter(override.sweep_string_iterator()))}")
        else:
            single.append(text)
    return single


def compose_overrides(config: str, overrides: list[str]) -> None:
    """Compose ``conf/<config>.yaml`` with ``overrides`` (and the Hydra config, so launcher overrides are checked)."""
    if any(o.startswith("hparams_search=") for o in overrides):
        pytest.importorskip("hydra_plugins.hydra_optuna_sweeper", reason="pip install -e '.[optuna]'")
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        cfg = compose(config_name=config, overrides=first_of_sweeps(overrides), return_hydra_config=True)
    assert cfg.name, f"{config} composed without a name"


def check_train_py(argv: list[str]) -> None:
    overrides = [word for word in argv if word not in ("-m", "--multirun")]
    if any(word.startswith("--config-path") for word in overrides):
        pytest.skip("re-runs a saved run's own config (tested in tests/test_sweeps.py)")
    assert not [w for w in overrides if w.startswith("-")], f"unknown flags {overrides}"
    compose_overrides("train", overrides)


def check_command(command: Command) -> None:
    """Fail unless ``command`` is one this module knows how to check, and it checks out."""
    argv = list(command.argv)
    if _ASSIGNMENT.match(command.text):  # RUN=$(ls -d outputs/<name>/runs/* | tail -1): names a run (or sweep) dir for the next lines
        assert "$(" not in command.text or re.search(r"\$\(ls -d outputs/[\w-]+/(multi)?runs/\* \| tail -1\)", command.text), command
        return
    if "$(" in command.text:
        pytest.skip(f"builds its arguments at run time: {command}")
    head, rest = argv[0], argv[1:]
    if head == "make":
        target = rest[0] if rest else "install"
        assert target in make_targets(), f"no Makefile target {target!r} for: {command}"
        for word in rest[1:]:
            name, _, value = word.partition("=")
            assert name in {"ARGS", "PYTEST_ARGS", "PYTHON", "DATA_DIR", "TORCH_SPEC"}, f"unknown make variable in: {command}"
            if name == "ARGS" and target == "train":
                check_train_py(shlex.split(value))
        return
    if head == "python" and rest[:1] == ["train.py"]:
        check_train_py(rest[1:])
        return
    if head == "worldmodels":
        assert rest, f"a command is missing: {command}"
        name, overrides = rest[0], rest[1:]
        assert name in COMMAND_CONFIGS, f"{name!r} is not one of {sorted(COMMAND_CONFIGS)}: {command}"
        if COMMAND_CONFIGS[name] is not None:
            compose_overrides(COMMAND_CONFIGS[name], overrides)
        return
    if head == "pip" and rest[:2] == ["install", "-e"]:
        section = (REPO_ROOT / "pyproject.toml").read_text().split("[project.optional-dependencies]", 1)[1].split("\n[", 1)[0]
        extras = set(re.findall(r"^([\w-]+)\s*=", section, re.M))
        named = re.fullmatch(r"\.\[([\w,]+)\]", rest[2])
        assert named and set(named[1].split(",")) <= extras, f"unknown extras in: {command}"
        return
    pytest.fail(f"no test covers this command; check it here or drop it from the docs: {command}")


README_COMMANDS = shell_commands(README)
GUIDE_COMMANDS = [command for guide in GUIDES for command in shell_commands(guide)]


def test_readme_is_short() -> None:
    lines = README.read_text().splitlines()
    assert len(lines) <= MAX_README_LINES, f"README.md has {len(lines)} lines (at most {MAX_README_LINES})"


def test_readme_has_the_newcomers_commands() -> None:
    texts = [command.text for command in README_COMMANDS]
    assert "make train" in texts and "make test" in texts
    assert any(text.startswith("python train.py") for text in texts)
    assert {text.split()[1] for text in texts if text.startswith("worldmodels ")} >= {"plan", "probe", "surprise", "extract"}


def test_readme_links_stay_inside_the_repository_and_resolve() -> None:
    for target in re.findall(r"\]\(([^)\s]+)\)", README.read_text()):
        if "://" in target or target.startswith(("#", "mailto:")):
            continue
        path = (REPO_ROOT / target.partition("#")[0]).resolve()
        assert path.is_relative_to(REPO_ROOT), f"README.md links outside the repository: {target}"
        assert path.exists(), f"README.md links to a missing file: {target}"


@pytest.mark.parametrize("command", README_COMMANDS, ids=[c.text[:80] for c in README_COMMANDS])
def test_readme_command(command: Command) -> None:
    check_command(command)


@pytest.mark.parametrize("command", GUIDE_COMMANDS, ids=[f"{Path(c.source).stem}: {c.text[:70]}" for c in GUIDE_COMMANDS])
def test_guide_command(command: Command) -> None:
    check_command(command)


def test_unknown_commands_and_overrides_are_caught() -> None:
    """The checks above fail where they should (so a passing README test means something)."""
    with pytest.raises(AssertionError, match="not one of"):
        check_command(Command("x", "worldmodels fly", ("worldmodels", "fly")))
    with pytest.raises(AssertionError, match="no Makefile target"):
        check_command(Command("x", "make fly", ("make", "fly")))
    with pytest.raises(Exception, match="regularizer"):
        check_command(Command("x", "python train.py regularizer=absent", ("python", "train.py", "regularizer=absent")))
    with pytest.raises(Exception, match="protocol"):
        check_command(Command("x", "worldmodels plan ...", ("worldmodels", "plan", "ckpt=x", "protocol.spilt=dev")))


@pytest.mark.slow
def test_readme_world_model_quick_start_trains(tmp_path: Path) -> None:
    """The README's world-model training command, at ``debug=fdr``: one step of training, then two dev episodes."""
    (command,) = [c for c in README_COMMANDS if c.argv[:2] == ("python", "train.py") and "experiment=two_rooms" in c.argv]
    env = {**os.environ, "WANDB_MODE": "disabled", "WORLDMODELS_ROOT": str(tmp_path), "COLUMNS": "250"}  # rich wraps at COLUMNS
    args = [*command.argv[2:], "debug=fdr", "callbacks.progress_bar=null"]
    out = subprocess.run(
        [sys.executable, str(REPO_ROOT / "train.py"), *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr[-3000:]
    (results,) = (tmp_path / "outputs").rglob("results.json")
    saved = json.loads(results.read_text())
    assert saved["steps"] == 1 and saved["planning"]["episodes"] == 2 and saved["planning"]["split"] == "dev"
    assert "run summary" in out.stdout and f"run dir: {results.parent}" in out.stdout


def test_the_command_list_is_the_console_scripts() -> None:
    from worldmodels.cli import COMMANDS

    assert set(COMMAND_CONFIGS) == set(COMMANDS)
