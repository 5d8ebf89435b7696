"""E-mail messages (.eml), so network members can forward items to the workbench.

Subject → title, Date → published, From → author; the plain-text body is
preferred, else the HTML body as text. Readable attachments (HTML, PDF,
DOCX, text) become documents of their own; one that fails is noted on the
message rather than failing it.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from ...errors import ReadError
from ...records import Document, Found
from ..build import make_document
from ..dates import to_iso
from ..decode import check_input, decode_text
from ..registry import Origin, Reader, register
from .html import html_to_text

MAX_ATTACHMENTS = 20
_FORWARD = re.compile(r"^\s*(?:(?:fwd?|fw|tr|wg|rv|enc)\s*:\s*)+", re.I)
_HEADER = re.compile(rb"^([A-Za-z][A-Za-z0-9-]{1,40}):[ \t]", re.M)
_MAIL_HEADERS = frozenset(
    b"from to cc subject date message-id received return-path mime-version delivered-to reply-to "
    b"content-type sender x-mailer user-agent".split()
)
_STRONG = frozenset(b"from received return-path message-id mime-version delivered-to".split())


def _part_text(part: Any) -> str:
    """Text of a MIME part; unknown or lying charsets fall back to our own decoding."""
    try:
        content = part.get_content()
    except (LookupError, UnicodeError, ValueError, AssertionError):
        payload = part.get_payload(decode=True) or b""
        try:
            content = decode_text(payload)
        except ReadError:
            return ""
    if isinstance(content, bytes):
        try:
            content = decode_text(content)
        except ReadError:
            return ""
    return content if isinstance(content, str) else ""


def _body(msg: Any) -> str:
    part = msg.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    text = _part_text(part)
    return html_to_text(text) if part.get_content_subtype() == "html" else text


def _raw(msg: Any, name: str) -> str:
    """A header as written (RFC 2047 words decoded when possible), without the structured parser."""
    from email.header import decode_header, make_header

    for key, value in msg.raw_items():
        if key.lower() == name.lower():
            try:
                value = str(make_header(decode_header(value)))
            except Exception:  # malformed encoded words: keep the raw text
                pass
            return " ".join(str(value).split())
    return ""


def _header(msg: Any, name: str) -> str:
    # The structured header parser raises odd errors on malformed headers; fall back to the raw text.
    try:
        return " ".join(str(msg.get(name, "") or "").split())
    except Exception:
        return _raw(msg, name)


def _author(msg: Any) -> Found | None:
    try:
        header = msg["From"]
        addresses = getattr(header, "addresses", ()) if header is not None else ()
        if addresses:
            name = addresses[0].display_name or addresses[0].addr_spec
            return Found(name, "email:from") if name else None
    except Exception:
        pass
    raw = _raw(msg, "From")
    return Found(raw, "email:from") if raw else None


def read(data: bytes, origin: Origin) -> list[Document]:
    check_input(data, origin)
    if not sniff(data[:8192]):
        raise ReadError("E120 not an e-mail message (no mail headers)")
    import email
    from email import policy

    msg = email.message_from_bytes(data, policy=policy.default)
    subject = _FORWARD.sub("", _header(msg, "Subject")).strip()
    title = Found(subject, "email:subject") if subject else None
    iso = to_iso(_header(msg, "Date"))
    published = Found(iso, "email:date") if iso else None
    extra: dict[str, Any] = {}
    if message_id := _header(msg, "Message-ID"):
        extra["message_id"] = message_id
    try:
        attachments, skipped = _attachments(msg, origin)
        body = _body(msg)
    except ReadError:
        raise
    except Exception as exc:  # the stdlib MIME parser has its own failure modes on damaged input
        raise ReadError(f"E120 unreadable e-mail message ({type(exc).__name__})") from None
    if skipped:
        extra["attachments_skipped"] = skipped
    docs: list[Document] = []
    if body.strip():
        docs.append(
            make_document(
                body, origin, reader="email.v1", media_type="message/rfc822", title=title,
                published=published, author=_author(msg), extra=extra,
            )
        )
    parent = docs[0].id if docs else None
    for doc in attachments:
        note = {**doc.extra, "attachment_of": parent} if parent else doc.extra
        if doc.published.value is None and published is not None:
            doc = dataclasses.replace(doc, published=Found(published.value, "email:date"))
        docs.append(dataclasses.replace(doc, extra=note))
    if not docs:
        raise ReadError("E101 e-mail has no text (empty body, no readable attachment)")
    return docs


def _attachments(msg: Any, origin: Origin) -> tuple[list[Document], list[str]]:
    """Documents read from readable attachments, and 'name: reason' for those that failed."""
    from ..registry import choose

    docs: list[Document] = []
    skipped: list[str] = []
    for count, part in enumerate(msg.iter_attachments()):
        name = part.get_filename() or f"attachment-{count + 1}"
        if count >= MAX_ATTACHMENTS:
            skipped.append(f"{name}: more than {MAX_ATTACHMENTS} attachments")
            break
        data = part.get_payload(decode=True)
        if not isinstance(data, bytes) or not data.strip():
            continue
        sub = Origin(
            input=f"{origin.input}#{name}", path=None, url=None, media_type=part.get_content_type(),
            source=origin.source or origin.path or origin.input, settings=origin.settings,
        )
        try:
            reader = choose(dataclasses.replace(sub, path=name), data[:8192])
            if reader.name.startswith("email."):
                continue  # forwarded messages as attachments: not followed, to bound the work
            docs.extend(dataclasses.replace(d, extra={**d.extra, "attachment": name}) for d in reader.read(data, sub))
        except ReadError as exc:
            skipped.append(f"{name}: {exc}")
    return docs, skipped


def sniff(head: bytes) -> int:
    """80 when the head is an RFC 822 header block with real mail headers."""
    start = head.lstrip(b"\xef\xbb\xbf")
    if start.startswith(b"From ") and b"\n" in start:
        start = start.split(b"\n", 1)[1]  # mbox separator line
    block = re.split(rb"\r?\n\r?\n", start, maxsplit=1)[0]
    if not _HEADER.match(block):
        return 0
    names = {m.group(1).lower() for m in _HEADER.finditer(block)}
    known = names & _MAIL_HEADERS
    return 80 if len(known) >= 2 and names & _STRONG else 0


register(Reader("email.v1", ("message/rfc822",), (".eml",), read, sniff))
