"""E-mail reader on messages built here with the standard library."""

from __future__ import annotations

import io
from email.message import EmailMessage

import pytest

from horizonscan.errors import ReadError
from horizonscan.ingest.readers.email import read, sniff
from horizonscan.ingest.registry import Origin, choose
from horizonscan.settings import Settings

BODY = "Residents protested outside a Chinese-built cement plant near Almaty on Tuesday, a network member reports."


def message(*, html: str | None = None, plain: str | None = BODY, subject: str = "Fwd: Protest at cement plant") -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "Aigerim Scanner <aigerim@example.org>"
    msg["To"] = "hub@example.org"
    msg["Subject"] = subject
    msg["Date"] = "Wed, 04 Nov 2020 09:15:00 +0600"
    msg["Message-ID"] = "<note-1@example.org>"
    if plain is not None:
        msg.set_content(plain)
        if html is not None:
            msg.add_alternative(html, subtype="html")
    elif html is not None:
        msg.set_content(html, subtype="html")
    return msg


def origin(name: str = "note.eml", **kw: object) -> Origin:
    return Origin(input=name, path=name, **kw)  # type: ignore[arg-type]


def test_headers_and_plain_body() -> None:
    (doc,) = read(message(html="<p>HTML version</p>").as_bytes(), origin())
    assert doc.text == BODY  # text/plain preferred over the HTML alternative
    assert doc.title.value == "Protest at cement plant" and doc.title.how == "email:subject"
    assert doc.published.value == "2020-11-04T09:15:00+06:00" and doc.published.how == "email:date"
    assert doc.author.value == "Aigerim Scanner" and doc.author.how == "email:from"
    assert doc.extra == {"message_id": "<note-1@example.org>"}
    assert doc.reader == "email.v1" and doc.media_type == "message/rfc822"


def test_html_only_body_is_cleaned() -> None:
    html = "<html><body><h1>Railway</h1><p>China &amp; Laos opened the railway.</p><script>x()</script></body></html>"
    (doc,) = read(message(plain=None, html=html).as_bytes(), origin())
    assert doc.text == "Railway\n\nChina & Laos opened the railway."


def test_legacy_charset_body() -> None:
    raw = (
        b"From: a@example.org\r\nTo: b@example.org\r\nSubject: =?koi8-r?b?8NLJ18XU?=\r\n"
        b"Date: Mon, 02 Mar 2020 10:00:00 +0000\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=koi8-r\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        + "Гуманитарная помощь из Китая прибыла в Бишкек.".encode("koi8-r")
    )
    (doc,) = read(raw, origin())
    assert doc.text == "Гуманитарная помощь из Китая прибыла в Бишкек."
    assert doc.title.value == "Привет"


def test_readable_attachments_become_documents_and_junk_is_noted() -> None:
    import docx

    word = docx.Document()
    word.add_paragraph("Field report: the plant owner met protesters and promised an environmental review.")
    buf = io.BytesIO()
    word.save(buf)
    msg = message()
    msg.add_attachment(buf.getvalue(), maintype="application", subtype="octet-stream", filename="report.docx")
    msg.add_attachment(b"\x00\x01\x02\x03" * 50, maintype="application", subtype="octet-stream", filename="photo.raw")
    main, attached = read(msg.as_bytes(), origin())
    assert main.text == BODY
    assert main.extra["attachments_skipped"] == ["photo.raw: E102 unsupported format (application/octet-stream)"]
    assert attached.reader == "docx.v1" and "environmental review" in attached.text
    assert attached.extra == {"attachment": "report.docx", "attachment_of": main.id}
    assert attached.published.value == main.published.value and attached.published.how == "email:date"


def test_not_an_email() -> None:
    for data in (b"Just some text\nwith lines\n", b"Subject: hi\nTo: x\n\nno sender header", b"<html><body>x</body></html>"):
        with pytest.raises(ReadError, match=r"^E120 not an e-mail message"):
            read(data, origin())


def test_empty_message_body() -> None:
    msg = message(plain="   \n")
    with pytest.raises(ReadError, match=r"^E101 e-mail has no text"):
        read(msg.as_bytes(), origin())


def test_bad_date_header_gives_no_date() -> None:
    msg = message()
    msg.replace_header("Date", "sometime last week")
    (doc,) = read(msg.as_bytes(), origin())
    assert doc.published.value is None


def test_oversize_and_empty() -> None:
    with pytest.raises(ReadError, match=r"^E108 "):
        read(message().as_bytes(), origin(settings=Settings(max_bytes=100)))
    with pytest.raises(ReadError, match=r"^E101 "):
        read(b"\n\n", origin())


def test_sniff_and_mislabelled_email() -> None:
    data = message().as_bytes()
    assert sniff(data) == 80
    assert sniff(b"From someone@example.org Mon Jan 1 00:00:00 2020\nFrom: a@b\nSubject: x\n\nbody") == 80
    assert sniff(b"title: a note\ndate: 2020-01-01\n\nbody") == 0
    for name in ("note.eml", "note.txt", "note"):
        assert choose(Origin(name, path=name), data[:8192]).name == "email.v1"


def test_malformed_from_header_falls_back_to_raw_text() -> None:
    # This address makes the stdlib structured-header parser raise AttributeError internally.
    raw = message().as_bytes().replace(b"<aigerim@example.org>", b"<aigerim@[xample.org>")
    (doc,) = read(raw, origin())
    assert doc.author.value == "Aigerim Scanner <aigerim@[xample.org>" and doc.author.how == "email:from"
    assert doc.text == BODY
