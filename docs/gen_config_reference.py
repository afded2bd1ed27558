"""The config reference, generated from conf/ at every docs build so it cannot drift from the configs.

Run by mkdocs-gen-files (``mkdocs.yml``: ``plugins: gen-files: scripts``): it walks every config group folder of
``conf/`` (a folder holding option YAMLs, nested ones such as ``hydra/launcher`` included) and the top-level configs
(``conf/train.yaml``, ``conf/plan.yaml``, ...), and writes under ``reference/config/`` of the site:

- ``index.md``: every group with its options and where each group is chosen by default;
- ``top_level.md``: each top-level config, its defaults list and its keys;
- ``<group>.md`` (``hydra/launcher.md``, ...): one section per option: its header comment, its ``@package``, its
  defaults list and a table of every key (dotted for nested keys), its value as written in the YAML and its comment;
- ``SUMMARY.md``: the section's navigation (mkdocs-literate-nav).

Values and comments are read from the YAML text itself: the structure, positions and values from PyYAML's node graph
(``yaml.compose``), each key's comment from the source line its value ends on (the text after ``#``) plus any
comment-only continuation lines indented deeper than the key. ``build_pages(conf_dir)`` returns the pages as
``{path: markdown}``; ``tests/test_docs.py`` checks them against its own walk of ``conf/``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
CONF_DIR = REPO_ROOT / "conf"
SITE_DIR = "reference/config"


@dataclass
class Key:
    """One key of an option: its dotted path, its value as written ("" for a mapping) and its comment."""

    path: str
    value: str
    comment: str
    is_mapping: bool = False


@dataclass
class DefaultsEntry:
    """One entry of a defaults list as written (``data: fashion_mnist``, ``override /task: world_model``, ``_self_``)."""

    text: str
    comment: str
    group: str | None = None  # the group it selects ("task", "hydra/sweeper", ...), None for _self_ and same-group entries
    option: str | None = None  # the option it selects, when literal
    override: bool = False


@dataclass
class ConfigFile:
    """A parsed YAML of conf/: its header comment, ``@package`` directive, defaults list and keys."""

    path: Path  # relative to the repo root
    name: str  # the option's name (the file's stem)
    description: str
    package: str | None
    defaults: list[DefaultsEntry] = field(default_factory=list)
    keys: list[Key] = field(default_factory=list)

    @property
    def target(self) -> str | None:
        return next((key.value for key in self.keys if key.path == "_target_"), None)


# -- parsing ---------------------------------------------------------------------------------------------------------


def _comment_after(lines: list[str], line: int, column: int) -> str:
    """The comment on ``line`` after ``column`` (the end of a key or value), without the ``#``."""
    rest = lines[line][column:] if line < len(lines) else ""
    start = rest.find("#")
    return rest[start + 1 :].strip() if start >= 0 else ""


def _continuation(lines: list[str], line: int, key_column: int) -> list[str]:
    """Comment-only lines right after ``line`` whose ``#`` is indented deeper than the key: the comment goes on."""
    more = []
    for text in lines[line + 1 :]:
        stripped = text.lstrip()
        if not stripped.startswith("#") or len(text) - len(stripped) <= key_column:
            break
        more.append(stripped[1:].strip())
    return more


def _source(text: str, node: yaml.Node) -> str:
    """A node's text as written in the file, whitespace collapsed (flow collections, quoted and plain scalars)."""
    return " ".join(text[node.start_mark.index : node.end_mark.index].split())


def _value_text(text: str, node: yaml.Node) -> str:
    if isinstance(node, yaml.ScalarNode):
        if node.value == "" and node.style is None:
            return "null"  # `key:` with nothing after it
        return _source(text, node)
    if isinstance(node, yaml.SequenceNode) and not node.flow_style:
        return "[" + ", ".join(_value_text(text, item) for item in node.value) + "]"
    return _source(text, node)


def _end_line(node: yaml.Node) -> tuple[int, int]:
    """The line and column where a scalar or flow value ends (PyYAML's end mark may sit at the next line's start)."""
    mark = node.end_mark
    if mark.column == 0 and mark.line > node.start_mark.line:
        return mark.line - 1, 10**6
    return mark.line, mark.column


def _walk(text: str, lines: list[str], node: yaml.MappingNode, prefix: str, keys: list[Key], in_flow: bool = False) -> None:
    for key_node, value_node in node.value:
        path = f"{prefix}{key_node.value}"
        key_line, key_column = key_node.start_mark.line, key_node.start_mark.column
        block = isinstance(value_node, (yaml.MappingNode, yaml.SequenceNode)) and not value_node.flow_style
        empty = isinstance(value_node, yaml.ScalarNode) and value_node.value == "" and value_node.style is None
        if block or empty:
            line, column = key_line, key_node.end_mark.column
        else:
            line, column = _end_line(value_node)
        comment = "" if in_flow else " ".join(filter(None, [_comment_after(lines, line, column), *_continuation(lines, line, key_column)]))
        if isinstance(value_node, yaml.MappingNode) and value_node.value:  # block or flow: one row per nested key
            keys.append(Key(path, "", comment, is_mapping=True))
            _walk(text, lines, value_node, f"{path}.", keys, in_flow or bool(value_node.flow_style))
        else:
            keys.append(Key(path, _value_text(text, value_node), comment))


