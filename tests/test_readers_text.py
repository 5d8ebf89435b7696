"""Plain-text reader, byte decoding, date lines and the title heuristic."""

from __future__ import annotations

import codecs
import datetime as dt
import time
from pathlib import Path

import pytest

from horizonscan.errors import ReadError
from horizonscan.ingest.dates import find_published, parse_date_line, to_iso
from horizonscan.ingest.decode import decode_text, looks_binary
from horizonscan.ingest.readers.text import guess_title, read
from horizonscan.ingest.registry import Origin
from horizonscan.settings import Settings


def origin(name: str = "note.txt", **kw: object) -> Origin:
    return Origin(input=name, path=name, **kw)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- decoding

SAMPLES = [
    ("The café’s “naïve” owner paid €5 for crème brûlée in Zürich.", "cp1252"),
    ("Die Straße führt über die Brücke nach Süden.", "latin-1"),
    ("中国对外援助在中亚地区不断增加，包括基础设施建设和人道主义援助。", "gb18030"),
    ("中國對外援助在中亞地區不斷增加，包括基礎設施建設。", "big5"),
    ("Шанхайская организация сотрудничества провела саммит в Циндао в июне.", "koi8-r"),
    ("Шанхайская организация сотрудничества провела саммит в Циндао в июне.", "cp1251"),
    ("日本の政府開発援助は東南アジアで大きな役割を果たしている。", "shift_jis"),
    ("الصين تقدم مساعدات إنسانية إلى دول آسيا الوسطى", "cp1256"),
    ("Plain ASCII text, nothing special.", "ascii"),
    ("Texte en UTF-8 : « déjà vu » — 北京", "utf-8"),
]


@pytest.mark.parametrize(("text", "encoding"), SAMPLES)
def test_legacy_encodings_decode_correctly(text: str, encoding: str) -> None:
    assert decode_text(text.encode(encoding)) == text


@pytest.mark.parametrize(
    ("bom", "codec"),
    [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"), (codecs.BOM_UTF32_LE, "utf-32-le")],
)
def test_byte_order_marks_choose_the_codec_and_are_dropped(bom: bytes, codec: str) -> None:
    text = "Kazakhstan — Қазақстан"
    assert decode_text(bom + text.encode(codec)) == text


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_not_binary(codec: str) -> None:
    data = "A note in UTF-16 without a byte-order mark.".encode(codec)
    assert not looks_binary(data)
    assert decode_text(data) == "A note in UTF-16 without a byte-order mark."


def test_mixed_utf8_and_cp1252_keeps_both() -> None:
    data = "Naïve text — ".encode() + "café".encode("cp1252") + " and ünïcode".encode()
    assert decode_text(data) == "Naïve text — café and ünïcode"


@pytest.mark.parametrize(
    "junk",
    [
        bytes(range(256)) * 8,
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
        b"\x7fELF\x02\x01\x01" + bytes(200),
        bytes((i * 37 + 11) % 32 for i in range(2000)),  # control bytes only
        b"\x00\x01\x02\x03" * 50,  # NULs in every other byte, like UTF-16, but no text
    ],
)
def test_binary_junk_is_refused(junk: bytes) -> None:
    assert looks_binary(junk[:8192])
    with pytest.raises(ReadError, match=r"^E104 binary content"):
        decode_text(junk)


# --------------------------------------------------------------------------- date lines


@pytest.mark.parametrize(
    ("line", "iso"),
    [
        ("PUBLISHED : Monday, 18 June, 2018, 8:45am", "2018-06-18"),
        ("29th November 2019 by Jane Doe", "2019-11-29"),
        ("  • December 1, 2020", "2020-12-01"),
        ("Posted on 3 March 2021", "2021-03-03"),
        ("Date: 2020-05-04", "2020-05-04"),
        ("Published 12 May 2022 | Asia desk", "2022-05-12"),
        ("Tuesday 5 April 2022 09:30 BST", "2022-04-05"),
        ("13/04/2021", "2021-04-13"),
        ("18 juin 2018", "2018-06-18"),
        ("2018年6月18日", "2018-06-18"),
        ("June 2018", "2018-06"),
    ],
)
def test_date_lines(line: str, iso: str) -> None:
    found = parse_date_line(line)
    assert found is not None and found[0] == iso


@pytest.mark.parametrize(
    "line",
    [
        "On 3 March 2021 the minister signed a loan agreement with the bank.",
        "In 2019 China sent aid.",
        "2019",
        "03/04/2021",  # day and month order unknowable
        "Timeline 2015-2020",
        "ICVA CASE STUDY #2",
        "Copyright 2020",
    ],
)
def test_not_date_lines(line: str) -> None:
    assert parse_date_line(line) is None


def test_updated_line_is_only_a_fallback() -> None:
    text = "Headline here for the test\n\nUPDATED : 20 June 2018\nPUBLISHED : 18 June 2018\n\nBody."
    assert find_published(text) is not None and find_published(text).value == "2018-06-18"  # type: ignore[union-attr]
    assert find_published("Headline\n\nUpdated 2 Jan 2020\n\nBody.").value == "2020-01-02"  # type: ignore[union-attr]


def test_dates_in_body_sentences_are_ignored() -> None:
    text = (
        "China and Laos open a railway\n\n"
        "The line opened on 3 December 2021 after five years of work.\n\n"
        "It was first announced on 13 November 2015 in Vientiane."
    )
    assert find_published(text) is None


def test_date_lines_far_down_are_ignored() -> None:
    body = "\n".join(f"Paragraph {i} of the report text." for i in range(30))
    assert find_published(body + "\n12 May 2022\n") is None


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("Tue, 03 Mar 2020 10:00:00 +0300", "2020-03-03T10:00:00+03:00"),
        ("Mon, 02 Mar 2020 10:00:00 GMT", "2020-03-02T10:00:00+00:00"),
        ("2020-03-02T10:00:00Z", "2020-03-02T10:00:00+00:00"),
        ("2020-03-02", "2020-03-02"),
        ("2020-03", "2020-03"),
        ("D:20200301120000Z", "2020-03-01T12:00:00"),
        (time.struct_time((2021, 1, 2, 5, 0, 0, 5, 2, 0)), "2021-01-02T05:00:00+00:00"),
        (dt.date(2019, 11, 29), "2019-11-29"),
        (dt.datetime(2019, 11, 29), "2019-11-29"),
        (dt.datetime(2019, 11, 29, 8, 45, tzinfo=dt.timezone.utc), "2019-11-29T08:45:00+00:00"),
        ("not a date", None),
        ("2020-13-45", None),
        ("", None),
        (None, None),
    ],
)
def test_to_iso(value: object, iso: str | None) -> None:
    assert to_iso(value) == iso


