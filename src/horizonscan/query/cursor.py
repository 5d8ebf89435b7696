"""Opaque, stable pagination cursors.

A cursor is URL-safe base64 of a small JSON object: the sort key of the last row
served and a short hash of the query it belongs to. Keyset pagination (``WHERE
(key) > (last)``) is stable while rows are added, and a cursor from another
query is refused (E414) rather than silently giving wrong pages.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from typing import Any

from .errors import BAD_CURSOR, invalid

MAX_CURSOR = 2048


def fingerprint(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


def encode(key: list[Any], query: str) -> str:
    raw = json.dumps({"k": key, "q": query}, separators=(",", ":"), ensure_ascii=True)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode(cursor: str, query: str) -> list[Any]:
    if not isinstance(cursor, str) or not cursor or len(cursor) > MAX_CURSOR:
        raise invalid(BAD_CURSOR, "cursor is not one this query returned")
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise invalid(BAD_CURSOR, "cursor is not one this query returned") from None
    if not isinstance(data, dict) or data.get("q") != query or not isinstance(data.get("k"), list):
        raise invalid(BAD_CURSOR, "cursor belongs to another query (filters or sort changed)")
    return data["k"]  # type: ignore[no-any-return]
