"""Body text only (analysis/layout.py): the parts of a document that are not its body.

Every text here is made up for these tests; outlets use the reserved ``.example`` domain.
The first tests run the layout finder alone (no model); the last ones run the whole
analyser on documents whose non-body parts once gave events and actors.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from horizonscan.analysis import citations, dates, layout
from horizonscan.analysis.layout import Layout, Region, find_layout, glued_markers, masked, restore_text
from horizonscan.packs import load_pack
from horizonscan.records import Event, EventActor, Mention

PACK = load_pack("china_abroad")


def regions(text: str, is_place=None) -> list[tuple[str, str]]:
    notes = citations.note_layout(text)
    found = dates.find_dates(masked(text, glued_markers(text, notes)))
    page = find_layout(text, PACK, found, is_place=is_place, notes=notes)
    return [(r.kind, text[r.start : r.end]) for r in page.regions]


PAPER = (
    "China's medical diplomacy in Central Asia, spring 2020\n"
    "\n"
    "By Ann Example and Bo Sample\n"
    "\n"
    "Beijing sent 100,000 test kits to Kyrgyzstan.1 In April, Chinese doctors arrived in Bishkek to train "
    "staff in Kazakh2 hospitals, and Tajik officials thanked China for a donation of masks,3 while "
    "Uzbekistan signed a loan agreement with a Chinese bank in May 2020.4\n"
    "\n"
    "Photo: Chinese medical team in Bishkek, April 2020\n"
    "\n"
    "Ann Example is a senior fellow at the Example Institute for Asian Studies.\n"
    "\n"
    "1 “China sends coronavirus test kits to Kyrgyzstan,” Kabar News, March 20, 2020, https://kabar.example/kits.\n"
    "2 “Chinese doctors help Kazakh hospitals,” Steppe Times, 3 April 2020, https://steppe.example/doctors.\n"
    "3 “Tajikistan receives Chinese masks,” Asia Daily, 12 April 2020.\n"
    "4 “Uzbekistan signs loan with a Chinese bank,” Tashkent Post, May 5, 2020, https://tashkent.example/loan.\n"
)

NEWS = (
    "China opens a new pier in Djibouti\n"
    "\n"
    "By Jane Roe\n"
    "\n"
    "PUBLISHED : Thursday, 10 March, 2022, 9:15am\n"
    "UPDATED : Thursday, 10 March, 2022, 6:40pm\n"
    "\n"
    "DJIBOUTI, 10 March 2022 – China signed an agreement with Djibouti on Wednesday to expand the port, officials said.\n"
    "\n"
    "Djibouti's president met the Chinese ambassador in the capital and praised Beijing's support.\n"
    "\n"
    "djibouti_pier_2022_03.jpg\n"
    "\n"
    "Share this article\n"
    "\n"
    "Read more: Kenya protests against Chinese loans\n"
    "\n"
    "Jane Roe is a correspondent for the Example Wire in Nairobi.\n"
    "\n"
    "This article was first published in the Example Daily.\n"
)


# --------------------------------------------------------------------------- the finder


def test_note_list_and_its_markers() -> None:
    found = dict(regions(PAPER))
    assert found["notes"].startswith("1 “China sends") and found["notes"].endswith("tashkent.example/loan.")
    notes = citations.note_layout(PAPER)
    assert [PAPER[s:e] for s, e in glued_markers(PAPER, notes)] == ["1", "2", "3", "4"]
    # "Kazakh3" reads "Kazakh", "Kyrgyzstan.1" reads "Kyrgyzstan.": same length, same offsets.
    body = masked(PAPER, glued_markers(PAPER, notes))
    assert len(body) == len(PAPER) and "Kazakh  hospitals" in body and "Kyrgyzstan.  In April" in body
    assert citations.find_citations(PAPER)  # the notes still feed the citations


def test_byline_caption_bio() -> None:
    found = regions(PAPER)
    assert ("byline", "By Ann Example and Bo Sample") in found
    assert ("caption", "Photo: Chinese medical team in Bishkek, April 2020") in found
    assert ("bio", "Ann Example is a senior fellow at the Example Institute for Asian Studies.") in found
    # The title and the body paragraph are body text.
    assert not any(t.startswith(("China's medical", "Beijing sent")) for _, t in found)


def test_news_layout() -> None:
    found = regions(NEWS, is_place=lambda name: name == "Djibouti")
    assert found == [
        ("byline", "By Jane Roe"),
        ("date_line", "PUBLISHED : Thursday, 10 March, 2022, 9:15am"),
        ("date_line", "UPDATED : Thursday, 10 March, 2022, 6:40pm"),
        ("dateline", "DJIBOUTI, 10 March 2022 – "),
        ("filename", "djibouti_pier_2022_03.jpg"),
        ("navigation", "Share this article"),
        ("navigation", "Read more: Kenya protests against Chinese loans"),
        ("bio", "Jane Roe is a correspondent for the Example Wire in Nairobi."),
        ("publication_note", "This article was first published in the Example Daily."),
    ]


@pytest.mark.parametrize(
    "line, kind",
    [
        ("russia-sco_nem123_45678901", "filename"),
        ("SCO-400x267", "filename"),
        ("IMG_2041.JPG", "filename"),
        ("Ghani Xi signing", "caption"),
        ("Figure 3: Chinese loans to Central Asia, 2010–2020", "caption"),
        ("Source: World Bank", "caption"),
        ("September 12, 2013", "date_line"),
        ("29th November 2019 by Heather Example", "byline"),
        ("Posted by Lee Example", "byline"),
        ("BEIJING (Reuters) - China sent a team of doctors to Serbia on Saturday.", "dateline"),
        ("NAIROBI, Kenya, March 10 (Xinhua) -- Kenyan officials thanked China for the vaccines.", "dateline"),
        ("CANBERRA, Australia (AP)_ The airline will almost double its flights to Shanghai.", "dateline"),
        ("HAVANA (AP) -- Cuban officials welcomed a Chinese trade delegation on Monday.", "dateline"),
        ("Home | News | Opinion | About us", "navigation"),
        ("We use cookies to improve your experience. Accept all", "navigation"),
        ("This piece first appeared in the Example Review.", "publication_note"),
        ("Dr Anna Example and Li Sample are researchers at the Example Centre for Eurasian Studies.", "bio"),
        ("<!--more-->", "markup"),
    ],
)
def test_line_kinds(line: str, kind: str) -> None:
    text = f"Some body text about China comes first, and it says a lot.\n\n{line}\n\nMore body text follows here, at length.\n"
    assert [k for k, _ in regions(text)] == [kind]


@pytest.mark.parametrize(
    "line",
    [
        "By 2020, China had lent more than any other creditor to Kyrgyzstan.",
        "By Beijing's reckoning, the loan was repaid early.",
        "NATO – the alliance said it would watch the exercises closely.",
        "SOUTH – SOUTH ENGAGEMENT AND CHINA COOPERATION",
        "Afghanistan’s Economic Hope",
        "Mutual Capacity Strengthening in Influencing Networks",
        "Russia holds the door to Central Asia open for China",
        "Xi Jinping is the president of China and he visited Astana in 2013.",
        "In 2019, the ministry said “we will help”, and in 2020 it did (2020).",
        "Notes on a visit to Bishkek",
        "China signed loans worth $5 billion | officials said",
        "Share of Chinese loans in Kyrgyz debt rises to 40 per cent",
        "Video shows Chinese troops at the border",
    ],
)
def test_body_lines_stay_body(line: str) -> None:
    text = f"Some body text about China comes first, and it says a lot.\n\n{line}\n\nMore body text follows here, at length.\n"
    assert regions(text, is_place=lambda name: name in ("Beijing", "South")) == []


BLOG = (
    "Catching up on older posts: a short piece I wrote for the Example Review on Chinese loans, and I also spoke "
    "to two radio stations about the summit.\n"
    "\n"
    "Chinese loans and the Central Asian summit\n"
    "\n"
    "China met the leaders of five Central Asian states in Xi'an and promised new loans to all of them, which "
    "several of them accepted.\n"
    "\n"
    "Jane Roe is a senior fellow at the Example Institute.\n"
    "\n"
    "A new op-ed for the Example Times, with a colleague, on the railway through Kyrgyzstan.\n"
    "\n"
    "What the railway means for Kyrgyzstan\n"
    "\n"
    "Kyrgyzstan signed a deal with China and Uzbekistan to build the railway after years of talks and delays.\n"
)


def test_blog_preambles() -> None:
    found = regions(BLOG)
    assert [k for k, _ in found] == ["preamble", "bio", "preamble"]
    assert found[0][1].startswith("Catching up") and found[2][1].startswith("A new op-ed")
    # The same paragraphs inside a piece (not after its end, not before a title) are body.
    inner = "China met the leaders of five states in Xi'an.\n\n" + BLOG.split("\n\n", 1)[0] + "\n\nMore prose follows here.\n"
    assert regions(inner) == []


def test_wire_dateline_on_its_own_line() -> None:
    text = "NAIROBI, Kenya (AP) _\n\nKenyan officials thanked China on Tuesday for a shipment of vaccines.\n"
    assert regions(text) == [("dateline", "NAIROBI, Kenya (AP) _")]
    heading = "ICVA CASE STUDY #2\n\nSOUTH – SOUTH ENGAGEMENT\n\nShort summary of the study follows here.\n"
    assert regions(heading, is_place=lambda name: True) == []


def test_hard_wrapped_prose_is_body() -> None:
    text = (
        "The loan agreement for the new power line was signed\n"
        "by Chinese Premier Li Example and the Kyrgyz president\n"
        "in Bishkek on 12 May 2021, officials said, and\n"
        "Share of the cost will fall on the state budget.\n"
    )
    assert regions(text) == []


def test_reference_heading_in_several_languages() -> None:
    for heading in ("References", "7. Bibliography", "Литература", "参考文献", "NOTES:"):
        text = (
            "China lent Laos money for a railway, which opened in 2021.\n\n"
            f"{heading}\n\n"
            "Example, A. (2019). Railways and debt in Laos. Example Journal 4(2), 1–20.\n"
            "Sample, B. and Test, C. (2021) “Lending at scale”. Example Press.\n"
            "World Bank (2020). Lao economic monitor. https://worldbank.example/lao\n\n"
            "The railway carries freight as well as passengers.\n"
        )
        found = regions(text)
        assert [k for k, _ in found] == ["references"], heading
        assert found[0][1].startswith(heading) and found[0][1].endswith("worldbank.example/lao")


def test_reference_run_without_heading() -> None:
    refs = "\n".join(f"Author{i}, A. B. ({1990 + i % 30}). A study of loans number {i}. Example Review {i}: 1–9." for i in range(4))
    text = f"China lent Laos money for a railway.\n\n{refs}\n\nThe railway carries freight.\n"
    assert [k for k, _ in regions(text)] == ["references"]


def test_flattened_table() -> None:
    text = "Aid by country:\n\nCountry | Doses | Date\nKyrgyzstan | 150,000 | 2021-02\nTajikistan | 100,000 | 2021-03\n"
    assert [k for k, _ in regions(text)] == ["table"]


def test_five_thousand_references_are_linear() -> None:
    refs = "\n".join(
        f"{i}. Writer{i % 97}, K. ({1980 + i % 40}). “China and the region, part {i},” Example Quarterly {i % 50}, "
        f"https://quarterly.example/{i}."
        for i in range(1, 5001)
    )
    text = "China built a road in Tajikistan.1\n\nReferences\n\n" + refs + "\n"
    started = time.monotonic()
    found = regions(text)
    assert time.monotonic() - started < 10
    assert len(found) == 1 and found[0][0] in ("notes", "references")
    assert found[0][1].endswith("https://quarterly.example/5000.")


def test_plain_prose_has_no_regions() -> None:
    text = (
        "Kyrgyz officials said on Monday that China had delivered 300,000 doses of vaccine to Bishkek. "
        "The shipment, the second this year, arrived by air. Health minister Example Person thanked Beijing.\n\n"
        "Protests against Chinese mining firms continued in Naryn, where residents blocked a road in 2019."
    )
    assert regions(text) == []
    assert glued_markers(text, citations.note_layout(text)) == ()


def test_loose_markers_without_a_note_list() -> None:
    text = "Talks with Kazakh13 officials and the Kyrgyzstan14 delegation; COVID19, G20, H5N1 and a Boeing 737 stay."
    marks = glued_markers(text, citations.note_layout(text))
    assert [text[s:e] for s, e in marks] == ["13", "14"]


def test_restore_text_and_offsets() -> None:
    text = "Talks with Kazakh13 officials."
    body = masked(text, [(17, 19)])
    m = Mention(11, 29, body[11:29], "NORP", country="KAZ")
    (fixed,) = restore_text([m], text)
    assert fixed.text == text[11:29] and fixed.start == 11
    # Given the markers, a span over one ends before it: "Kazakh", not "Kazakh13 officials".
    (cut,) = restore_text([m], text, [(17, 19)])
    assert (cut.start, cut.end, cut.text, cut.country) == (11, 17, "Kazakh", "KAZ")
    plain = Mention(11, 17, "Kazakh", "NORP", country="KAZ")
    assert restore_text([plain], text)[0] is plain


def test_layout_filters() -> None:
    page = Layout((Region(100, 200, "notes"), Region(300, 320, "dateline"), Region(400, 420, "table")))
    ms = [Mention(110, 120, "x" * 10, "GPE"), Mention(305, 310, "x" * 5, "GPE"), Mention(405, 410, "x" * 5, "GPE"), Mention(50, 55, "x" * 5, "GPE")]
    assert [m.start for m in page.for_actors(ms)] == [405, 50]
    assert [m.start for m in page.for_events(ms)] == [50]

    def ev(s0: int, s1: int, src: int | None = None) -> Event:
        source = EventActor("x", start=src, end=src + 3) if src is not None else None
        return Event("AID", None, source, None, s0, s1)

    kept = page.events([ev(110, 190), ev(290, 360, 301), ev(290, 360, 330), ev(0, 90)])
    assert [(e.sentence_start, e.source.start if e.source else None) for e in kept] == [(290, 330), (0, None)]


def test_pack_without_layout_file_uses_the_builtin_cues(tmp_path: Path) -> None:
    own = tmp_path / "mine"
    own.mkdir()
    from horizonscan.packs import Pack

    cues = layout.load_cues(Pack("mine", own))
    assert "references" in cues.reference_headings and "by" in cues.byline_cues


# --------------------------------------------------------------------------- the analyser


def _analyse(text: str, published: str | None = "2022-03-11"):
    from horizonscan.analysis.pipeline import analyse

    return analyse(text, published=published, language="en")


def _check_offsets(text: str, a) -> None:
    for m in (*a.mentions, *a.places, *a.dates, *a.citations):
        assert text[m.start : m.end] == m.text


def test_analyser_paper_with_footnotes() -> None:
    a = _analyse(PAPER)
    _check_offsets(PAPER, a)
    notes_start = PAPER.index("1 “China sends")
    assert not [e for e in a.events if e.sentence_end > notes_start]
    assert not [m for m in a.mentions if m.start >= notes_start]
    assert not [m for m in a.mentions if m.text in ("Ann Example", "Bo Sample", "Example Institute for Asian Studies")]
    kazakh = [m for m in a.mentions if PAPER[m.start : m.start + 6] == "Kazakh"]
    assert kazakh and all("2" not in m.text for m in kazakh) and kazakh[0].country == "KAZ"
    assert a.citations and {c.marker for c in a.citations} == {"1", "2", "3", "4"}
    # A note's date ("March 20, 2020") never dates a body event.
    assert all(e.date is None or e.date.value != "2020-03-20" for e in a.events)


def test_analyser_news_dateline_and_byline() -> None:
    a = _analyse(NEWS)
    _check_offsets(NEWS, a)
    assert not [m for m in a.mentions if m.text in ("DJIBOUTI", "Jane Roe", "Example Wire", "Nairobi", "Kenya")]
    dateline = NEWS.index("DJIBOUTI")
    assert any(p.start == dateline for p in a.places)  # where the story was filed stays a place
    for e in a.events:
        for actor in (e.source, e.target):
            assert actor is None or actor.start is None or actor.start != dateline


def _no_events_no_crash(text: str) -> None:
    a = _analyse(text)
    _check_offsets(text, a)
    assert a.events == ()


def test_bad_input_footnote_only_document() -> None:
    text = "\n".join(
        f"{i} “China pledges aid to Kyrgyzstan, part {i},” News Example, March {i}, 2020, https://news.example/{i}."
        for i in range(1, 31)
    )
    a = _analyse(text)
    assert a.events == () and a.mentions == () and len(a.citations) == 30


@pytest.mark.slow
def test_bad_input_five_thousand_references() -> None:
    refs = "\n".join(
        f"{i}. Writer{i % 97}, K. ({1980 + i % 40}). “China sends aid to Laos, part {i},” Example Quarterly, "
        f"https://quarterly.example/{i}."
        for i in range(1, 5001)
    )
    text = "China built a road in Tajikistan.\n\nReferences\n\n" + refs + "\n"
    started = time.monotonic()
    a = _analyse(text)
    assert time.monotonic() - started < 120
    refs_start = text.index("References")
    assert not [e for e in a.events if e.sentence_start >= refs_start]
    assert not [m for m in a.mentions if m.start >= refs_start]


def test_bad_input_long_sentence_table_no_verbs_mixed_scripts() -> None:
    names = ["Kazakhstan", "Kyrgyzstan", "Tajikistan", "Uzbekistan", "China", "Russia", "Mongolia", "Pakistan"]
    long_sentence = ", ".join(names[i % len(names)] for i in range(500)) + "."
    table = "Country | Doses | Date\n" + "\n".join(f"{n} | {1000 * (i + 1)} | 2021-0{i % 9 + 1}" for i, n in enumerate(names))
    no_verbs = "\n\n".join(f"{n}, {n.upper()}, 2021" for n in names)
    mixed = "中国 援助 吉尔吉斯斯坦 Kyrgyzstan Қазақстан Китай 2020 ★ ☂ مساعدات 中国 Kyrgyzstan"
    for text in (long_sentence, table, no_verbs, mixed):
        _no_events_no_crash(text)
