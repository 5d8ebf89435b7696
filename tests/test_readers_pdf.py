"""PDF reader on PDFs built here: a hand-made text PDF, blank, encrypted, truncated and corrupt ones."""

from __future__ import annotations

import io

import pytest

from horizonscan.errors import ReadError
from horizonscan.ingest.readers.pdf import read, sniff
from horizonscan.ingest.registry import Origin, choose
from horizonscan.settings import Settings

LINES = [
    "Aid and loans in Central Asia",
    "",
    "China (through its Export-Import Bank) lent money for a road in Kyrgyzstan.",
    "The road links Bishkek with the south of the country.",
]


def _pdf_string(text: str) -> str:
    return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def make_pdf(lines: list[str], info: dict[str, str] | None = None) -> bytes:
    """A one-page PDF showing ``lines`` in Helvetica, with a correct cross-reference table."""
    ops = ["BT", "/F1 12 Tf", "72 720 Td", "14 TL"]
    ops += [f"{_pdf_string(line)} Tj T*" for line in lines]
    ops.append("ET")
    stream = "\n".join(ops).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    if info:
        objects.append(("<< " + " ".join(f"/{k} {_pdf_string(v)}" for k, v in info.items()) + " >>").encode("latin-1"))
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    trailer = b"<< /Size %d /Root 1 0 R" % (len(objects) + 1) + (b" /Info %d 0 R" % len(objects) if info else b"")
    out += b"trailer\n" + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def _write(writer: object) -> bytes:
    buf = io.BytesIO()
    writer.write(buf)  # type: ignore[attr-defined]
    return buf.getvalue()


def encrypted(user_password: str, owner_password: str | None = None) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf(LINES))))
    # RC4 works without the optional 'cryptography' package, so the test runs anywhere.
    writer.encrypt(user_password=user_password, owner_password=owner_password, algorithm="RC4-128")
    return _write(writer)


def origin(name: str = "report.pdf", **kw: object) -> Origin:
    return Origin(input=name, path=name, **kw)  # type: ignore[arg-type]


def test_hand_made_pdf_is_valid_for_pypdf() -> None:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(make_pdf(LINES)), strict=True)
    assert "Export-Import Bank" in reader.pages[0].extract_text()


def test_text_and_metadata() -> None:
    data = make_pdf(LINES, {"Title": "Loans for roads", "Author": "A. Analyst", "CreationDate": "D:20200301120000Z"})
    (doc,) = read(data, origin())
    assert "China (through its Export-Import Bank) lent money" in doc.text
    assert doc.title.value == "Loans for roads" and doc.title.how == "pdf:info"
    assert doc.author.value == "A. Analyst" and doc.author.how == "pdf:info"
    assert doc.published.value == "2020-03-01T12:00:00+00:00" and doc.published.how == "pdf:info-created"
    assert doc.reader == "pdf.v1" and doc.media_type == "application/pdf" and doc.extra == {"pages": 1}


def test_file_name_titles_are_ignored_for_the_text_title() -> None:
    (doc,) = read(make_pdf(LINES, {"Title": "Microsoft Word - draft3.docx"}), origin())
    assert doc.title.value == "Aid and loans in Central Asia" and doc.title.how.startswith("text:")


def test_stated_date_wins_over_the_files_creation_date() -> None:
    """A 2021 article printed to PDF today: the file says today, the text says 2021."""
    lines = ["Loan for a road in Kyrgyzstan", "Published 15 May 2021", "China lent money for a road linking Bishkek with the south."]
    (doc,) = read(make_pdf(lines, {"CreationDate": "D:20261207093000Z"}), origin())
    assert doc.published.value == "2021-05-15" and doc.published.how == "text:dateline"


def test_date_line_when_metadata_has_none() -> None:
    (doc,) = read(make_pdf(["Field note on a Chinese-built dam", "Published 12 May 2022", "The dam on the river is nearly complete, officials say."]), origin())
    assert doc.published.value == "2022-05-12" and doc.published.how == "text:dateline"


def test_encrypted_pdf_needs_a_password() -> None:
    with pytest.raises(ReadError, match=r"^E113 encrypted PDF"):
        read(encrypted("secret"), origin())


def test_encrypted_pdf_with_empty_user_password_opens() -> None:
    (doc,) = read(encrypted("", owner_password="owner"), origin())
    assert "Bishkek" in doc.text


def test_image_only_pdf_has_no_text_layer() -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(612, 792)
    writer.add_blank_page(612, 792)
    with pytest.raises(ReadError, match=r"^E114 no text layer \(scanned PDF\?\)$"):
        read(_write(writer), origin())


@pytest.mark.parametrize("cut", [12, 200, 400, -60])
def test_truncated_pdf(cut: int) -> None:
    data = make_pdf(LINES)
    with pytest.raises(ReadError, match=r"^E115 corrupt or truncated PDF"):
        read(data[:cut], origin())


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.4\n" + bytes(range(256)) * 20,
        make_pdf(LINES).replace(b"xref", b"xr_f").replace(b"startxref", b"startxr_f"),
        b"not a pdf at all, just words",
    ],
)
def test_corrupt_pdf(data: bytes) -> None:
    with pytest.raises(ReadError) as info:
        read(data, origin())
    message = str(info.value)
    assert message.startswith("E115 corrupt or truncated PDF") and "\n" not in message


def test_empty_and_oversize() -> None:
    with pytest.raises(ReadError, match=r"^E101 "):
        read(b"", origin())
    with pytest.raises(ReadError, match=r"^E108 "):
        read(make_pdf(LINES), origin(settings=Settings(max_bytes=100)))


def test_mislabelled_pdf_goes_to_the_pdf_reader() -> None:
    data = make_pdf(LINES)
    assert sniff(data[:1024]) == 100
    for name in ("notes.txt", "page.html", "noext"):
        assert choose(Origin(name, path=name), data[:8192]).name == "pdf.v1"
    assert choose(Origin("http://x/a", url="http://x/a", media_type="text/html"), data[:8192]).name == "pdf.v1"
