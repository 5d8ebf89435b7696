"""Place analyser: recognition rules, disambiguation by context, offsets, determinism."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from horizonscan.analysis.gazetteer import distance_km, load_gazetteer, name_key
from horizonscan.analysis.nlp import parse
from horizonscan.analysis.places import find_places
from horizonscan.packs import load_pack
from horizonscan.records import Mention, PlaceMention


def places(text: str, mentions: list[Mention] | None = None) -> list[PlaceMention]:
    return find_places(text, parse(text), mentions or [], load_pack())


def by_text(found: list[PlaceMention]) -> dict[str, PlaceMention]:
    return {p.text: p for p in found}


def test_name_key_normalises_case_dots_diacritics_and_articles() -> None:
    assert name_key("U.S.") == name_key("US") == "us"
    assert name_key("the Côte d’Ivoire") == "cote d'ivoire"
    assert name_key("Britain's") == "britain"


def test_gazetteer_has_countries_subdivisions_and_cities() -> None:
    gz = load_gazetteer()
    kinds = {gz.places[i].feature for i in gz.lookup("Georgia")}
    assert {"country", "admin1"} <= kinds
    assert any(gz.places[i].feature == "continent" for i in gz.lookup("Africa"))
    assert gz.places[gz.countries["KGZ"]].geonames_id == 1527747


def test_locative_is_a_place_but_speaking_capital_is_an_actor() -> None:
    found = by_text(places("The delegation arrived in Beijing on Monday. Beijing said the loan was approved."))
    spans = [p for p in places("The delegation arrived in Beijing on Monday. Beijing said the loan was approved.")]
    assert len(spans) == 1 and spans[0].start == 26
    assert found["Beijing"].country == "CHN" and found["Beijing"].feature == "city"


@pytest.mark.parametrize(
    "sentence",
    ["Moscow signed the accord.", "Washington has warned the banks.", "Tashkent also announced new tariffs."],
)
def test_metonyms_followed_by_action_verbs_are_not_places(sentence: str) -> None:
    assert places(sentence) == []


def test_officials_in_a_place_who_speak_keep_the_place() -> None:
    found = places("Officials in Texas have urged residents to stay indoors.")
    assert [p.text for p in found] == ["Texas"]


def test_georgia_follows_its_context() -> None:
    caucasus = by_text(places("Protests spread from Tbilisi across Georgia after the vote."))
    south = by_text(places("Storms hit Atlanta and Savannah, and Georgia declared an emergency in Georgia."))
    assert caucasus["Georgia"].country == "GEO" and caucasus["Georgia"].feature == "country"
    assert south["Georgia"].country == "USA" and south["Georgia"].feature == "admin1"


def test_paris_texas_only_with_texas_context() -> None:
    assert by_text(places("The team flew to Paris for the summit."))["Paris"].country == "FRA"
    texan = by_text(places("The storm flooded Dallas and then Paris, Texas."))
    assert texan["Paris"].country == "USA"


def test_demonyms_are_not_places() -> None:
    text = "Chinese engineers and Kyrgyz officials met Russian investors."
    assert places(text) == []
    norp = [Mention(0, 7, "Chinese", "NORP", actor_id="CHN", country="CHN")]
    assert places("Chinese lenders arrived in Bishkek.", norp)[0].text == "Bishkek"


@pytest.mark.parametrize(
    ("text", "name", "iso3"),
    [
        ("Aid reached the US in May.", "US", "USA"),
        ("Aid reached the U.S. in May.", "U.S.", "USA"),
        ("Aid reached the UK in May.", "UK", "GBR"),
        ("Aid reached the DRC in May.", "DRC", "COD"),
        ("Aid reached Ivory Coast in May.", "Ivory Coast", "CIV"),
        ("Aid reached Kyrgyzstan in May.", "Kyrgyzstan", "KGZ"),
    ],
)
def test_country_variants_resolve_to_the_country(text: str, name: str, iso3: str) -> None:
    found = by_text(places(text))
    assert found[name].country == iso3 and found[name].feature == "country"


def test_multiword_places_and_exact_offsets() -> None:
    text = "Flooding struck Rio de Janeiro, while the port of Hong Kong and New South Wales stayed open."
    found = places(text)
    assert [p.text for p in found] == ["Rio de Janeiro", "Hong Kong", "New South Wales"]
    for p in found:
        assert text[p.start : p.end] == p.text
    rio = found[0]
    assert rio.country == "BRA" and distance_km(rio.lat or 0, rio.lon or 0, -22.9, -43.2) < 50


def test_output_sorted_non_overlapping_and_deterministic() -> None:
    text = (
        "China Road and Bridge Corporation opened an office in Nairobi, Kenya.\n\n"
        "Later the ministry in Astana said trade with Kazakhstan and Uzbekistan grew."
    )
    first = [p.to_dict() for p in places(text)]
    second = [p.to_dict() for p in places(text)]
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)
    assert [p["start"] for p in first] == sorted(p["start"] for p in first)
    assert all(a["end"] <= b["start"] for a, b in zip(first, first[1:]))
    assert {"Nairobi", "Kenya", "Kazakhstan", "Uzbekistan"} <= {p["text"] for p in first}


def test_currency_and_pathogen_names_are_not_places() -> None:
    assert places("The fine was US$1,800 and the West Nile virus spread.") == []


@pytest.mark.parametrize("text", ["", "   \n\n  ", "中国在哈萨克斯坦修建铁路。", "Китай построит дорогу в Киргизии."])
def test_empty_and_non_english_text_do_not_crash(text: str) -> None:
    assert isinstance(places(text), list)


def test_no_chunks_means_no_places() -> None:
    assert find_places("in Paris", [], [], load_pack()) == []


@pytest.mark.slow
def test_geovirus_meets_floors(eval_dir: Path) -> None:
    from horizonscan.evaluation import floors
    from horizonscan.evaluation.places import evaluate

    scores = evaluate(eval_dir)
    for metric, floor in floors("places").items():
        assert scores[metric] + 1e-9 >= floor, (metric, scores[metric], floor)


def test_country_point_stays_near_the_factbook_point() -> None:
    from horizonscan.analysis.gazetteer import _country_point

    near = _country_point((10.0, 10.0), (10.5, 10.5))  # under 160 km apart: the mainland centre
    assert near == (10.5, 10.5)
    mid = _country_point((0.0, 0.0), (0.0, 2.5))  # ~278 km apart: the midpoint, within 161 km of both
    assert mid == (0.0, 1.25)
    far = _country_point((0.0, 0.0), (0.0, 8.0))  # ~890 km apart: 160 km from the Factbook point
    assert 155 < distance_km(0.0, 0.0, *far) <= 160.5
    assert _country_point((5.0, 5.0), None) == (5.0, 5.0)


def test_subdivisions_have_their_own_points_and_codes() -> None:
    gz = load_gazetteer()
    qld = next(gz.places[i] for i in gz.lookup("Queensland") if gz.places[i].feature == "admin1")
    assert distance_km(qld.lat, qld.lon, -22.0, 144.0) < 161  # not the north-east coast where its towns are
    jiangsu = next(gz.places[i] for i in gz.lookup("Jiangsu") if gz.places[i].feature == "admin1")
    assert distance_km(jiangsu.lat, jiangsu.lon, 33.0, 119.8) < 161
    assert [gz.places[i].name for i in gz.lookup_code("NSW")] == ["New South Wales"]
    assert gz.lookup_code("nsw") == ()


def test_counties_know_their_state() -> None:
    gz = load_gazetteer()
    county = next(gz.places[i] for i in gz.lookup("Ontario County") if gz.places[i].country == "USA")
    assert county.admin1 >= 0 and gz.places[county.admin1].name == "New York"


@pytest.mark.parametrize(
    ("text", "name", "lat", "lon"),
    [
        ("Refugees fled Darfur last year.", "Darfur", 13.0, 24.0),
        ("Boats crossed the Mediterranean in June.", "Mediterranean", 35.0, 18.0),
        ("Ships patrol the South China Sea.", "South China Sea", 12.0, 113.0),
        ("Fighting spread across West Africa.", "West Africa", 14.0, -1.0),
        ("Floods hit farms in NSW on Monday.", "NSW", -32.0, 147.0),
        ("Rain fell on Dubbo, NSW for a week.", "NSW", -32.0, 147.0),
    ],
)
def test_regions_seas_and_codes_resolve(text: str, name: str, lat: float, lon: float) -> None:
    found = by_text(places(text))
    assert name in found, found
    p = found[name]
    assert p.lat is not None and p.lon is not None
    assert distance_km(p.lat, p.lon, lat, lon) < 300


def test_subdivision_codes_need_a_cue() -> None:
    assert [p.text for p in places("NSW officials met on Monday.")] == []


def test_directional_part_stands_at_the_whole_for_large_places_only() -> None:
    found = by_text(places("The outbreak began in eastern China and reached Western Kenya."))
    assert found["Western Kenya"].country == "KEN"
    gz = load_gazetteer()
    from horizonscan.analysis.places import _candidates, _rules

    assert _candidates("Eastern Creekside", gz, _rules("")) == []


def test_city_inherits_the_weight_of_its_namesake_subdivision() -> None:
    found = by_text(places("Aid convoys reached Gaza on Tuesday."))
    assert found["Gaza"].country == "PSE"
