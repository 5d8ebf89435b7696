"""Actor analyser: hand-written sentences through the real first spaCy pass."""

from __future__ import annotations

import pytest

from horizonscan.analysis.actors import classify_agent, find_actors
from horizonscan.analysis.nlp import parse
from horizonscan.packs import load_pack
from horizonscan.records import Mention


@pytest.fixture(scope="module")
def pack():
    return load_pack("china_abroad")


def run(text: str, pack, language: str | None = "en") -> list[Mention]:
    chunks = parse(text) if language in (None, "en") else []
    return find_actors(text, chunks, pack, language)


def by_text(mentions: list[Mention]) -> dict[str, Mention]:
    return {m.text: m for m in mentions}


def test_offsets_exact_sorted_and_non_overlapping(pack):
    text = "In March the Amity Foundation sent aid.\n\nXi Jinping's envoy met Kyrgyz officials in Bishkek."
    found = run(text, pack)
    assert found, "expected mentions"
    for m in found:
        assert text[m.start : m.end] == m.text
    assert [(m.start, m.end) for m in found] == sorted((m.start, m.end) for m in found)
    assert all(a.end <= b.start for a, b in zip(found, found[1:]))


def test_dictionary_fixes_spacy_boundaries_and_resolves(pack):
    found = by_text(run("The Amity Foundation and Xi Jinping's government thanked the SCO.", pack))
    assert found["Amity Foundation"].actor_id == "ngo:amity-foundation"
    assert found["Amity Foundation"].label == "ORG"
    xi = found["Xi Jinping"]
    assert (xi.actor_id, xi.label, xi.country, xi.kind) == ("person:xi-jinping", "PER", "CHN", "person")
    assert found["SCO"].actor_id == "igo:sco" and found["SCO"].kind == "igo"


def test_demonyms_grow_into_unnamed_agents(pack):
    found = by_text(run("Kyrgyz officials met the Chinese embassy while Chinese NGOs watched Russian troops.", pack))
    officials = found["Kyrgyz officials"]
    assert (officials.country, officials.kind, officials.sector, officials.actor_id) == ("KGZ", "group", "GOV", None)
    embassy = found["Chinese embassy"]
    assert (embassy.country, embassy.kind, embassy.sector) == ("CHN", "government", "GOV")
    assert found["Chinese NGOs"].sector == "NGO"
    assert found["Russian troops"].country == "RUS" and found["Russian troops"].sector == "MIL"


def test_metonyms_and_abbreviations(pack):
    found = by_text(run("Beijing and the Kremlin backed the CDB loan, said the PLA and CPEC officials.", pack))
    assert found["Beijing"].actor_id == "CHN" and found["Beijing"].kind == "government"
    assert found["Kremlin"].actor_id == "RUS"
    assert found["CDB"].actor_id == "company:cdb" and found["CDB"].country == "CHN"
    assert found["PLA"].actor_id == "mil:pla" and found["PLA"].sector == "MIL"


def test_diacritics_and_transliterations(pack):
    found = by_text(run("Tokaev met Zheenbekov, Mirziyoev and Nazarbaev in Türkiye.", pack))
    assert found["Tokaev"].actor_id == "person:kassym-jomart-tokayev"
    assert found["Zheenbekov"].actor_id == "person:sooronbay-jeenbekov"
    assert found["Mirziyoev"].actor_id == "person:shavkat-mirziyoyev"
    assert found["Nazarbaev"].actor_id == "person:nursultan-nazarbayev"
    assert found["Türkiye"].actor_id == "TUR"
    # "Turkiye" without the diacritic is the same country.
    assert by_text(run("Turkiye signed.", pack))["Turkiye"].actor_id == "TUR"


def test_fuzzy_near_match_is_strict(pack):
    near = by_text(run("President Shavkat Mirziyoyevv spoke.", pack))
    assert near["Shavkat Mirziyoyevv"].actor_id == "person:shavkat-mirziyoyev"
    far = by_text(run("Mr Shavkat Mirzaev spoke.", pack))
    assert all(m.actor_id != "person:shavkat-mirziyoyev" for m in far.values())


def test_case_of_acronyms_and_short_words(pack):
    found = run("Let us ask who told the US and the WHO about china plates.", pack)
    ids = [m.actor_id for m in found]
    assert "USA" in ids and "igo:who" in ids
    resolved = {m.text for m in found if m.actor_id}
    assert not resolved & {"us", "who", "china"}


def test_ambiguous_country_names_need_ner_support(pack):
    found = by_text(run("Chad Smith visited us. Officials in Chad and Jordan agreed.", pack))
    assert found["Chad Smith"].actor_id is None
    assert found["Chad"].actor_id == "TCD" and found["Jordan"].actor_id == "JOR"
    # Without NER (no chunks) in English, ambiguous names are left alone.
    assert find_actors("Chad laughed.", [], pack, "en") == []


