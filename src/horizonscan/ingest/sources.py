"""Expand what the user typed (paths, folders, globs, URLs) into inputs, and load their bytes."""

from __future__ import annotations

import glob
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

from ..errors import ReadError
from ..settings import Settings
from .registry import Origin

# Sniff this many leading bytes to choose a reader.
HEAD = 8192


@dataclass(frozen=True)
class Item:
    """One input to ingest: a file path or a URL (``error`` set when it cannot even be listed)."""

    input: str
    path: Path | None = None
    url: str | None = None
    error: str | None = None


def is_url(text: str) -> bool:
    return urlsplit(text).scheme in ("http", "https")


def _walk(folder: Path) -> Iterator[Path]:
    """Files under ``folder``, recursively, sorted, skipping hidden files and folders."""
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(root) / name


def expand(inputs: list[str]) -> Iterator[Item]:
    """Every input as items, in a stable order; unknown paths become error items."""
    for raw in inputs:
        if is_url(raw):
            yield Item(raw, url=raw)
            continue
        if "://" in raw:
            yield Item(raw, error=f"E105 unsupported URL scheme {urlsplit(raw).scheme!r} (only http and https)")
            continue
        path = Path(raw)
        if path.is_dir():
            for f in _walk(path):
                yield Item(str(f), path=f)
        elif path.is_file():
            yield Item(raw, path=path)
        elif glob.has_magic(raw):
            matches = sorted(glob.glob(raw, recursive=True))
            files = [Path(m) for m in matches if Path(m).is_file()]
            for m in matches:
                if Path(m).is_dir():
                    files.extend(_walk(Path(m)))
            if not files:
                yield Item(raw, error="E106 pattern matched no files")
            for f in files:
                yield Item(str(f), path=f)
        else:
            yield Item(raw, error="E107 no such file or folder")


def load(item: Item, settings: Settings) -> tuple[bytes, Origin]:
    """The bytes of an item and its origin; raises ReadError/FetchError with a one-line reason."""
    if item.url is not None:
        from .fetch import fetch

        got = fetch(item.url, settings)
        host = urlsplit(got.final_url).netloc
        return got.data, Origin(item.input, url=got.final_url, media_type=got.media_type, source=host, settings=settings)
    assert item.path is not None
    try:
        size = item.path.stat().st_size
        if size > settings.max_bytes:
            raise ReadError(f"E108 file too large ({size:,} bytes; limit {settings.max_bytes:,})")
        data = item.path.read_bytes()
    except PermissionError as exc:
        raise ReadError("E109 permission denied") from exc
    except OSError as exc:
        raise ReadError(f"E110 cannot read file: {exc.strerror or exc}") from exc
    return data, Origin(item.input, path=str(item.path.resolve()), source=str(item.path.resolve().parent), settings=settings)