def _defaults_entry(text: str, lines: list[str], node: yaml.Node) -> DefaultsEntry:
    last = node.value[-1][1] if isinstance(node, yaml.MappingNode) and node.value else node  # a block mapping ends at the next item
    line, column = _end_line(last)
    written = " ".join(text[node.start_mark.index : last.end_mark.index].split())
    entry = DefaultsEntry(written, _comment_after(lines, line, column))
    if isinstance(node, yaml.MappingNode) and len(node.value) == 1:
        key_node, value_node = node.value[0]
        words = key_node.value.split()
        entry.override = "override" in words[:-1]
        optional = "optional" in words[:-1]
        entry.group = words[-1].lstrip("/").split("@")[0]
        value = value_node.value if isinstance(value_node, yaml.ScalarNode) else None
        if value and "${" not in value and not optional:
            entry.option = value
    return entry


def parse_config(path: Path, repo_root: Path = REPO_ROOT) -> ConfigFile:
    """Parse one YAML of conf/ into its header, ``@package``, defaults list and keys (see the module docstring)."""
    text = path.read_text()
    lines = text.splitlines()
    header, package = [], None
    for line in lines:
        stripped = line.strip()
        if not stripped:
            if header:
                break
            continue
        if not stripped.startswith("#"):
            break
        comment = stripped[1:].strip()
        if stripped[1:].startswith("  ") and comment:  # an indented comment line is a command: keep it as code
            comment = "`" + " ".join(comment.split()) + "`"
        if comment.startswith("@package"):
            package = comment.split(None, 1)[1] if " " in comment else None
        else:
            header.append(comment)
    config = ConfigFile(path.relative_to(repo_root), path.stem, " ".join(header), package)
    root = yaml.compose(text)
    if root is None:
        return config
    if not isinstance(root, yaml.MappingNode):
        raise ValueError(f"{path}: a config must be a mapping at the top level")
    body = yaml.MappingNode(root.tag, [], root.start_mark, root.end_mark)
    for key_node, value_node in root.value:
        if key_node.value == "defaults" and isinstance(value_node, yaml.SequenceNode):
            config.defaults = [_defaults_entry(text, lines, item) for item in value_node.value]
        else:
            body.value.append((key_node, value_node))
    _walk(text, lines, body, "", config.keys)
    return config


def config_groups(conf_dir: Path) -> dict[str, list[Path]]:
    """Every config group under ``conf_dir`` ("encoder", "hydra/launcher", ...) with its option files, sorted."""
    groups: dict[str, list[Path]] = {}
    for folder in sorted(p for p in conf_dir.rglob("*") if p.is_dir()):
        options = sorted(folder.glob("*.yaml"))
        if options:
            groups[folder.relative_to(conf_dir).as_posix()] = options
    return groups


def top_level_configs(conf_dir: Path) -> list[Path]:
    """The top-level configs (``train.yaml`` first, then the others by name)."""
    return sorted(conf_dir.glob("*.yaml"), key=lambda p: (p.stem != "train", p.stem))


# -- rendering -------------------------------------------------------------------------------------------------------

_CODE_SPAN = re.compile(r"(`+)(.+?)\1")


def _text(comment: str) -> str:
    """A comment as Markdown table text: code spans kept, everything else escaped (HTML, emphasis, links, pipes)."""
    out, last = [], 0
    for match in _CODE_SPAN.finditer(comment):
        out.append(_escape(comment[last : match.start()]))
        out.append(match.group(0))  # Python-Markdown's tables leave pipes inside code spans alone
        last = match.end()
    out.append(_escape(comment[last:]))
    return "".join(out)


