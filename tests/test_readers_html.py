"""HTML reader: main text and metadata, hostile pages, and the fragment-to-text helper."""

from __future__ import annotations

import time

import pytest

from horizonscan.errors import ReadError
from horizonscan.ingest.readers.html import html_to_text, nesting_depth, read, sniff
from horizonscan.ingest.registry import Origin
from horizonscan.settings import Settings

ARTICLE = """<!doctype html>
<html lang="en"><head>
<meta charset="utf-8">
<title>China funds Mekong bridge | Example Wire</title>
<meta name="author" content="Jane Roe">
<meta property="og:title" content="China funds Mekong bridge in Laos">
<meta property="article:published_time" content="2021-03-04T08:00:00Z">
</head><body>
<nav><a href="/">Home</a> | <a href="/world">World</a> | <a href="/about">About us</a></nav>
<article>
<h1>China funds Mekong bridge in Laos</h1>
<p>The Export-Import Bank of China agreed on Tuesday to finance a new bridge over the Mekong river in Laos, officials in Vientiane said.</p>
<p>The loan covers most of the cost of the project, which local groups have criticised because of the resettlement it requires &amp; the debt it adds.</p>
<p>Construction is due to start next year, according to the ministry of public works.</p>
</article>
<footer>Copyright Example Wire. All rights reserved.</footer>
</body></html>"""


def origin(name: str = "page.html", **kw: object) -> Origin:
    return Origin(input=name, path=name, **kw)  # type: ignore[arg-type]


def test_main_text_without_boilerplate() -> None:
    (doc,) = read(ARTICLE.encode(), origin())
    assert "Export-Import Bank of China" in doc.text
    assert "resettlement it requires & the debt" in doc.text  # entities decoded
    assert "All rights reserved" not in doc.text and "About us" not in doc.text
    assert "\n\n" in doc.text  # paragraphs kept apart
    assert doc.reader == "html.v1" and doc.media_type == "text/html"


def test_metadata_and_how_it_was_found() -> None:
    (doc,) = read(ARTICLE.encode(), origin())
    assert doc.title.value == "China funds Mekong bridge in Laos" and doc.title.how == "html:meta"
    assert doc.author.value == "Jane Roe" and doc.author.how == "html:meta"
    assert doc.published.value == "2021-03-04" and doc.published.how == "html:htmldate"
    assert doc.language.value == "en"


def test_url_from_origin() -> None:
    (doc,) = read(ARTICLE.encode(), Origin("http://127.0.0.1/a", url="http://127.0.0.1/a", source="127.0.0.1"))
    assert doc.url == "http://127.0.0.1/a" and doc.source == "127.0.0.1"


def test_date_line_in_text_when_markup_has_none() -> None:
    page = (
        "<html><head><title>Notes</title></head><body><article><h1>Clinic opens in Dushanbe</h1>"
        "<p>Posted on 3 March 2021</p>"
        "<p>A clinic built with Chinese funds opened in Dushanbe, the capital of Tajikistan, this week, residents said.</p>"
        "<p>It has forty beds and a maternity ward, and was handed over at a ceremony attended by officials.</p>"
        "</article></body></html>"
    )
    (doc,) = read(page.encode(), origin())
    assert doc.published.value == "2021-03-03" and doc.published.how == "text:dateline"


def test_legacy_charset_declared_in_meta() -> None:
    page = '<html><head><meta charset="windows-1252"><title>Caf\xe9</title></head><body><p>Le caf\xe9 de Dakar a re\xe7u un pr\xeat chinois pour sa r\xe9novation compl\xe8te cette ann\xe9e.</p></body></html>'
    (doc,) = read(page.encode("cp1252"), origin())
    assert "Le café de Dakar a reçu un prêt chinois" in doc.text


def test_same_input_same_output() -> None:
    assert read(ARTICLE.encode(), origin()) == read(ARTICLE.encode(), origin())


