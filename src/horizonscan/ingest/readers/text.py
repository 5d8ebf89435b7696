"""Plain text and Markdown, with optional YAML front matter (title, date, source, place)."""

from __future__ import annotations

import re

import yaml

from ...records import Document, Found
from ..build import make_document
from ..decode import decode_text, looks_binary
from ..registry import Origin, Reader, register

_FRONT = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*\n", re.S)
_MD_TITLE = re.compile(r"^#\s+(.+)$", re.M)


def read(data: bytes, origin: Origin) -> list[Document]:
    text = decode_text(data)
    meta: dict[str, object] = {}
    m = _FRONT.match(text)
    if m:
        try:
            loaded = yaml.safe_load(m.group(1))
        except yaml.YAMLError:
            loaded = None
        if isinstance(loaded, dict):
            meta = {str(k).lower(): v for k, v in loaded.items()}
            text = text[m.end() :]
    title = Found(str(meta["title"]), "front-matter") if meta.get("title") else None
    if title is None and (t := _MD_TITLE.search(text[:2000])):
        title = Found(t.group(1).strip(), "markdown:h1")
    published = None
    raw_date = meta.get("date") or meta.get("published")
    if raw_date:
        published = Found(str(raw_date), "front-matter")
    else:
        from ..dates import find_published

        published = find_published(text)
    extra = {k: v if isinstance(v, (str, int, float, bool)) else str(v) for k, v in meta.items() if k not in ("title", "date", "published")}
    media = "text/markdown" if (origin.path or "").lower().endswith((".md", ".markdown")) else "text/plain"
    return [make_document(text, origin, reader="text.v1", media_type=media, title=title, published=published, extra=extra)]


def sniff(head: bytes) -> int:
    """Text is the fallback: a low score for anything that decodes and is not binary."""
    return 0 if looks_binary(head) else 5


register(Reader("text.v1", ("text/plain", "text/markdown", "text/x-markdown"), (".txt", ".md", ".markdown", ".text"), read, sniff))
