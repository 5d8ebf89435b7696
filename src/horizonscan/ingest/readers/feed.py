"""RSS and Atom feeds through feedparser: every entry with text becomes its own document.

The entry's link is the document's url and the feed (its URL when fetched)
is the document's source, so a briefing can cite the article while filters
can still select "everything from this feed".
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from ...errors import ReadError
from ...records import Document, Found
from ..build import make_document
from ..dates import to_iso
from ..decode import check_input
from ..registry import Origin, Reader, register
from .html import html_to_text

_ROOT = re.compile(rb"\A(?:\s|<\?.*?\?>|<!--.*?-->|<!doctype[^>]*>)*<([A-Za-z][A-Za-z0-9:._-]*)", re.S | re.I)
_FEED_ROOTS = (b"rss", b"feed", b"rdf:rdf", b"rdf")


def _entry_text(entry: Any) -> str:
    """The fullest body an entry offers (content over summary), as plain text."""
    bodies = [c.get("value", "") for c in entry.get("content", []) or []]
    bodies.append(entry.get("summary", "") or "")
    best = max(bodies, key=len)
    return html_to_text(best)


def _entry_title(entry: Any) -> str | None:
    title = entry.get("title") or ""
    detail = entry.get("title_detail") or {}
    if "html" in str(detail.get("type", "")):
        title = html_to_text(title)
    title = " ".join(title.split())
    return title or None


def _entry_date(entry: Any) -> Found | None:
    for key, how in (("published_parsed", "feed:published"), ("updated_parsed", "feed:updated"), ("created_parsed", "feed:created")):
        iso = to_iso(entry.get(key))
        if iso:
            return Found(iso, how)
    for key in ("published", "updated"):
        iso = to_iso(entry.get(key))
        if iso:
            return Found(iso, f"feed:{key}")
    return None


def read(data: bytes, origin: Origin) -> list[Document]:
    check_input(data, origin)
    import feedparser

    try:
        parsed = feedparser.parse(data)
    except Exception as exc:  # feedparser trips over some malformed declarations instead of flagging them
        raise ReadError(f"E118 not a feed (unreadable: {type(exc).__name__})") from None
    if not parsed.get("version") or (parsed.get("bozo") and not parsed.entries and not parsed.feed.get("title")):
        raise ReadError("E118 not a feed (no RSS or Atom structure found)")
    feed_url = origin.url or None
    entry_origin = dataclasses.replace(origin, source=feed_url or origin.source or origin.path or origin.input, url=None)
    feed_title = " ".join(str(parsed.feed.get("title", "")).split())
    media = "application/atom+xml" if str(parsed.get("version", "")).startswith("atom") else "application/rss+xml"
    docs: list[Document] = []
    for entry in parsed.entries:
        text = _entry_text(entry)
        title = _entry_title(entry)
        if title and text and not text.startswith(title):
            # The headline is part of what the entry says; put it first as a web page would.
            text = f"{title}\n\n{text}"
        author = " ".join(str((entry.get("author_detail") or {}).get("name") or entry.get("author", "")).split())
        extra = {k: v for k, v in (("feed_title", feed_title), ("entry_id", entry.get("id", ""))) if v}
        try:
            docs.append(
                make_document(
                    text, entry_origin, reader="feed.v1", media_type=media,
                    title=Found(title, "feed:entry") if title else None, published=_entry_date(entry),
                    author=Found(author, "feed:entry") if author else None, url=entry.get("link") or None,
                    extra=extra,
                )
            )
        except ReadError:
            continue  # an entry without text is a headline-only item; the others still count
    if not docs:
        raise ReadError(f"E119 feed has no entries with text ({len(parsed.entries)} entries)")
    return docs


def sniff(head: bytes) -> int:
    m = _ROOT.match(head.lstrip(b"\xef\xbb\xbf"))
    return 90 if m and m.group(1).lower() in _FEED_ROOTS else 0


register(
    Reader(
        "feed.v1",
        ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/x-rss+xml", "application/xml", "text/xml"),
        (".rss", ".atom", ".xml", ".rdf"),
        read,
        sniff,
    )
)