# --------------------------------------------------------------------------- hostile pages


@pytest.mark.parametrize(
    "page",
    [
        b"<html><head><title>Nothing</title></head><body><nav><a href='/'>Home</a></nav></body></html>",
        b"<html><body><script>var x = 'lots of script text that is not content at all, really';</script></body></html>",
        b"<html><body></body></html>",
    ],
)
def test_no_main_text(page: bytes) -> None:
    with pytest.raises(ReadError, match=r"^E111 HTML has no main text$"):
        read(page, origin())


def test_deeply_nested_html_is_refused_quickly() -> None:
    page = b"<html><body>" + b"<div>" * 100_000 + b"<p>buried text</p>" + b"</div>" * 100_000 + b"</body></html>"
    began = time.monotonic()
    with pytest.raises(ReadError, match=r"^E112 HTML nested too deeply"):
        read(page, origin())
    assert time.monotonic() - began < 2


def test_moderately_deep_html_gives_a_clear_error_not_an_empty_page() -> None:
    para = b"<p>Text deep inside the page about a Chinese-funded port in Sri Lanka and its debts.</p>"
    page = b"<html><body>" + b"<div>" * 400 + para + b"</div>" * 400 + b"</body></html>"
    with pytest.raises(ReadError, match=r"^E112 HTML nested too deeply \(40\d levels\)$"):
        read(page, origin())


def test_nesting_depth_ignores_void_and_self_closing_tags() -> None:
    assert nesting_depth(b"<div><br><img src=x><p>a<p>b<span/></div>") == 1
    assert nesting_depth(b"<a><b><c></c></b></a>") == 3


def test_binary_and_empty_and_oversize() -> None:
    with pytest.raises(ReadError, match=r"^E101 "):
        read(b"  \n", origin())
    with pytest.raises(ReadError, match=r"^E104 "):
        read(bytes(range(256)) * 10, origin())
    with pytest.raises(ReadError, match=r"^E108 "):
        read(ARTICLE.encode(), origin(settings=Settings(max_bytes=100)))


def test_broken_markup_still_reads() -> None:
    page = (
        b"<html><body><div><p>Unclosed paragraph about a Chinese mining project near Mes Aynak in Afghanistan"
        b"<p>Another paragraph with <b>bold and <i>italics</b> mismatched, describing the copper deposit and its history."
        b"<table><tr><td>cell</div></body>"
    )
    (doc,) = read(page, origin())
    assert "Mes Aynak" in doc.text


def test_control_characters_in_html() -> None:
    page = b"<html><body><article><p>Control\x0b characters\x07 in a paragraph about aid to Nepal after the earthquake of 2015.</p></article></body></html>"
    (doc,) = read(page, origin())
    assert "\x0b" not in doc.text and "\x07" not in doc.text and "Nepal" in doc.text


# --------------------------------------------------------------------------- helpers


def test_html_to_text() -> None:
    got = html_to_text("<p>One &amp; two</p><p>Three<br>four<script>alert(1)</script><style>p{}</style></p><ul><li>a</li><li>b</li></ul>")
    assert got == "One & two\n\nThree\n\nfour\n\na\n\nb"
    assert html_to_text("plain words") == "plain words"
    assert html_to_text("") == ""


def test_html_to_text_on_deep_fragment() -> None:
    frag = "<div>" * 5000 + "deep words" + "</div>" * 5000
    assert "deep words" in html_to_text(frag)


@pytest.mark.parametrize(
    ("head", "score"),
    [
        (b"<!DOCTYPE html><html><head>", 90),
        (b"\xef\xbb\xbf  <html lang=en>", 90),
        (b'<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml">', 90),
        (b"<div>fragment</div><body>", 60),
        (b'<?xml version="1.0"?><rss version="2.0">', 0),
        (b"plain text", 0),
    ],
)
def test_sniff(head: bytes, score: int) -> None:
    assert sniff(head) == score
