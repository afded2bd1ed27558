"""Short stable fingerprints: of a JSON-able config (what produced some data) and of a data folder's file listing.

``data_fingerprint`` hashes the sorted (relative path, size, mtime_ns) of every file under a folder, never the
files' content, so it is cheap even for large datasets and still changes when a file is added, removed, replaced or
rewritten. Hidden entries (names starting with "."), such as the temporary files of an atomic write, are left out.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from worldmodels.runs.digest import sha256_of_json

DIGEST_CHARS = 16


def config_fingerprint(value: Any) -> str:
    """A short digest of a JSON-able ``value`` (keys sorted; other objects by their ``str``)."""
    return sha256_of_json(value)[:DIGEST_CHARS]


def file_listing(path: str | Path) -> list[tuple[str, int, int]]:
    """(path relative to ``path``, size in bytes, mtime_ns) of every non-hidden file under ``path``, sorted.

    A file gives one entry named ``"."``; a missing path gives none. Symlinks are followed (datasets are often linked).
    """
    root = Path(path).expanduser()
    if root.is_file():
        stat = root.stat()
        return [(".", stat.st_size, stat.st_mtime_ns)]
    entries = []
    for folder, dirs, files in os.walk(root, followlinks=True):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if name.startswith("."):
                continue
            file = Path(folder) / name
            try:
                stat = file.stat()
            except FileNotFoundError:  # a dangling link, or a file removed while we walk
                continue
            entries.append((file.relative_to(root).as_posix(), stat.st_size, stat.st_mtime_ns))
    return sorted(entries)


def data_fingerprint(path: str | Path) -> str:
    """A short digest of ``file_listing(path)``: it changes when a file under ``path`` is added, removed or rewritten."""
    listing = file_listing(path)
    return config_fingerprint({"exists": Path(path).expanduser().exists(), "files": listing})
