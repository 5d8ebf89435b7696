"""Plain text and Markdown, with optional YAML front matter (title, date, source, place).

Without front matter or a Markdown heading, the title is guessed from the
layout of the head of the text (see :func:`guess_title`).
"""

from __future__ import annotations

import re

import yaml

from ...records import Document, Found
from ..build import make_document
from ..dates import find_dateline, find_published, parse_date_line, to_iso
from ..decode import check_input, declared_charset, decode_text, looks_binary
from ..registry import Origin, Reader, register

_FRONT = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*\n", re.S)
_MD_TITLE = re.compile(r"^#\s+(.+)$", re.M)
_ORNAMENT = re.compile(r"^[\s\u2022\u00b7*#>|\-–—]+")
MAX_TITLE = 200
_NAV_SEPARATOR = re.compile(r"\s[|›»>/·]\s")
BLOCK_LINES = 6  # how far from the date line (or the top) a title may sit, in non-empty lines


def _is_sentence(line: str) -> bool:
    """Body text, labels and captions end a title block: they end in punctuation or run long."""
    return len(line) > MAX_TITLE or len(line.split()) > 30 or line.rstrip().endswith((".", ":", ";", ",", "…"))


def _is_navigation(line: str) -> bool:
    """Breadcrumbs and menus ("Home | World | Asia"), and bare links, are never titles."""
    return len(_NAV_SEPARATOR.findall(line)) >= 2 or bool(re.match(r"^(?:https?://|www\.)\S+$", line))


def _is_strong(line: str) -> bool:
    """Long enough to be a headline rather than a kicker, tag or series label ("CASE STUDY #2")."""
    return len(line.split()) >= 5 or len(line) >= 30


def _pick(block: list[str]) -> str | None:
    """First headline-strength line of a block, else the first line of two words or more."""
    for line in block:
        if _is_strong(line):
            return line
    return next((line for line in block if len(line.split()) >= 2), None)


def _block(lines: list[str], start: int, step: int) -> list[str]:
    """Consecutive title-like lines from ``start`` walking by ``step``, in reading order."""
    found: list[str] = []
    i = start
    while 0 <= i < len(lines) and len(found) < BLOCK_LINES:
        line = _ORNAMENT.sub("", lines[i]).strip()
        i += step
        if not line:
            continue
        if parse_date_line(line) or _is_navigation(line):
            continue
        if _is_sentence(line):
            break
        found.append(line)
    return found[::-1] if step < 0 else found


def guess_title(text: str) -> Found | None:
    """Title of a plain text from its layout, or None when nothing looks like one.

    Web pages saved as text put the headline just above the date line, under
    short boilerplate (tags, kickers) and above a standfirst; reports put a
    series label and then the title at the top. So: take the block of
    title-like lines just above the date line (or at the top when there is
    none) and choose its first headline-strength line.
    """
    lines = text.splitlines()
    dateline = find_dateline(text)
    if dateline is not None:
        title = _pick(_block(lines, dateline.index - 1, -1)) or _pick(_block(lines, dateline.index + 1, 1))
        if title:
            return Found(title[:MAX_TITLE], "text:above-dateline")
    title = _pick(_block(lines, 0, 1))
    return Found(title[:MAX_TITLE], "text:head-block") if title else None


def front_matter(text: str) -> tuple[dict[str, object], int]:
    """YAML front matter at the top of ``text``: (its fields, where the body starts).

    ({}, 0) when there is none or it is not a YAML mapping (then it is body text).
    """
    m = _FRONT.match(text)
    if not m:
        return {}, 0
    try:
        loaded = yaml.safe_load(m.group(1))
    except yaml.YAMLError:
        return {}, 0
    if not isinstance(loaded, dict):
        return {}, 0
    return {str(k).lower(): v for k, v in loaded.items()}, m.end()


def read(data: bytes, origin: Origin) -> list[Document]:
    check_input(data, origin)
    text = decode_text(data, declared_charset(origin.media_type))
    meta, body = front_matter(text)
    text = text[body:]
    title = Found(str(meta["title"]), "front-matter") if meta.get("title") else None
    if title is None and (t := _MD_TITLE.search(text[:2000])):
        title = Found(t.group(1).strip(), "markdown:h1")
    if title is None:
        title = guess_title(text)
    iso = to_iso(meta.get("date") or meta.get("published"))
    published = Found(iso, "front-matter") if iso else find_published(text)
    extra = {k: v if isinstance(v, (str, int, float, bool)) else str(v) for k, v in meta.items() if k not in ("title", "date", "published")}
    media = "text/markdown" if (origin.path or "").lower().endswith((".md", ".markdown")) else "text/plain"
    return [make_document(text, origin, reader="text.v1", media_type=media, title=title, published=published, extra=extra)]


def sniff(head: bytes) -> int:
    """Text is the fallback: a low score for anything that decodes and is not binary."""
    return 0 if looks_binary(head) else 5


register(Reader("text.v1", ("text/plain", "text/markdown", "text/x-markdown"), (".txt", ".md", ".markdown", ".text"), read, sniff))