def _escape(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = re.sub(r"([\\*_\[\]|`])", r"\\\1", text)
    return text


def _code(value: str) -> str:
    """A value as an inline code span that survives a table cell."""
    if value == "":
        return ""
    fence = "``" if "`" in value else "`"
    pad = " " if fence == "``" else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def _target_ref(target: str) -> str:
    """``_target_`` as a cross-reference into the API reference where that object is rendered (plain code otherwise)."""
    if target.startswith("worldmodels."):
        return f'<autoref identifier="{target}" optional><code>{target}</code></autoref>'
    return _code(target)


def _keys_table(config: ConfigFile) -> list[str]:
    if not config.keys:
        return ["*No keys of its own.*", ""]
    rows = ["| key | value | comment |", "|---|---|---|"]
    for key in config.keys:
        value = "*(mapping)*" if key.is_mapping else _code(key.value)
        if key.path.rsplit(".", 1)[-1] == "_target_" and key.value.startswith("worldmodels."):
            value = _target_ref(key.value)
        rows.append(f"| {_code(key.path)} | {value} | {_text(key.comment)} |")
    return [*rows, ""]


def _defaults_table(config: ConfigFile) -> list[str]:
    if not config.defaults:
        return []
    rows = ["Defaults list:", "", "| entry | comment |", "|---|---|"]
    rows += [f"| {_code(entry.text)} | {_text(entry.comment)} |" for entry in config.defaults]
    return [*rows, ""]


def _option_section(config: ConfigFile, group: str | None, level: str) -> list[str]:
    title = f"{level} `{config.name}`" if group else f"{level} `{config.path.name}`"
    lines = [title, ""]
    if config.description:
        lines += [_text(config.description), ""]
    facts = [f"file `{config.path.as_posix()}`"]
    if group:
        facts.insert(0, f"select with `{group}={config.name}`")
    package = config.package or (group.replace("/", ".") if group else None)
    if package:
        facts.append(f"package `{package}`" + (" (keys apply at the root of the config)" if package == "_global_" else ""))
    sentence = "; ".join(facts)
    lines += [sentence[0].upper() + sentence[1:] + ".", ""]
    return lines + _defaults_table(config) + _keys_table(config)


def _page_name(group: str) -> str:
    return f"{group}.md"


def build_pages(conf_dir: Path = CONF_DIR, repo_root: Path = REPO_ROOT) -> dict[str, str]:
    """The config reference as ``{page path under reference/config/: markdown}``."""
    groups = {group: [parse_config(p, repo_root) for p in paths] for group, paths in config_groups(conf_dir).items()}
    tops = [parse_config(p, repo_root) for p in top_level_configs(conf_dir)]

    chosen: dict[str, list[tuple[str, str, bool]]] = {}  # group -> (config file, option, override)
    order: list[str] = []
    for config in [*tops, *(c for configs in groups.values() for c in configs)]:
        for entry in config.defaults:
            if entry.group in groups and entry.option:
                chosen.setdefault(entry.group, []).append((config.path.as_posix(), entry.option, entry.override))
            if entry.group in groups and entry.group not in order and config in tops:
                order.append(entry.group)
    order += [group for group in groups if group not in order]

    pages: dict[str, str] = {}
    for group in order:
        configs = groups[group]
        page = _page_name(group)
        lines = [f"# `{group}`", ""]
        lines += [
            f"Config group `conf/{group}/`: {len(configs)} option{'s' * (len(configs) != 1)}. "
            f"Choose one on the command line with `{group}=<option>`; keys are overridden with their dotted path.",
            "",
        ]
        selections = chosen.get(group, [])
        defaults = [f"`{option}` in `{file}`" for file, option, override in selections if not override]
        overrides = [f"`{option}` in `{file}`" for file, option, override in selections if override]
        if defaults:
            lines += ["Chosen by default: " + ", ".join(defaults) + ".", ""]
        if overrides:
            lines += ["Overridden by: " + ", ".join(overrides) + ".", ""]
        lines += ["| option | `_target_` | what it is |", "|---|---|---|"]
        for config in configs:
            parents = [entry.text for entry in config.defaults if entry.group is None and entry.text != "_self_"]
            target = _target_ref(config.target) if config.target else ", ".join(f"as `{parent}`" for parent in parents)
            lines.append(f"| [`{config.name}`](#{config.name}) | {target} | {_text(config.description)} |")
        lines.append("")
        for config in configs:
            lines += _option_section(config, group, "##")
        pages[page] = "\n".join(lines)

    lines = [
        "# Top-level configs",
        "",
        "What each command composes: `python train.py` (or `worldmodels train`) reads `conf/train.yaml`, `worldmodels plan` "
        "reads `conf/plan.yaml`, and so on. Their defaults lists pick one option per config group.",
        "",
    ]
    for config in tops:
        lines += _option_section(config, None, "##")
    pages["top_level.md"] = "\n".join(lines)

    lines = [
        "# Config reference",
        "",
        "Generated from `conf/` at every build of this site (`docs/gen_config_reference.py`): every config group, "
        "every option, every key with its value and the comment beside it in the YAML. A config group is a folder "
        "of `conf/`; each option is a YAML in it, usually with a `_target_` naming the class Hydra builds.",
        "",
        "[Top-level configs](top_level.md): " + ", ".join(f"`{c.path.name}`" for c in tops) + ".",
        "",
        "| group | options | default (`conf/train.yaml`) |",
        "|---|---|---|",
    ]
    train_defaults = {entry.group: entry.option for entry in (tops[0].defaults if tops else []) if entry.group}
    for group in order:
        options = ", ".join(f"`{c.name}`" for c in groups[group])
        default = train_defaults.get(group)
        lines.append(f"| [`{group}`]({_page_name(group)}) | {options} | {_code(default) if default else ''} |")
    pages["index.md"] = "\n".join([*lines, ""])

    summary = ["* [Overview](index.md)", "* [Top-level configs](top_level.md)"]
    summary += [f"* [{group}]({_page_name(group)})" for group in order]
    pages["SUMMARY.md"] = "\n".join([*summary, ""])
    return pages


def main() -> None:
    import mkdocs_gen_files

    for page, markdown in build_pages().items():
        path = f"{SITE_DIR}/{page}"
        with mkdocs_gen_files.open(path, "w") as handle:
            handle.write(markdown)


if __name__ in ("__main__", "<run_path>"):
    main()
