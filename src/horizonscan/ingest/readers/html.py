"""HTML pages: main text and metadata (title, date, author) extracted with trafilatura.

Also home of :func:`html_to_text`, the plain fallback the feed and e-mail
readers use for HTML fragments, where there is no page layout to analyse.
"""

from __future__ import annotations

import re
from typing import Any

from ...errors import ReadError
from ...records import Document, Found
from ..build import make_document
from ..dates import find_published, to_iso
from ..decode import check_input, looks_binary
from ..registry import Origin, Reader, register

# libxml2 gives up around 255 levels and trafilatura then returns nothing; past
# HARD_DEPTH we refuse before parsing, so hostile nesting costs one regex pass.
SOFT_DEPTH = 250
HARD_DEPTH = 5000
MIN_LETTERS = 25  # less than this is navigation residue, not an article

_TAG = re.compile(rb"<(/?)([A-Za-z][A-Za-z0-9:-]{0,30})\b[^<>]*?(/?)>")
# Elements that never contain others, or that the parser closes implicitly.
_NO_DEPTH = frozenset(
    b"area base br col embed hr img input link meta param source track wbr "
    b"p li dt dd tr td th option thead tbody tfoot colgroup".split()
)
_ROOT = re.compile(rb"\A(?:\s|<\?.*?\?>|<!--.*?-->|<!doctype[^>]*>)*<([A-Za-z][A-Za-z0-9:-]*)", re.S | re.I)


def nesting_depth(data: bytes, stop: int = HARD_DEPTH) -> int:
    """Approximate element depth of an HTML document, counting up to ``stop``."""
    depth = deepest = 0
    for m in _TAG.finditer(data):
        closing, name, selfclosing = m.groups()
        if selfclosing or name.lower() in _NO_DEPTH:
            continue
        if closing:
            depth = max(0, depth - 1)
            continue
        depth += 1
        if depth > deepest:
            deepest = depth
            if deepest >= stop:
                break
    return deepest


_LETTER = re.compile(r"[^\W\d_]")


def _letters(text: str, enough: int) -> int:
    """Letters in ``text``, counting no further than ``enough`` (a regex scan, not a Python loop)."""
    count = 0
    for count, _ in enumerate(_LETTER.finditer(text), 1):
        if count >= enough:
            break
    return count


def read(data: bytes, origin: Origin) -> list[Document]:
    check_input(data, origin)
    if looks_binary(data[:8192]):
        raise ReadError("E104 binary content, not HTML")
    depth = nesting_depth(data)
    if depth >= HARD_DEPTH:
        raise ReadError(f"E112 HTML nested too deeply (more than {HARD_DEPTH:,} levels)")
    import trafilatura

    params = {"extensive_search": False, "original_date": True, "outputformat": "%Y-%m-%d"}
    try:
        result: Any = trafilatura.bare_extraction(
            data, url=origin.url, with_metadata=True, include_tables=True, include_comments=False,
            date_extraction_params=params,
        )
    except (ValueError, TypeError, RecursionError) as exc:  # lxml/trafilatura on broken markup
        raise ReadError(f"E111 HTML could not be parsed ({type(exc).__name__})") from None
    text = (getattr(result, "text", None) or "") if result is not None else ""
    if _letters(text, MIN_LETTERS) < MIN_LETTERS:
        if depth > SOFT_DEPTH:
            raise ReadError(f"E112 HTML nested too deeply ({depth:,} levels)")
        raise ReadError("E111 HTML has no main text")
    # trafilatura puts one paragraph per line; blank lines keep paragraphs apart as in plain text.
    text = re.sub(r"\n+", "\n\n", text)
    title = _found(result.title, "html:meta")
    author = _found(result.author, "html:meta")
    iso = to_iso(result.date)
    published = Found(iso, "html:htmldate") if iso else find_published(text)
    extra = {k: v for k, v in (("sitename", result.sitename), ("description", result.description)) if v}
    return [
        make_document(
            text, origin, reader="html.v1", media_type="text/html", title=title, published=published,
            author=author, url=origin.url or result.url or None, extra=extra,
        )
    ]


def _found(value: object, how: str) -> Found | None:
    text = " ".join(str(value).split()) if value else ""
    return Found(text, how) if text else None


_BLOCK = frozenset(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 tr table blockquote pre section article header footer "
    "figure figcaption dl dt dd hr address aside main nav form".split()
)


_SKIP = re.compile(r"<(script|style|noscript|template)\b.*?</\1\s*>", re.S | re.I)
_BLOCK_TAG = re.compile(r"</?(?:%s)\b[^>]*>" % "|".join(sorted(_BLOCK)), re.I)
_ANY_TAG = re.compile(r"<[^>]*>")


def _strip_tags(fragment: str) -> str:
    import html

    text = _BLOCK_TAG.sub("\n\n", _SKIP.sub("", fragment))
    return html.unescape(_ANY_TAG.sub("", text))


def _walk_text(fragment: str) -> str:
    """Text of a fragment through lxml, with a paragraph break around every block element."""
    import lxml.etree
    import lxml.html

    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return _strip_tags(fragment)
    for bad in root.xpath("//script|//style|//noscript|//template"):
        bad.drop_tree()
    parts: list[str] = []

    def walk(el: Any) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        block = tag.lower() in _BLOCK
        if block:
            parts.append("\n\n")
        if el.text and tag:
            parts.append(el.text)
        for child in el:
            walk(child)
        if block:
            parts.append("\n\n")
        if el.tail:
            parts.append(el.tail)

    walk(root)
    return "".join(parts)


def html_to_text(fragment: str) -> str:
    """Visible text of an HTML fragment, one block element per paragraph; scripts and styles dropped."""
    if "<" not in fragment and "&" not in fragment:
        return fragment.strip()
    if nesting_depth(fragment.encode("utf-8", "replace"), stop=SOFT_DEPTH) >= SOFT_DEPTH:
        text = _strip_tags(fragment)  # libxml2 drops trees this deep; a flat pass keeps the words
    else:
        text = _walk_text(fragment)
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def sniff(head: bytes) -> int:
    """90 when the root element is <html>, 60 when the head shows HTML elements."""
    start = head.lstrip(b"\xef\xbb\xbf")
    m = _ROOT.match(start)
    if m and m.group(1).lower() == b"html":
        return 90
    if m and m.group(1).lower() in (b"rss", b"feed", b"rdf:rdf"):
        return 0
    lowered = head[:4096].lower()
    if start[:20].lower().startswith(b"<!doctype html") or re.search(rb"<(?:html|head|body)[\s>]", lowered):
        return 60
    return 0


register(
    Reader(
        "html.v1",
        ("text/html", "application/xhtml+xml"),
        (".html", ".htm", ".xhtml", ".shtml"),
        read,
        sniff,
    )
)
