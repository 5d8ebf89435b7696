"""DOCX reader on documents written here with python-docx."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest

from horizonscan.errors import ReadError
from horizonscan.ingest.readers.docx import read, sniff
from horizonscan.ingest.registry import Origin, choose
from horizonscan.settings import Settings


def make_docx(*, title: str = "", author: str = "", created: dt.datetime | None = None, heading: str | None = "Aid convoy reaches Bishkek") -> bytes:
    import docx

    doc = docx.Document()
    if heading:
        doc.add_heading(heading, level=0)
    doc.add_paragraph("A Chinese aid convoy arrived in Bishkek on Monday carrying medical supplies for three hospitals.")
    table = doc.add_table(rows=3, cols=2)
    for r, (a, b) in enumerate([("Item", "Amount"), ("Masks", "100,000"), ("Ventilators", "40")]):
        table.cell(r, 0).text, table.cell(r, 1).text = a, b
    doc.add_paragraph("The convoy was organised by a foundation based in Nanjing.")
    props = doc.core_properties
    props.title, props.author = title, author
    if created:
        props.created = created
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def origin(name: str = "report.docx", **kw: object) -> Origin:
    return Origin(input=name, path=name, **kw)  # type: ignore[arg-type]


def test_paragraphs_and_tables_in_order() -> None:
    (doc,) = read(make_docx(), origin())
    text = doc.text
    assert text.index("arrived in Bishkek") < text.index("Masks | 100,000") < text.index("Nanjing")
    assert "Item | Amount\nMasks | 100,000\nVentilators | 40" in text
    assert doc.reader == "docx.v1" and doc.media_type.endswith("wordprocessingml.document")


def test_core_properties() -> None:
    created = dt.datetime(2020, 4, 2, 9, 30, tzinfo=dt.timezone.utc)
    (doc,) = read(make_docx(title="Convoy report", author="Field Office", created=created), origin())
    assert doc.title.value == "Convoy report" and doc.title.how == "docx:core"
    assert doc.author.value == "Field Office" and doc.author.how == "docx:core"
    assert doc.published.value == "2020-04-02T09:30:00+00:00" and doc.published.how == "docx:core-created"


def test_stated_date_wins_over_core_created() -> None:
    created = dt.datetime(2026, 12, 7, 9, 30, tzinfo=dt.timezone.utc)
    (doc,) = read(make_docx(created=created, heading="Published 3 March 2021"), origin())
    assert doc.published.value == "2021-03-03" and doc.published.how == "text:dateline"


def test_title_style_when_no_core_title_and_template_defaults_ignored() -> None:
    (doc,) = read(make_docx(), origin())
    assert doc.title.value == "Aid convoy reaches Bishkek" and doc.title.how == "docx:title-style"
    # python-docx's blank template says 2013 and "python-docx": neither describes this document.
    assert doc.published.value is None and doc.author.value is None


def test_zip_bomb_is_refused() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<w:document>" + b" " * 3_000_000 + b"</w:document>")
    data = buf.getvalue()
    assert len(data) < 20_000
    with pytest.raises(ReadError, match=r"^E117 DOCX unpacks to 3,000,\d+ bytes"):
        read(data, origin(settings=Settings(max_bytes=1_000_000)))


@pytest.mark.parametrize("cut", [10, 500, -200])
def test_truncated_docx(cut: int) -> None:
    with pytest.raises(ReadError, match=r"^E116 corrupt DOCX"):
        read(make_docx()[:cut], origin())


def test_zip_that_is_not_word() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("data.csv", "a,b\n1,2\n")
    with pytest.raises(ReadError, match=r"^E116 corrupt DOCX \(no word/document.xml"):
        read(buf.getvalue(), origin())


def test_broken_document_xml() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(make_docx())) as src, zipfile.ZipFile(buf, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, b"<w:document><unclosed" if item.filename == "word/document.xml" else src.read(item))
    with pytest.raises(ReadError, match=r"^E116 corrupt DOCX"):
        read(buf.getvalue(), origin())


def test_empty_docx_has_no_text() -> None:
    import docx

    buf = io.BytesIO()
    docx.Document().save(buf)
    with pytest.raises(ReadError, match=r"^E101 "):
        read(buf.getvalue(), origin())


def test_sniff_and_mislabelled_docx() -> None:
    data = make_docx()
    assert sniff(data[:8192]) == 95
    assert sniff(b"PK\x03\x04other") == 10
    assert choose(Origin("report.pdf", path="report.pdf"), data[:8192]).name == "docx.v1"
    assert choose(Origin("report", path="report"), data[:8192]).name == "docx.v1"
