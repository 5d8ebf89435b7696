"""``make_document``: the one place a reader turns extracted text into a ``Document``."""

from __future__ import annotations

from typing import Any

from ..errors import ReadError
from ..records import Document, Found
from .language import detect_language
from .normalise import clean_text, content_id
from .registry import Origin


def make_document(
    text: str,
    origin: Origin,
    *,
    reader: str,
    media_type: str,
    title: Found | None = None,
    published: Found | None = None,
    author: Found | None = None,
    url: str | None = None,
    extra: dict[str, Any] | None = None,
) -> Document:
    """Clean ``text``, refuse empty or over-long text, hash it, detect the language.

    ``published`` values are ISO 8601 strings (``2020-03-30`` or a full datetime).
    """
    text = clean_text(text)
    if not text:
        raise ReadError("E101 no text found (empty document)")
    if len(text) > origin.settings.max_chars:
        raise ReadError(f"E103 text too long ({len(text):,} characters; limit {origin.settings.max_chars:,})")
    if title is None or not title.value:
        first = text.split("\n", 1)[0].strip()
        title = Found(first[:200], "text:first-line") if first else Found(None)
    lang = detect_language(text)
    return Document(
        id=content_id(text),
        text=text,
        title=title,
        published=published or Found(None),
        language=Found(lang, "lingua" if lang else None),
        author=author or Found(None),
        url=url or origin.url,
        path=origin.path,
        source=origin.source,
        media_type=media_type,
        reader=reader,
        extra=extra or {},
    )
