"""`worldmodels <command> [overrides ...]` (or `python -m worldmodels <command> ...`): one entry point for every command.

The command word picks a module of this package; the rest of the command line is that command's own (Hydra overrides
and flags, or ``summarize``'s arguments), read from ``sys.argv`` by the command's ``main`` as if it had been called
alone. Hydra names the job (and its log file, ``<run dir>/<job name>.log``) after the command's module: ``train.log``
for ``worldmodels train``, as for ``python train.py``.
"""

from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass

EXIT_USAGE = 2  # a command line without a known command (as argparse exits on a bad one)


@dataclass(frozen=True)
class Command:
    """A command: the module whose ``main()`` runs it and the line ``worldmodels --help`` shows for it."""

    module: str
    summary: str


COMMANDS = {
    "train": Command(
        "worldmodels.cli.train", "pretrain a JEPA or train a world model, then evaluate it (conf/train.yaml; = python train.py)"
    ),
    "plan": Command("worldmodels.cli.plan", "run the planning protocol on a saved world model (conf/plan.yaml)"),
    "probe": Command("worldmodels.cli.probe", "fit a probe on a checkpoint's frozen features or on extracted ones (conf/probe_eval.yaml)"),
    "collect": Command("worldmodels.cli.collect", "write random-policy trajectories of an env as shard files (conf/collect.yaml)"),
    "extract": Command("worldmodels.cli.extract", "write one file of frozen encoder features per video (conf/extract.yaml)"),
    "surprise": Command("worldmodels.cli.surprise", "score a video JEPA's surprise at impossible events (conf/surprise.yaml)"),
    "summarize": Command(
        "worldmodels.cli.summarize", "tabulate and plot a sweep's metric, mean ± std over seeds (SWEEP_DIR [--metric ...])"
    ),
    "write-clips": Command("worldmodels.cli.write_clips", "write a few clips of a video datamodule as mp4 files (conf/write_clips.yaml)"),
}


def usage() -> str:
    """The command list that ``worldmodels``, ``worldmodels --help`` and an unknown command print."""
    width = max(map(len, COMMANDS))
    lines = [f"  {name:<{width}}  {command.summary}" for name, command in COMMANDS.items()]
    return "\n".join(
        [
            "usage: worldmodels <command> [overrides ...]   (python -m worldmodels <command> ... works the same)",
            "",
            "commands:",
            *lines,
            "",
            "`worldmodels <command> --help` lists a command's config groups and options.",
        ]
    )


def main(argv: list[str] | None = None) -> None:
    """Run the command named by ``argv[0]`` (default ``sys.argv[1:]``) with the rest of the line as its own.

    ``-h``/``--help`` prints the command list; no command prints it and exits with ``EXIT_USAGE``, and so does an
    unknown command, after naming the known ones.
    """
    args = sys.argv[1:] if argv is None else argv
    if args[:1] in (["-h"], ["--help"]):
        print(usage())
        return
    if not args:
        print(usage(), file=sys.stderr)
        raise SystemExit(EXIT_USAGE)
    name, rest = args[0], args[1:]
    if name not in COMMANDS:
        print(f"worldmodels: unknown command {name!r}; the commands are {', '.join(COMMANDS)} (worldmodels --help)", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)
    module = importlib.import_module(COMMANDS[name].module)
    sys.argv = [f"worldmodels {name}", *rest]  # what the command parses; Hydra's shell-completion help shows argv[0]
    # Lightning starts DDP ranks > 0 as `python -m <the __main__ module's name> <sys.argv[1:]>`: with the command's
    # module as __main__ they run `python -m worldmodels.cli.train <overrides>`, the same command without its word.
    entry_point = sys.modules["__main__"]
    sys.modules["__main__"] = module
    try:
        module.main()
    finally:
        sys.modules["__main__"] = entry_point