def test_longer_entity_keeps_span_and_infers_country(pack):
    found = by_text(run("The Kazakh Ministry of Energy of Kazakhstan and China Daily reported it.", pack))
    assert found["China Daily"].actor_id == "company:china-daily"
    energy = [m for m in found.values() if "Ministry of Energy" in m.text]
    assert energy and energy[0].sector == "GOV"


def test_countries_in_other_languages_on_english_text(pack):
    found = by_text(run("Delegations from Kyrgyzstan, the Kyrgyz Republic and Côte d'Ivoire met.", pack))
    assert found["Kyrgyzstan"].actor_id == "KGZ"
    assert found["Kyrgyz Republic"].actor_id == "KGZ"
    assert found["Côte d'Ivoire"].actor_id == "CIV"


def test_chinese_text(pack):
    text = "习近平在北京会见了吉尔吉斯斯坦总统,并出席上海合作组织峰会。"
    found = run(text, pack, "zh")
    ids = {m.actor_id for m in found}
    assert {"person:xi-jinping", "CHN", "KGZ", "igo:sco"} <= ids
    for m in found:
        assert text[m.start : m.end] == m.text


def test_russian_text_with_case_endings(pack):
    text = "Си Цзиньпин встретился с президентом Киргизии в Москве. Китай и Россия вошли в ШОС."
    found = by_text(run(text, pack, "ru"))
    assert found["Си Цзиньпин"].actor_id == "person:xi-jinping"
    assert found["Киргизии"].actor_id == "KGZ"
    assert found["Москве"].actor_id == "RUS"
    assert found["Китай"].actor_id == "CHN"
    assert found["ШОС"].actor_id == "igo:sco"


def test_french_names_only_count_in_french(pack):
    found = by_text(run("La Chine et le Kirghizstan ont signé.", pack, "fr"))
    assert found["Chine"].actor_id == "CHN" and found["Kirghizstan"].actor_id == "KGZ"
    assert all(m.actor_id != "MUS" for m in run("Maurice arrived late.", pack))


def test_empty_and_odd_text(pack):
    assert find_actors("", [], pack, "en") == []
    assert find_actors("   \n\n  ", [], pack, None) == []
    assert isinstance(find_actors("\x00\x07 &amp; ???", [], pack, "de"), list)


def test_deterministic(pack):
    text = "Chinese companies and the Export-Import Bank of China funded CRBC; Putin and Modi met in Tashkent."
    chunks = parse(text)
    first = [m.to_dict() for m in find_actors(text, chunks, pack, "en")]
    second = [m.to_dict() for m in find_actors(text, parse(text), pack, "en")]
    assert first == second


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("Chinese NGOs", ("CHN", "NGO")),
        ("Kyrgyz protesters", ("KGZ", "CVL")),
        ("the Russian leader", ("RUS", "GOV")),
        ("the opposition leader", (None, "OPP")),
        ("rebel leaders", (None, "REB")),
        ("Russian troops", ("RUS", "MIL")),
        ("Pakistani police", ("PAK", "COP")),
        ("local residents", (None, "CVL")),
        ("the government", (None, "GOV")),
        ("a Chinese company", ("CHN", "BUS")),
        ("the Chinese-run mine", ("CHN", "BUS")),
        ("NGO workers", (None, "NGO")),
        ("Uzbek border guards", ("UZB", "MIL")),
        ("the Chinese Foreign Ministry", ("CHN", "GOV")),
        ("somebody", (None, None)),
    ],
)
def test_classify_agent(words, expected):
    assert classify_agent(words) == expected


def test_a_name_ends_before_its_bracketed_abbreviation_or_a_colon() -> None:
    import horizonscan

    a = horizonscan.analyse("Envoys of the Shanghai Cooperation Organisation (SCO) met in Astana.", language="en")
    assert [(m.text, m.actor_id) for m in a.mentions if m.actor_id == "igo:sco"] == [
        ("Shanghai Cooperation Organisation", "igo:sco"), ("SCO", "igo:sco")]


def test_a_country_name_one_edit_away_is_that_state_unless_it_is_a_place() -> None:
    import horizonscan

    a = horizonscan.analyse("Turkmenistan and Tadjikistan joined the pipeline talks.", language="en")
    assert {m.text: m.actor_id for m in a.mentions}["Tadjikistan"] == "TJK"
    b = horizonscan.analyse("Flights from Columbia were delayed.", language="en")
    assert all(m.actor_id != "COL" for m in b.mentions)  # a US city, not Colombia
