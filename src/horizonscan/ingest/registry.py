"""Reader registry keyed by media type (STYLE: dispatch by score, record who ran).

Each reader module in ``readers/`` calls :func:`register` at import time with a
versioned name (``html.v1``), the media types and file extensions it handles,
and optionally a ``sniff(head: bytes) -> int`` that scores raw content (0-100)
for inputs whose type is unknown or lies. :func:`choose` picks the best.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import Callable

from ..errors import ReadError
from ..records import Document
from ..settings import Settings


@dataclass(frozen=True)
class Origin:
    """Where a piece of content came from, as the reader needs to know it."""

    input: str  # what the user gave (path, URL), for error messages and status
    path: str | None = None
    url: str | None = None
    media_type: str | None = None  # declared type (HTTP Content-Type, or from extension)
    source: str | None = None  # folder, feed URL or host
    settings: Settings = field(default_factory=Settings)


ReadFn = Callable[[bytes, Origin], list[Document]]
SniffFn = Callable[[bytes], int]


@dataclass(frozen=True)
class Reader:
    name: str  # versioned, e.g. "pdf.v1"; never change a vN's behaviour, add vN+1
    media_types: tuple[str, ...]
    extensions: tuple[str, ...]
    read: ReadFn
    sniff: SniffFn | None = None


_READERS: dict[str, Reader] = {}
_loaded = False


def register(reader: Reader) -> Reader:
    _READERS[reader.name] = reader
    return reader


def _load_builtin() -> None:
    global _loaded
    if _loaded:
        return
    from . import readers

    for info in pkgutil.iter_modules(readers.__path__):
        importlib.import_module(f"{readers.__name__}.{info.name}")
    _loaded = True


def readers() -> list[Reader]:
    _load_builtin()
    return sorted(_READERS.values(), key=lambda r: r.name)


def choose(origin: Origin, head: bytes) -> Reader:
    """Best reader for ``origin``: sniffed content first, then declared type, then extension."""
    _load_builtin()
    declared = (origin.media_type or "").split(";")[0].strip().lower()
    name = (origin.path or origin.url or origin.input).lower().split("?")[0]
    best: tuple[int, str] | None = None
    for reader in _READERS.values():
        score = reader.sniff(head) if reader.sniff else 0
        if declared and declared in reader.media_types:
            score += 50
        if any(name.endswith(ext) for ext in reader.extensions):
            score += 40
        if score > 0 and (best is None or (score, reader.name) > best):
            best = (score, reader.name)
    if best is None:
        raise ReadError(f"E102 unsupported format ({declared or 'unknown type'})")
    return _READERS[best[1]]
