"""Word documents (.docx) through python-docx: paragraphs and tables in body order, core properties.

A .docx is a zip archive, so the archive is checked before python-docx
opens it: a "document" that unpacks to far more than the size limit is a zip
bomb, not a report.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from ...errors import ReadError
from ...records import Document, Found
from ..build import make_document
from ..dates import stated_or_file_date, to_iso
from ..decode import check_input
from ..registry import Origin, Reader, register
from .text import guess_title

_TITLE_STYLES = ("title", "heading 1")
# python-docx's blank template carries these; in a generated file they say nothing about the document.
_TEMPLATE_AUTHOR = "python-docx"
_TEMPLATE_CREATED = "2013-12-23T23:15:00+00:00"


def _check_archive(data: bytes, origin: Origin) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise ReadError(f"E116 corrupt DOCX (not a valid zip archive: {exc})") from None
    if "word/document.xml" not in names:
        raise ReadError("E116 corrupt DOCX (no word/document.xml; not a Word document)")
    limit = origin.settings.max_bytes
    if unpacked > limit:
        raise ReadError(f"E117 DOCX unpacks to {unpacked:,} bytes (limit {limit:,}; zip bomb?)")


def _cell_texts(row: Any) -> list[str]:
    """Cell texts of a table row, merged cells counted once."""
    seen: set[int] = set()
    out: list[str] = []
    for cell in row.cells:
        key = id(cell._tc)
        if key in seen:
            continue
        seen.add(key)
        text = " ".join(cell.text.split())
        if text:
            out.append(text)
    return out


def _blocks(doc: Any) -> tuple[list[str], str | None]:
    """Body text blocks in reading order, and the first Title/Heading 1 paragraph."""
    from docx.table import Table

    blocks: list[str] = []
    styled_title: str | None = None
    for item in doc.iter_inner_content():
        if isinstance(item, Table):
            rows = [" | ".join(cells) for cells in (_cell_texts(r) for r in item.rows) if cells]
            if rows:
                blocks.append("\n".join(rows))
            continue
        text = item.text.strip()
        if not text:
            continue
        style = (item.style.name if item.style is not None else "") or ""
        if styled_title is None and style.lower() in _TITLE_STYLES:
            styled_title = " ".join(text.split())
        blocks.append(text)
    return blocks, styled_title


def read(data: bytes, origin: Origin) -> list[Document]:
    check_input(data, origin)
    _check_archive(data, origin)
    import docx

    try:
        doc = docx.Document(io.BytesIO(data))
        blocks, styled_title = _blocks(doc)
        props = doc.core_properties
        meta_title, meta_author, created = props.title, props.author, props.created
    except Exception as exc:  # zlib, zipfile, lxml, python-docx: on a damaged file each means the same
        raise ReadError(f"E116 corrupt DOCX ({type(exc).__name__})") from None
    text = "\n\n".join(blocks)
    title: Found | None = None
    if meta_title and meta_title.strip():
        title = Found(" ".join(meta_title.split()), "docx:core")
    elif styled_title:
        title = Found(styled_title, "docx:title-style")
    else:
        title = guess_title(text)
    iso = to_iso(created)
    if iso == _TEMPLATE_CREATED:
        iso = None
    published = stated_or_file_date(text, iso, "docx:core-created")
    name = (meta_author or "").strip()
    author = Found(name, "docx:core") if name and name != _TEMPLATE_AUTHOR else None
    media = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    return [make_document(text, origin, reader="docx.v1", media_type=media, title=title, published=published, author=author)]


def sniff(head: bytes) -> int:
    """A zip whose first entries include word/ parts is a Word document; a bare zip only might be."""
    if not head.startswith(b"PK\x03\x04"):
        return 0
    return 95 if b"word/" in head else 10


register(
    Reader(
        "docx.v1",
        ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",),
        (".docx",),
        read,
        sniff,
    )
)
