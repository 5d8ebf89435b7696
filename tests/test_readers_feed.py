"""Feed reader: each RSS/Atom entry with text becomes a document; non-feeds and empty feeds fail clearly."""

from __future__ import annotations

import pytest

from horizonscan.errors import ReadError
from horizonscan.ingest.readers.feed import read, sniff
from horizonscan.ingest.registry import Origin, choose
from horizonscan.settings import Settings

FEED_URL = "http://127.0.0.1:8765/feed.xml"

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Horizon notes</title><link>http://127.0.0.1:8765/</link><description>Notes</description>
<item>
  <title>China opens clinic in Dushanbe</title>
  <link>http://127.0.0.1:8765/clinic</link>
  <guid>clinic-1</guid>
  <pubDate>Tue, 03 Mar 2020 10:00:00 +0300</pubDate>
  <author>desk@example.org (Asia Desk)</author>
  <description>Short summary.</description>
  <content:encoded><![CDATA[<p>A clinic funded by China opened in <b>Dushanbe</b> this week.</p><p>It has forty beds &amp; a maternity ward.</p><script>track()</script>]]></content:encoded>
</item>
<item>
  <title>Headline without any body</title>
  <link>http://127.0.0.1:8765/empty</link>
</item>
<item>
  <title>Loan for a Kenyan railway</title>
  <link>http://127.0.0.1:8765/rail</link>
  <description>&lt;p&gt;Kenya and a Chinese bank agreed new terms for the railway loan.&lt;/p&gt;</description>
</item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Atom notes</title><id>urn:notes</id><updated>2021-01-03T00:00:00Z</updated>
  <entry>
    <title type="html">Bridge &amp;amp; road deal</title><id>urn:notes:1</id>
    <link href="http://127.0.0.1:8765/bridge"/>
    <published>2021-01-02T05:00:00Z</published><updated>2021-01-03T05:00:00Z</updated>
    <author><name>R. Porter</name></author>
    <content type="html">&lt;div&gt;Kazakhstan signed a loan with a Chinese bank for a bridge over the Ili river.&lt;/div&gt;</content>
  </entry>
</feed>"""


def feed_origin(**kw: object) -> Origin:
    return Origin(FEED_URL, url=FEED_URL, media_type="application/rss+xml", **kw)  # type: ignore[arg-type]


def test_each_entry_with_text_is_a_document() -> None:
    docs = read(RSS, feed_origin())
    assert [d.url for d in docs] == ["http://127.0.0.1:8765/clinic", "http://127.0.0.1:8765/rail"]
    clinic = docs[0]
    assert clinic.title.value == "China opens clinic in Dushanbe" and clinic.title.how == "feed:entry"
    assert clinic.text.startswith("China opens clinic in Dushanbe\n\nA clinic funded by China opened in Dushanbe this week.")
    assert "forty beds & a maternity ward" in clinic.text and "track()" not in clinic.text
    assert "Short summary" not in clinic.text  # the full content wins over the summary
    assert clinic.published.value == "2020-03-03T07:00:00+00:00" and clinic.published.how == "feed:published"
    assert clinic.author.value == "Asia Desk"
    assert clinic.source == FEED_URL
    assert clinic.extra == {"feed_title": "Horizon notes", "entry_id": "clinic-1"}
    assert docs[1].published.value is None
    assert all(d.reader == "feed.v1" and d.media_type == "application/rss+xml" for d in docs)
    assert len({d.id for d in docs}) == 2


def test_atom_entry() -> None:
    (doc,) = read(ATOM, Origin("notes.atom", path="notes.atom", source="/data/feeds"))
    assert doc.title.value == "Bridge & road deal"
    assert doc.published.value == "2021-01-02T05:00:00+00:00"
    assert doc.author.value == "R. Porter" and doc.url == "http://127.0.0.1:8765/bridge"
    assert doc.source == "/data/feeds" and doc.media_type == "application/atom+xml"
    assert "Ili river" in doc.text


@pytest.mark.parametrize(
    "data",
    [
        b"<html><head><title>A page</title></head><body><p>Not a feed, a web page.</p></body></html>",
        b"Just a plain text file pretending to be a feed.",
        b'<?xml version="1.0"?><catalog><book>XML, but not a feed</book></catalog>',
        b"\x00\x01\x02 binary",
    ],
)
def test_not_a_feed(data: bytes) -> None:
    with pytest.raises(ReadError, match=r"^E118 not a feed"):
        read(data, feed_origin())


def test_zero_entry_feed() -> None:
    data = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet</title><link>http://127.0.0.1/</link></channel></rss>'
    with pytest.raises(ReadError, match=r"^E119 feed has no entries with text \(0 entries\)$"):
        read(data, feed_origin())


def test_feed_whose_entries_have_no_text() -> None:
    data = b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item><title></title><link>http://127.0.0.1/x</link></item></channel></rss>'
    with pytest.raises(ReadError, match=r"^E119 feed has no entries with text \(1 entries\)$"):
        read(data, feed_origin())


def test_oversize_and_empty() -> None:
    with pytest.raises(ReadError, match=r"^E108 "):
        read(RSS, feed_origin(settings=Settings(max_bytes=200)))
    with pytest.raises(ReadError, match=r"^E101 "):
        read(b"", feed_origin())


def test_sniff_and_mislabelled_feeds() -> None:
    assert sniff(RSS) == 90 and sniff(ATOM) == 90
    assert sniff(b"<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>") == 90
    assert sniff(b"<html><body>&lt;rss&gt;</body></html>") == 0
    for name in ("feed.xml", "feed.rss", "news.atom", "index.html", "feed.txt", "feed"):
        assert choose(Origin(name, path=name), RSS[:8192]).name == "feed.v1"
    # Served as text/html by a careless server: the content decides.
    assert choose(Origin(FEED_URL, url=FEED_URL, media_type="text/html; charset=utf-8"), ATOM).name == "feed.v1"


def test_malformed_encoding_declaration_is_not_a_crash() -> None:
    data = RSS.replace(b'encoding="utf-8"', b'encoding="utf\x828"')
    with pytest.raises(ReadError, match=r"^E118 not a feed \(unreadable"):
        read(data, feed_origin())