# --------------------------------------------------------------------------- titles


def test_title_above_date_line_skips_tag_boilerplate() -> None:
    text = "Tagged with\n“Aid”\n\nChina Builds a Hospital in Dushanbe\n\n4 May 2021 by A. Writer\n\nThe hospital opened."
    assert guess_title(text) is not None
    assert guess_title(text).value == "China Builds a Hospital in Dushanbe"  # type: ignore[union-attr]


def test_title_is_the_headline_not_the_standfirst() -> None:
    text = (
        "A short introduction sentence from the blog author ends here.\n\n"
        "Beijing courts Central Asia with loans and summits\n\n"
        "The region's leaders weigh debt against roads\n\n"
        "Published: 7 July 2019\n\nBody text starts here."
    )
    assert guess_title(text).value == "Beijing courts Central Asia with loans and summits"  # type: ignore[union-attr]


def test_title_skips_series_label_at_top_without_date() -> None:
    text = "\n\nNGO BRIEF #4\n\nWATER SHARING ON THE ILI RIVER\n\nSummary:\n\nThe Ili river flows from China into Kazakhstan."
    assert guess_title(text).value == "WATER SHARING ON THE ILI RIVER"  # type: ignore[union-attr]


def test_breadcrumbs_and_links_are_not_titles() -> None:
    text = "Home | World | Asia | Central Asia\nhttps://example.org/news/item-1\n\nKazakhstan and China agree on a new gas pipeline\n\n2 June 2022\n\nBody."
    assert guess_title(text).value == "Kazakhstan and China agree on a new gas pipeline"  # type: ignore[union-attr]


def test_short_first_line_title() -> None:
    assert guess_title("Laos railway notes\n\nThe railway opened in 2021.").value == "Laos railway notes"  # type: ignore[union-attr]


def test_no_title_when_text_starts_with_a_sentence() -> None:
    assert guess_title("The railway opened in 2021. It links Kunming and Vientiane.") is None


# --------------------------------------------------------------------------- the reader


