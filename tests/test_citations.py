"""Citation finder: note lists, markers, sources, linking, hostile input, corpus shape.

All texts are made up for these tests; outlets use the reserved ``.example`` domain.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from horizonscan.analysis.citations import find_citations
from horizonscan.records import Citation, Sentence


def cited(text: str, c: Citation) -> str | None:
    return None if c.cited_start is None else text[c.cited_start : c.cited_end]


def check_offsets(text: str, found: list[Citation]) -> None:
    for c in found:
        assert text[c.start : c.end] == c.text
        assert c.text == c.text.strip()
        if c.cited_start is not None:
            assert c.cited_end is not None and 0 <= c.cited_start < c.cited_end <= len(text)


THINK_TANK = (
    "Kazakh officials flew to Beijing.1 The talks covered a new rail link, which critics called costly,2 "
    "and a loan of $5.3 billion was signed in 2017.3 Nothing was said about section 4 of the deal.\n"
    "\n"
    "A G7 statement followed in 2018.\n"
    "\n"
    "1 “Kazakhstan i Kitai podpisali soglashenie,” outlet.example, March 16, 2020.\n"
    "2 Ann Author, “Rails and rivals,” Another Outlet, 4 May 2019, https://another.example/rails?id=7; "
    "“Second view on the railway,” third.example, June 2018; see also «Novyi put’», 2016.\n"
    "3 Daily Paper, 16.03.2017.\n"
)


def test_think_tank_notes_are_parsed_into_sources() -> None:
    found = find_citations(THINK_TANK)
    check_offsets(THINK_TANK, found)
    assert [c.marker for c in found] == ["1", "2", "2", "2", "3"]
    first, second, third, fourth, fifth = found
    assert (first.title, first.outlet, first.date, first.url) == (
        "Kazakhstan i Kitai podpisali soglashenie",
        "outlet.example",
        "2020-03-16",
        None,
    )
    assert (second.title, second.outlet, second.date, second.url) == (
        "Rails and rivals",
        "Another Outlet",
        "2019-05-04",
        "https://another.example/rails?id=7",
    )
    assert (third.title, third.outlet, third.date) == ("Second view on the railway", "third.example", "2018-06")
    assert (fourth.title, fourth.date) == ("Novyi put’", "2016")
    assert (fifth.title, fifth.outlet, fifth.date) == (None, "Daily Paper", "2017-03-16")


def test_markers_link_to_the_citing_sentence_without_sentences() -> None:
    found = find_citations(THINK_TANK)
    assert cited(THINK_TANK, found[0]) == "Kazakh officials flew to Beijing."
    second = "The talks covered a new rail link, which critics called costly,2 and a loan of $5.3 billion was signed in 2017."
    assert cited(THINK_TANK, found[1]) == second
    assert cited(THINK_TANK, found[3]) == second  # every source of a note shares its sentence
    assert cited(THINK_TANK, found[4]) == second


def test_markers_link_to_given_sentences_and_are_narrowed_at_marker_breaks() -> None:
    # One "sentence" for the whole paragraph, as a tokenizer that reads "Beijing.1" as one token might give.
    end = THINK_TANK.index("\n")
    found = find_citations(THINK_TANK, (Sentence(0, end),))
    assert cited(THINK_TANK, found[0]) == "Kazakh officials flew to Beijing."
    assert cited(THINK_TANK, found[1]).startswith("The talks covered")  # type: ignore[union-attr]


def test_ordinary_numbers_are_not_markers() -> None:
    found = find_citations(THINK_TANK)
    anchors = {c.cited_start for c in found}
    g7 = THINK_TANK.index("A G7")
    assert g7 not in anchors  # "G7" has no note 7 and is an acronym anyway
    text = "Growth reached 5.3 percent in 2015. A G7 group met.\n\n1. First point of a list\n2. Second point\n"
    assert find_citations(text) == []


def test_glued_number_needs_a_matching_note() -> None:
    text = "Trade rose in 2015.7 Then it fell.\n\n1 “Only note,” outlet.example, 2016.\n"
    assert find_citations(text) == []  # 7 is not in the list, and a lone uncited note is not a list


def test_page_and_item_numbers_are_not_markers() -> None:
    text = (
        "See the report, pp.2 for details.1 Another claim.3\n\n"
        "1 “One,” a.example, 2019.\n2 “Two,” b.example, 2019.\n3 “Three,” c.example, 2019.\n"
    )
    found = find_citations(text)
    by_marker = {c.marker: c for c in found}
    assert by_marker["2"].cited_start is None
    assert cited(text, by_marker["1"]) == "See the report, pp.2 for details."


def test_bracketed_notes_with_bracket_and_glued_markers() -> None:
    text = (
        "Members shared skills across the network (see the survey)1. Later work built on it [2]. "
        "Nothing more was needed.\n\n"
        "[1] Based on a survey of partner groups, January 2020\n\n"
        "[2] Ibid.\n\n"
        "Site footer text\n"
    )
    found = find_citations(text)
    check_offsets(text, found)
    assert [c.marker for c in found] == ["[1]", "[2]"]
    assert found[0].date == "2020-01" and found[0].outlet is None and found[0].title is None
    assert found[1].text == "Ibid."
    assert cited(text, found[0]) == "Members shared skills across the network (see the survey)1."
    assert cited(text, found[1]) == "Later work built on it [2]."


def test_uncited_bracketed_reference_list_is_kept() -> None:
    text = "Body without markers.\n\n[1] “One,” a.example, 2019.\n[2] “Two,” b.example, 2020.\n"
    found = find_citations(text)
    assert [c.marker for c in found] == ["[1]", "[2]"]
    assert all(c.cited_start is None for c in found)


def test_numbers_must_rise() -> None:
    # "1" after "3" starts a new list, and that list has no markers after the first one.
    text = "Claim three.3 Claim one.1\n\n3 “C,” c.example, 2019.\n1 “A,” a.example, 2019.\n"
    assert [c.marker for c in find_citations(text)] == ["3"]


def test_multiline_note_and_stray_number_line_inside_it() -> None:
    text = (
        "First claim.1 Second claim.2\n\n"
        "1 Author, “A long title that wraps\n"
        "onto a second line,” outlet.example,\n"
        "16 March 2020.\n"
        "2 “Short,” other.example, 2021.\n"
    )
    found = find_citations(text)
    check_offsets(text, found)
    assert [c.marker for c in found] == ["1", "2"]
    assert found[0].title == "A long title that wraps onto a second line"
    assert found[0].date == "2020-03-16"
    assert found[0].text.endswith("16 March 2020.")


def test_access_dates_are_skipped_and_url_host_is_the_fallback_outlet() -> None:
    text = (
        "Claim one.1 Claim two.2\n\n"
        "1 https://www.news.example/story/2019/5 (accessed 3 June 2021).\n"
        "2 “Title,” 12 April 2018, accessed 1 May 2021.\n"
    )
    first, second = find_citations(text)
    assert first.url == "https://www.news.example/story/2019/5"
    assert first.outlet == "news.example" and first.date is None
    assert second.date == "2018-04-12"


def test_year_glued_markers_with_comma() -> None:
    text = "The bank lent more in 2017,1 and again in 2019.2 Then it stopped. It lent 1,200 times.\n\n1 “A,” a.example, 2018.\n2 “B,” b.example, 2020.\n"
    found = find_citations(text)
    assert cited(text, found[0]) == "The bank lent more in 2017,1 and again in 2019."
    assert cited(text, found[1]) == cited(text, found[0])


def test_superscript_markers() -> None:
    text = "A claim about ports.¹ Another about roads.²\n\n1 “Ports,” a.example, 2019.\n2 “Roads,” b.example, 2020.\n"
    found = find_citations(text)
    assert [cited(text, c) for c in found] == ["A claim about ports.", "Another about roads."]


def test_several_articles_each_with_notes() -> None:
    text = (
        "First article claim.1 More.2\n\n1 “A1,” a.example, 2019.\n2 “A2,” a.example, 2019.\n\n"
        "Second article claim.1 More again.2\n\n1 “B1,” b.example, 2020.\n2 “B2,” b.example, 2020.\n"
    )
    found = find_citations(text)
    assert [(c.marker, c.title, cited(text, c)) for c in found] == [
        ("1", "A1", "First article claim."),
        ("2", "A2", "More."),
        ("1", "B1", "Second article claim."),
        ("2", "B2", "More again."),
    ]


@pytest.mark.parametrize("text", ["", "   \n\n ", "No notes at all, just 2015 and $3.5 billion.", "1\n2\n3", "[1]"])
def test_texts_without_notes(text: str) -> None:
    assert find_citations(text) == []


def test_non_english_text_uses_the_fallback_splitter() -> None:
    text = "Переговоры прошли в Пекине.1 Стороны подписали соглашение.2\n\n1 «Первая статья», outlet.example, 16 марта 2020.\n2 «Вторая», other.example, 2019.\n"
    found = find_citations(text, ())
    check_offsets(text, found)
    assert found[0].date == "2020-03-16" and found[0].title == "Первая статья"
    assert cited(text, found[0]) == "Переговоры прошли в Пекине."


def test_same_input_same_output() -> None:
    assert [c.to_dict() for c in find_citations(THINK_TANK)] == [c.to_dict() for c in find_citations(THINK_TANK)]


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    "text",
    [
        ("Beijing.1 2015.3 $5.3 G7 “open quote " * 160_000)[:5_000_000],  # 5 MB single line, no notes
        "1 " + "“x.1 «y ‘z " * 450_000,  # a 5 MB single "note" line
        ("Claim about trade.1 Claim about debt,2 and more in 2015.3 End.\n" * 60_000)
        + "\n1 “A,” a.example, 2019.\n2 “B,” b.example, 2019.\n3 “C,” c.example, 2019.\n",
    ],
)
def test_huge_texts_finish(text: str) -> None:
    found = find_citations(text)
    check_offsets(text, found)


# ---------------------------------------------------------------- corpus


@pytest.mark.shared
def test_corpus_bracketed_notes(corpus_dir: Path) -> None:
    text = (corpus_dir / "oxfam-novib-influencing-networks-2020.txt").read_text(encoding="utf-8")
    found = find_citations(text)
    check_offsets(text, found)
    assert [c.marker for c in found] == ["[1]", "[2]"]
    for c, number in zip(found, "12"):
        sentence = cited(text, c)
        assert sentence is not None and sentence.rstrip(".").endswith(number)
        assert c.cited_end is not None and c.cited_end <= c.start
    assert found[0].date is not None and found[0].date.startswith("2020")


@pytest.mark.shared
def test_corpus_text_without_notes(corpus_dir: Path) -> None:
    text = (corpus_dir / "rusi-sco-central-asia-2013-2018.txt").read_text(encoding="utf-8")
    assert find_citations(text) == []  # years, amounts and "G7" stay ordinary numbers
