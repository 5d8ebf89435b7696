"""PDF files through pypdf: text layer page by page, title/author/date from the info dictionary.

Encrypted files are tried with the empty password (many "protected" PDFs
only restrict printing); scanned files have no text layer and are refused
with that reason rather than stored empty.
"""

from __future__ import annotations

import contextlib
import io
import logging
import re
from typing import Any, Iterator

from ...errors import ReadError
from ...records import Document, Found
from ..build import make_document
from ..dates import stated_or_file_date, to_iso
from ..decode import check_input
from ..registry import Origin, Reader, register
from .text import guess_title

MIN_LETTERS = 10  # fewer letters than this over the whole file is no text layer
# Info-dictionary titles that name the file or the tool rather than the document.
_JUNK_TITLE = re.compile(r"^(?:untitled|microsoft (?:word|powerpoint) - .*|.*\.(?:docx?|pdf|indd|pptx?|rtf|odt|tex|dvi))$", re.I)


def _open(data: bytes) -> Any:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except DependencyError:
                raise ReadError("E113 encrypted PDF (AES; opening it needs the 'cryptography' package)") from None
            except (NotImplementedError, FileNotDecryptedError, PdfReadError):
                opened = 0
            if not opened:
                raise ReadError("E113 encrypted PDF (needs a password)")
        return reader
    except ReadError:
        raise
    except Exception as exc:  # pypdf raises many kinds on damaged files; all mean the same to the user
        raise ReadError(f"E115 corrupt or truncated PDF ({_reason(exc)})") from None


def _reason(exc: Exception) -> str:
    message = " ".join(str(exc).split())[:80]
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def read(data: bytes, origin: Origin) -> list[Document]:
    check_input(data, origin)
    if b"%PDF-" not in data[:1024]:
        raise ReadError("E115 corrupt or truncated PDF (no %PDF header)")
    with _quiet_pypdf():
        return _read(data, origin)


@contextlib.contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """pypdf logs every repair it makes on damaged files; our one-line error is the message that matters."""
    logger = logging.getLogger("pypdf")
    before = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(before)


def _read(data: bytes, origin: Origin) -> list[Document]:
    reader = _open(data)
    pages: list[str] = []
    try:
        for page in reader.pages:
            pages.append(page.extract_text() or "")
    except ReadError:
        raise
    except Exception as exc:
        if not any(p.strip() for p in pages):
            raise ReadError(f"E115 corrupt or truncated PDF ({_reason(exc)})") from None
    if not pages:
        raise ReadError("E115 corrupt or truncated PDF (no pages)")
    text = "\n\n".join(p.strip() for p in pages if p.strip())
    if sum(ch.isalpha() for ch in text) < MIN_LETTERS:
        raise ReadError("E114 no text layer (scanned PDF?)")
    meta = _metadata(reader)
    raw_title = meta.get("title")
    title = Found(raw_title, "pdf:info") if raw_title and not _JUNK_TITLE.match(raw_title) else guess_title(text)
    author = Found(meta["author"], "pdf:info") if meta.get("author") else None
    iso = to_iso(meta.get("created"))
    published = stated_or_file_date(text, iso, "pdf:info-created")
    extra: dict[str, Any] = {"pages": len(pages)}
    return [
        make_document(
            text, origin, reader="pdf.v1", media_type="application/pdf", title=title, published=published,
            author=author, extra=extra,
        )
    ]


def _metadata(reader: Any) -> dict[str, Any]:
    """Title, author and creation date from the info dictionary; damaged entries are ignored."""
    out: dict[str, Any] = {}
    try:
        info = reader.metadata
    except Exception:
        return out
    if not info:
        return out
    for key, attr in (("title", "title"), ("author", "author")):
        try:
            value = getattr(info, attr)
        except Exception:
            continue
        if value:
            text = " ".join(str(value).split())
            if text:
                out[key] = text
    try:
        out["created"] = info.creation_date
    except Exception:
        raw = info.get("/CreationDate")
        out["created"] = str(raw) if raw else None
    return out


def sniff(head: bytes) -> int:
    return 100 if b"%PDF-" in head[:1024] else 0


register(Reader("pdf.v1", ("application/pdf", "application/x-pdf"), (".pdf",), read, sniff))
