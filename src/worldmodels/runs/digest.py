"""The digest of a JSON-able value, the one hash behind every config fingerprint and cache key of the project."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def sha256_of_json(value: Any) -> str:
    """The SHA-256 hex digest of ``value``'s canonical JSON (sorted keys; other objects by their ``str``)."""
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()
