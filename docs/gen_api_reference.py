"""The API reference: one page per package of src/worldmodels, rendered by mkdocstrings from the docstrings.

Run by mkdocs-gen-files at every build, so a new package gets its page without editing anything. A package page shows
the package's docstring and its public API (the names in its ``__all__``); the root package's page also shows its
top-level modules (``worldmodels.interfaces``, ``worldmodels.paths``, ...), and a package without
``__all__`` (``worldmodels.cli``) shows its modules. ``SUMMARY.md`` is the section's navigation (mkdocs-literate-nav).
"""

from __future__ import annotations

import ast
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SOURCE = REPO_ROOT / "src"
SITE_DIR = "reference/api"


def has_all(init: Path) -> bool:
    """Whether a package's ``__init__.py`` assigns ``__all__``."""
    tree = ast.parse(init.read_text())
    return any(
        isinstance(node, (ast.Assign, ast.AnnAssign))
        and any(getattr(t, "id", None) == "__all__" for t in getattr(node, "targets", [getattr(node, "target", None)]))
        for node in tree.body
    )


def packages(source: Path = SOURCE) -> list[str]:
    """Dotted names of every package under ``source`` (folders with an ``__init__.py``), the root first."""
    found = [init.parent.relative_to(source).as_posix().replace("/", ".") for init in source.rglob("__init__.py")]
    return sorted(found, key=lambda name: (name.count(".") > 0, name))


def page(package: str, source: Path = SOURCE) -> str:
    folder = source / package.replace(".", "/")
    lines = [f"::: {package}"]
    if package.count(".") == 0:  # the root: its modules (the packages have their own pages)
        lines += ["    options:", "      show_submodules: false", ""]
        for module in sorted(p.stem for p in folder.glob("*.py") if p.stem != "__init__"):
            lines += [f"::: {package}.{module}", "    options:", "      heading_level: 2", ""]
    elif not has_all(folder / "__init__.py"):
        lines += ["    options:", "      show_submodules: true", ""]
    return "\n".join([*lines, ""])


def build_pages(source: Path = SOURCE) -> dict[str, str]:
    """``{page path under reference/api/: markdown}`` for every package, and ``SUMMARY.md``."""
    pages, summary = {}, []
    for package in packages(source):
        name = f"{package}.md"
        pages[name] = page(package, source)
        summary.append(f"* [{package}]({name})")
    pages["SUMMARY.md"] = "\n".join([*summary, ""])
    return pages


def main() -> None:
    import mkdocs_gen_files

    for name, markdown in build_pages().items():
        path = f"{SITE_DIR}/{name}"
        with mkdocs_gen_files.open(path, "w") as handle:
            handle.write(markdown)


if __name__ in ("__main__", "<run_path>"):
    main()
