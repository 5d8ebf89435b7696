"""Reader choice by extension, declared type and content; every reader's shared guarantees."""

from __future__ import annotations

import io
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from horizonscan.errors import ReadError
from horizonscan.ingest.registry import Origin, Reader, choose, readers
from horizonscan.settings import Settings

HTML = b"<!doctype html><html><head><title>T</title></head><body><p>China and Laos signed a railway agreement in Vientiane today.</p></body></html>"
XHTML = b'<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><body><p>x</p></body></html>'
RSS = b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item><title>A</title><description>Loan news from Nairobi about the railway.</description></item></channel></rss>'
ATOM = b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>T</title></feed>'
EML = b"From: a@example.org\r\nTo: b@example.org\r\nSubject: Note\r\nDate: Mon, 02 Mar 2020 10:00:00 +0000\r\n\r\nAid arrived in Bishkek on Monday.\r\n"
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
TEXT = "Plain notes about aid to Nepal after the 2015 earthquake.\n".encode()


def _docx() -> bytes:
    import docx

    doc = docx.Document()
    doc.add_paragraph("A short Word note about a Chinese-funded hospital in Dushanbe.")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


DOCX = _docx()


def pick(name: str, head: bytes, media_type: str | None = None) -> str:
    return choose(Origin(name, path=name, media_type=media_type), head[:8192]).name


def test_builtin_readers_are_registered_with_versioned_names() -> None:
    names = [r.name for r in readers()]
    for expected in ("text.v1", "html.v1", "pdf.v1", "docx.v1", "feed.v1", "email.v1"):
        assert expected in names
    assert all(re.fullmatch(r"[a-z0-9_]+\.v\d+", n) for n in names)
    assert all(isinstance(r, Reader) and r.sniff is not None for r in readers())


@pytest.mark.parametrize(
    ("name", "head", "reader"),
    [
        ("page.html", HTML, "html.v1"),
        ("page.htm", HTML, "html.v1"),
        ("page.xhtml", XHTML, "html.v1"),
        ("page.xml", XHTML, "html.v1"),
        ("report.pdf", PDF, "pdf.v1"),
        ("report.docx", DOCX, "docx.v1"),
        ("feed.xml", RSS, "feed.v1"),
        ("feed.rss", RSS, "feed.v1"),
        ("feed.atom", ATOM, "feed.v1"),
        ("note.eml", EML, "email.v1"),
        ("note.txt", TEXT, "text.v1"),
        ("note.md", b"# Title\n\nBody", "text.v1"),
        ("empty.txt", b"", "text.v1"),
        ("README", TEXT, "text.v1"),
    ],
)
def test_choice_by_extension_and_content(name: str, head: bytes, reader: str) -> None:
    assert pick(name, head) == reader


@pytest.mark.parametrize(
    ("name", "head", "reader"),
    [
        ("report.txt", PDF, "pdf.v1"),
        ("report.html", PDF, "pdf.v1"),
        ("report.pdf", DOCX, "docx.v1"),
        ("page.txt", HTML, "html.v1"),
        ("page.pdf", HTML, "html.v1"),
        ("feed.html", RSS, "feed.v1"),
        ("feed.txt", ATOM, "feed.v1"),
        ("note.txt", EML, "email.v1"),
        ("note.html", EML, "email.v1"),
        ("download", HTML, "html.v1"),
    ],
)
def test_mislabelled_content_goes_to_the_right_reader(name: str, head: bytes, reader: str) -> None:
    assert pick(name, head) == reader


@pytest.mark.parametrize(
    ("media_type", "head", "reader"),
    [
        ("text/html; charset=utf-8", HTML, "html.v1"),
        ("application/pdf", PDF, "pdf.v1"),
        ("text/html", RSS, "feed.v1"),
        ("application/xml", RSS, "feed.v1"),
        ("text/plain", HTML, "html.v1"),
        ("application/octet-stream", PDF, "pdf.v1"),
    ],
)
def test_declared_type_of_a_url(media_type: str, head: bytes, reader: str) -> None:
    url = "http://127.0.0.1/item"
    assert choose(Origin(url, url=url, media_type=media_type), head).name == reader


def test_unknown_binary_is_unsupported() -> None:
    with pytest.raises(ReadError, match=r"^E102 unsupported format"):
        pick("photo.raw", b"\x00\x01\x02\x03" * 100)


SAMPLES = {"text.v1": TEXT, "html.v1": HTML, "pdf.v1": PDF, "docx.v1": DOCX, "feed.v1": RSS, "email.v1": EML}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_reader_refuses_oversize_and_empty_input(name: str) -> None:
    reader = next(r for r in readers() if r.name == name)
    small = Origin("input", settings=Settings(max_bytes=32))
    with pytest.raises(ReadError, match=r"^E108 input too large"):
        reader.read(SAMPLES[name], small)
    with pytest.raises(ReadError, match=r"^E101 "):
        reader.read(b"", Origin("input"))


@pytest.mark.parametrize("name", sorted(SAMPLES))
@settings(max_examples=25, deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_damaged_input_gives_read_error_or_documents(name: str, data: st.DataObject) -> None:
    """Truncated or bit-flipped input never escapes as anything but a one-line ReadError."""
    sample = bytearray(SAMPLES[name])
    cut = data.draw(st.integers(min_value=0, max_value=len(sample)))
    flips = data.draw(st.lists(st.tuples(st.integers(0, max(0, cut - 1)), st.integers(0, 255)), max_size=4))
    damaged = sample[:cut]
    for pos, value in flips:
        if pos < len(damaged):
            damaged[pos] = value
    reader = next(r for r in readers() if r.name == name)
    try:
        docs = reader.read(bytes(damaged), Origin("damaged"))
    except ReadError as exc:
        message = str(exc)
        assert re.match(r"^E1\d\d ", message) and "\n" not in message
    else:
        assert all(doc.text for doc in docs)
