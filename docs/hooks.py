"""MkDocs hook: links from the docs to repository files outside docs/ work on GitHub and in the site alike.

Pages link to other files of the repository by their relative path in the repository (``../experiments/two_rooms/
README.md`` from ``docs/results.md``), which is what GitHub and an editor follow. At build time this hook rewrites
each such link:

- to a file the site mirrors (``experiments/**``, copied by ``docs/gen_experiments.py``): the relative link to the
  mirrored page or image (a folder link goes to its ``README.md``);
- to any other file that exists (``conf/train.yaml``, ``src/...``): the link text with the repository path as code,
  unlinked (the site has no copy of it);
- to a file that does not exist: left as it is, so ``mkdocs build --strict`` reports the broken link.

Links inside docs/, absolute URLs and anchors are left alone, and so is anything in code blocks or code spans.

It also keeps the generated navigation files (``SUMMARY.md``, read by mkdocs-literate-nav) out of the built site.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from pathlib import Path

from mkdocs.plugins import event_priority
from mkdocs.structure.files import InclusionLevel

MIRRORED = ("experiments/",)  # repository folders the site holds at the same path (docs/gen_experiments.py)

_FENCE = re.compile(r"^\s*(```|~~~)")
_CODE_SPAN = re.compile(r"(`+).+?\1")
_LINK = re.compile(r"(?P<bang>!?)\[(?P<text>[^\]]*)\]\((?P<target>[^)\s]+)(?P<title>\s+\"[^\"]*\")?\)")


def _repo_path(src_uri: str, docs_prefix: str) -> str:
    """Where a page of the site lives in the repository."""
    return src_uri if src_uri.startswith(MIRRORED) else posixpath.join(docs_prefix, src_uri)


def rewrite_links(markdown: str, src_uri: str, repo_root: Path, docs_prefix: str, site_files: set[str]) -> str:
    """``markdown`` of the page ``src_uri`` (a path in the site) with its links out of docs/ rewritten (see above)."""
    page_repo_dir = posixpath.dirname(_repo_path(src_uri, docs_prefix))
    page_site_dir = posixpath.dirname(src_uri)

    def replace(match: re.Match) -> str:
        target = match["target"]
        if "://" in target or target.startswith(("#", "/", "mailto:")):
            return match.group(0)
        path, hash_, anchor = target.partition("#")
        resolved = posixpath.normpath(posixpath.join(page_repo_dir, path))
        if resolved.startswith(docs_prefix + "/") or resolved.startswith(".."):
            return match.group(0)  # a page of docs/ (mkdocs checks it), or outside the repository
        if resolved.startswith(MIRRORED):
            mirrored = resolved if resolved in site_files else posixpath.join(resolved, "README.md")
            if mirrored in site_files:
                link = posixpath.relpath(mirrored, page_site_dir or ".") + hash_ + anchor
                return f"{match['bang']}[{match['text']}]({link}{match['title'] or ''})"
        if (repo_root / resolved).exists():
            shown = f"`{resolved}`"
            text = match["text"].strip()
            return shown if text.strip("`") in (resolved, path, "") else f"{text} ({shown})"
        return match.group(0)

    out, fenced = [], False
    for line in markdown.split("\n"):
        if _FENCE.match(line):
            fenced = not fenced
        if fenced or "](" not in line:
            out.append(line)
            continue
        out.append(_rewrite_line(line, replace))
    return "\n".join(out)


def _rewrite_line(line: str, replace: Callable[[re.Match], str]) -> str:
    """``line`` with ``replace`` applied to every link that does not start inside a code span."""
    spans = [span.span() for span in _CODE_SPAN.finditer(line)]

    def outside(match: re.Match) -> str:
        return match.group(0) if any(start <= match.start() < end for start, end in spans) else replace(match)

    return _LINK.sub(outside, line)


@event_priority(-50)  # after gen-files wrote the pages, before literate-nav (-100) reads the SUMMARY.md files
def on_files(files, config):  # noqa: ANN001, ANN201 (the MkDocs hook signature)
    for file in files:
        if posixpath.basename(file.src_uri) == "SUMMARY.md":
            file.inclusion = InclusionLevel.EXCLUDED
    return files


def on_page_markdown(markdown, page, config, files):  # noqa: ANN001, ANN201 (the MkDocs hook signature)
    repo_root = Path(config.config_file_path).resolve().parent
    docs_prefix = Path(config.docs_dir).resolve().relative_to(repo_root).as_posix()
    site_files = {file.src_uri for file in files}
    return rewrite_links(markdown, page.file.src_uri, repo_root, docs_prefix, site_files)