def test_reader_records_how_fields_were_found() -> None:
    text = "Tags\n\nChina Builds a Hospital in Dushanbe\n\n4 May 2021 by A. Writer\n\nThe hospital, paid for by China, opened on Monday in the capital of Tajikistan."
    (doc,) = read(text.encode("cp1252"), origin())
    assert doc.title.value == "China Builds a Hospital in Dushanbe" and doc.title.how == "text:above-dateline"
    assert doc.published.value == "2021-05-04" and doc.published.how == "text:dateline"
    assert doc.language.value == "en"
    assert doc.reader == "text.v1" and doc.media_type == "text/plain"


def test_front_matter_and_markdown_heading() -> None:
    md = b"---\ntitle: Note from Bishkek\ndate: 2020-04-02\nplace: Bishkek\n---\n# Ignored heading\n\nA convoy of medical aid from China arrived in Bishkek."
    (doc,) = read(md, origin("note.md"))
    assert doc.title.value == "Note from Bishkek" and doc.title.how == "front-matter"
    assert doc.published.value == "2020-04-02" and doc.published.how == "front-matter"
    assert doc.extra == {"place": "Bishkek"} and doc.media_type == "text/markdown"
    assert not doc.text.startswith("---")
    (doc2,) = read(b"# Heading One\n\nSome body text about Chinese loans to Kenya.", origin("n.md"))
    assert doc2.title.value == "Heading One" and doc2.title.how == "markdown:h1"


def test_same_input_same_document() -> None:
    data = "Titre du rapport\n\nLe texte du rapport sur l’aide chinoise au Sénégal.".encode("cp1252")
    assert read(data, origin()) == read(data, origin())


# --------------------------------------------------------------------------- hostile input


@pytest.mark.parametrize("data", [b"", b"   \n\t\r\n  "])
def test_empty_file(data: bytes) -> None:
    with pytest.raises(ReadError, match=r"^E101 empty file$"):
        read(data, origin())


def test_binary_junk_with_txt_extension() -> None:
    with pytest.raises(ReadError, match=r"^E104 "):
        read(bytes(range(256)) * 20, origin())


def test_over_size_input() -> None:
    with pytest.raises(ReadError, match=r"^E108 input too large \(2,000 bytes; limit 1,000\)$"):
        read(b"a" * 2000, origin(settings=Settings(max_bytes=1000)))


def test_control_characters_and_entities_survive_as_text() -> None:
    data = b"Report\x07 on aid\x1b\n\nChina &amp; Kyrgyzstan signed\x0b a deal \x00\xc2\x85today."
    (doc,) = read(data, origin())
    assert "\x07" not in doc.text and "\x0b" not in doc.text and "\x00" not in doc.text and "\x85" not in doc.text
    assert "China &amp; Kyrgyzstan" in doc.text  # plain text is not HTML: entities stay as written


# --------------------------------------------------------------------------- the shared corpus

CORPUS = {
    "icsc-scanning-the-horizon-china-2019.txt": ("How Amnesty International is Engaging with China Abroad", "2019-11-29"),
    "rusi-sco-central-asia-2013-2018.txt": (
        "From China to Central Asia, a regional security bloc’s long, slow march towards an alternative world order",
        "2018-06-18",
    ),
    "oxfam-novib-influencing-networks-2020.txt": ("Mutual Capacity Strengthening in Influencing Networks", "2020-12-01"),
    "icva-south-south-china-case-study.txt": ("SOUTH – SOUTH ENGAGEMENT AND CHINA COOPERATION", None),
}


@pytest.mark.shared
@pytest.mark.parametrize("name", sorted(CORPUS))
def test_corpus_titles_and_dates(corpus_dir: Path, name: str) -> None:
    path = corpus_dir / name
    if not path.exists():
        pytest.skip(f"{name} not in corpus")
    (doc,) = read(path.read_bytes(), Origin(str(path), path=str(path)))
    title, published = CORPUS[name]
    assert doc.title.value == title
    assert doc.published.value == published
    assert doc.language.value == "en"


def test_declared_charset_is_used_when_true_and_ignored_when_false() -> None:
    koi = "Гуманитарная помощь прибыла в Бишкек.".encode("koi8-r")
    (doc,) = read(koi, Origin("http://127.0.0.1/n", url="http://127.0.0.1/n", media_type="text/plain; charset=KOI8-R"))
    assert doc.text == "Гуманитарная помощь прибыла в Бишкек."
    latin = "Le café de Dakar a reçu un prêt chinois pour sa rénovation complète.".encode("cp1252")
    (doc,) = read(latin, Origin("http://127.0.0.1/n", url="http://127.0.0.1/n", media_type="text/plain; charset=utf-8"))
    assert doc.text == "Le café de Dakar a reçu un prêt chinois pour sa rénovation complète."
