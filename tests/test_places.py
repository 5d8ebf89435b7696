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
    from horizonscan.analysis.place_rules import _rules
    from horizonscan.analysis.places import _candidates

    assert _candidates("Eastern Creekside", gz, _rules("")) == []


def test_city_inherits_the_weight_of_its_namesake_subdivision() -> None:
    found = by_text(places("Aid convoys reached Gaza on Tuesday."))
    assert found["Gaza"].country == "PSE"


# --------------------------------------------------------------------------- local cues (state words, containers, lists)


def _state(p: PlaceMention) -> bool:
    return p.feature == "admin1" and p.country == "USA"


@pytest.mark.parametrize(
    "text",
    [
        "The New York state governor declared a disaster on Friday.",
        "The cow came from a farm in the state of Washington.",
    ],
)
def test_state_word_picks_the_first_level_unit(text: str) -> None:
    found = [p for p in places(text) if p.text in ("New York", "Washington")]
    assert found and _state(found[0]), found


def test_city_word_picks_the_city() -> None:
    found = by_text(places("Officials in the city of New York closed schools."))
    assert found["New York"].feature == "city"


def test_after_town_comma_a_name_is_the_town_s_container() -> None:
    found = by_text(places("She was a 9-year-old girl from Buffalo, New York."))
    assert _state(found["New York"]) and found["Buffalo"].country == "USA"
    found = by_text(places("The plant was in Blakely, Georgia, inspectors said."))
    assert _state(found["Georgia"])
    blakely = found["Blakely"]
    assert distance_km(blakely.lat or 0, blakely.lon or 0, 31.38, -84.93) < 30


def test_a_part_of_a_city_keeps_the_city_as_container() -> None:
    found = by_text(places("Eight students from a school in Queens, New York fell ill."))
    ny = found["New York"]
    assert ny.feature == "city" and distance_km(ny.lat or 0, ny.lon or 0, 40.71, -74.0) < 30
    found = by_text(places("Funeral homes across Brooklyn, New York were searched. Marion, Ohio was next."))
    brooklyn = found["Brooklyn"]
    assert distance_km(brooklyn.lat or 0, brooklyn.lon or 0, 40.65, -73.95) < 30


def test_container_after_a_comma_is_not_a_speaking_actor() -> None:
    found = by_text(places("Janet Evans of Marion, Ohio was told the bones were gone."))
    assert _state(found["Ohio"])
    marion = found["Marion"]
    assert marion.feature == "city" and distance_km(marion.lat or 0, marion.lon or 0, 40.59, -83.13) < 30


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Cases were found in Texas, Utah, Virginia, Washington, West Virginia and Wyoming.", "Washington"),
        ("Cases were found in Texas, Utah, Virginia, Washington, West Virginia and Wyoming.", "Wyoming"),
        ("Cases were found in Michigan, Oregon, New Mexico, New York, Indiana and Ohio.", "New York"),
        ("Cases were found in Kentucky, Louisiana, Missouri, Mississippi, Montana and Nevada.", "Nevada"),
        ("He planned concerts in New Jersey and New York next year.", "New York"),
    ],
)
def test_list_members_share_the_kind_of_their_siblings(text: str, name: str) -> None:
    assert _state(by_text(places(text))[name])


def test_list_of_countries_keeps_a_country_reading() -> None:
    found = by_text(places("Polio cases rose in Benin, Niger, Nigeria and Togo last year."))
    assert found["Niger"].feature == "country" and found["Niger"].country == "NER"


def test_list_and_container_are_told_apart() -> None:
    # "Washington, Pennsylvania and California": three members, not a town and its state.
    found = by_text(places("Officials are investigating cases in Washington, Pennsylvania and California."))
    assert _state(found["Washington"])


def test_one_sense_per_document_follows_a_cued_mention() -> None:
    text = "The New York state governor declared an emergency. At least 75 people have died in New York since April."
    found = [p for p in places(text) if p.text == "New York"]
    assert len(found) == 2 and all(_state(p) for p in found)


def test_bare_new_york_is_still_the_city() -> None:
    found = by_text(places("The man had recently been in New York before flying home."))
    assert found["New York"].feature == "city"


def test_state_point_is_not_its_main_city() -> None:
    gz = load_gazetteer()
    state = next(gz.places[i] for i in gz.lookup("New York") if gz.places[i].feature == "admin1")
    assert distance_km(state.lat, state.lon, 40.71, -74.0) > 100  # the countrystatecity point is Manhattan
    assert distance_km(state.lat, state.lon, 43.0, -75.5) < 161  # roughly where GeoNames puts the state


def test_county_yields_only_to_a_city_of_its_state() -> None:
    from horizonscan.analysis.places import _prefer_city

    gz = load_gazetteer()
    cands = [gz.places[i] for i in gz.lookup("Marion")]
    for sub, city in _prefer_city(cands).items():
        if cands[sub].feature == "admin2":
            assert cands[city].admin1 in (cands[sub].admin1, -1)


@pytest.mark.parametrize("word", ["Island", "Valley", "Delta", "South", "Western", "Republic"])
def test_generic_words_alone_do_not_resolve(word: str) -> None:
    from horizonscan.analysis.place_rules import _rules
    from horizonscan.analysis.places import _candidates

    assert _candidates(word, load_gazetteer(), _rules("")) == []


def test_island_fragment_is_not_iceland() -> None:
    assert all(p.country != "ISL" for p in places("Samples went to the NY Plum Island Animal Disease Center."))


def test_entity_cut_before_of_is_extended_to_the_known_name() -> None:
    found = places("An outbreak of plague has killed 61 people in the Democratic Republic of the Congo, the WHO said.")
    names = [p.text for p in found]
    assert "Democratic Republic of the Congo" in names, names
    assert by_text(found)["Democratic Republic of the Congo"].country == "COD"


@pytest.mark.parametrize(
    ("surface", "name"),
    [("Santa Ana City Council", "Santa Ana"), ("Indian Ocean coast", "Indian Ocean"), ("Orange County Sanitation District", "Orange County")],
)
def test_unknown_name_ending_in_an_area_word_stands_at_its_known_head(surface: str, name: str) -> None:
    from horizonscan.analysis.place_rules import _rules
    from horizonscan.analysis.places import _candidates

    gz = load_gazetteer()
    found = _candidates(surface, gz, _rules(""))
    assert any(name_key(gz.places[i].name) == name_key(name) for i in found), [gz.places[i].name for i in found]
    assert _candidates("St. Peter's Square", gz, _rules("")) == []


def test_washington_dc_is_the_city() -> None:
    found = places("A patient was admitted to a hospital in Washington, D.C. after showing symptoms.")
    wash = by_text(found)["Washington"]
    assert wash.feature == "city" and distance_km(wash.lat or 0, wash.lon or 0, 38.9, -77.0) < 30


def test_chain_of_containers_is_not_a_list() -> None:
    found = by_text(places("She died in Atlanta, Georgia, United States, last week."))
    assert _state(found["Georgia"])
    found = by_text(places("Talks were held in Armenia, Azerbaijan, Georgia."))
    assert found["Georgia"].feature == "country" and found["Georgia"].country == "GEO"


@pytest.mark.parametrize(
    "text, town, lat, lon",
    [
        ("The fire broke out in Paris, Ky., on Monday.", "Paris", 38.21, -84.25),
        ("He grew up in Salem, Ore., and later moved.", "Salem", 44.94, -123.04),
        ("The plant in Jackson, Miss., closed.", "Jackson", 32.30, -90.18),
        ("The meeting in Albany, N.Y., ended.", "Albany", 42.65, -73.76),
        ("Flooding hit Charleston, W.Va., overnight.", "Charleston", 38.35, -81.63),
    ],
)
def test_ap_state_abbreviation_after_a_town_is_its_container(text: str, town: str, lat: float, lon: float) -> None:
    p = by_text(places(text))[town]
    assert p.country == "USA" and distance_km(p.lat, p.lon, lat, lon) < 30  # type: ignore[arg-type]


def test_ap_abbreviation_without_its_cue_is_no_place() -> None:
    assert places("Miss. Smith said nothing.") == []
    assert "Mass" not in by_text(places("Mass. was held in the cathedral of Lyon."))


@pytest.mark.parametrize(
    "text, name, iso3",
    [
        ("Troops left the Soviet Union in 1991.", "Soviet Union", "RUS"),
        ("He was born in Yugoslavia.", "Yugoslavia", "SRB"),
        ("Protests in Zaire spread.", "Democratic Republic of the Congo", "COD"),
        ("Trade with Persia grew.", "Iran", "IRN"),
        ("Tea from Ceylon sold well.", "Sri Lanka", "LKA"),
    ],
)
def test_former_states_resolve(text: str, name: str, iso3: str) -> None:
    found = places(text)
    assert [(p.name, p.country) for p in found] == [(name, iso3)]


def test_unresolved_names_of_organisations_and_compass_words_are_dropped() -> None:
    text = "The South China Morning Post reported that Oxfam Hong Kong and the West disagreed with the South."
    mentions = [
        Mention(4, 28, "South China Morning Post", "ORG", "company:scmp", None, "company"),
        Mention(44, 49, "Oxfam", "ORG", "ngo:oxfam", None, "ngo"),
    ]
    found = places(text, mentions)
    assert [p.text for p in found if p.lat is None] == []
    assert "Hong Kong" not in {p.text for p in found} or by_text(found)["Hong Kong"].lat is not None


def test_baluchistan_spelling_resolves_in_pakistan() -> None:
    p = by_text(places("Gwadar port lies in Baluchistan."))["Baluchistan"]
    assert p.country == "PAK"


def test_country_read_whole_by_the_actor_stage_replaces_its_pieces() -> None:
    from horizonscan.analysis.actors import find_actors

    text = "Vaccines were flown to Guinea-Bissau and to the Democratic Republic of the Congo in May."
    chunks = parse(text)
    found = find_places(text, chunks, list(find_actors(text, chunks, load_pack(), language="en")), load_pack())
    assert [(p.text, p.country) for p in found] == [
        ("Guinea-Bissau", "GNB"), ("Democratic Republic of the Congo", "COD")]


def test_entity_missing_one_word_of_a_known_name_takes_it_back() -> None:
    from horizonscan.analysis.place_spans import _extend_word, _Span

    gz = load_gazetteer()
    text = "Children in camps near Goz Beida were weighed. Rains reached Mashonaland West early."
    beida = text.index("Beida")
    grown = _extend_word(text, _Span(beida, beida + 5, "ner", "GPE"), gz)
    assert text[grown.start : grown.end] == "Goz Beida"
    masho = text.index("Mashonaland")
    grown = _extend_word(text, _Span(masho, masho + 11, "ner", "GPE"), gz)
    assert text[grown.start : grown.end] == "Mashonaland West"
    # A capitalised word that makes no known name stays out.
    paris = "In Paris Hilton stayed."
    same = _extend_word(paris, _Span(3, 8, "ner", "GPE"), gz)
    assert paris[same.start : same.end] == "Paris"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("new species in Central and South America", [("Central", "Central America"), ("South America", "South America")]),
        ("cases in Mashonaland West and Midlands", [("Mashonaland West", "Mashonaland West"), ("Midlands", None)]),
    ],
)
def test_two_names_read_as_one_entity_are_split(text: str, expected: list[tuple[str, str | None]]) -> None:
    from horizonscan.analysis.place_spans import _split_coordinated, _Span

    gz = load_gazetteer()
    start = text.index(expected[0][0])
    parts = _split_coordinated(text, _Span(start, len(text), "ner", "LOC"), gz)
    assert [(text[p.start : p.end], p.name or None) for p in parts] == [
        (surface, None if name == surface else name) for surface, name in expected]


def test_known_names_with_and_are_not_split() -> None:
    from horizonscan.analysis.place_spans import _split_coordinated, _Span

    text = "flights to Trinidad and Tobago"
    start = text.index("Trinidad")
    assert len(_split_coordinated(text, _Span(start, len(text), "ner", "GPE"), load_gazetteer())) == 1


def test_country_name_one_edit_away_resolves_only_when_unambiguous() -> None:
    gz = load_gazetteer()
    assert [gz.places[i].country for i in gz.lookup_misspelt_country("Kyrgystan")] == ["KGZ"]
    assert [gz.places[i].country for i in gz.lookup_misspelt_country("Mauritious")] == ["MUS"]
    assert gz.lookup_misspelt_country("Irak") == ()  # short names are too close to guess
    assert gz.lookup_misspelt_country("Xyzzyland") == ()


@pytest.mark.parametrize(
    ("text", "surface", "iso3", "lat", "lon"),
    [
        ("Cholera spread through Nyanza Province last year.", "Nyanza Province", "KEN", -0.5, 34.6),
        ("Fighting returned to Katanga in the 1990s.", "Katanga", "COD", -8.9, 26.4),
        ("Police in Greater Manchester made three arrests.", "Greater Manchester", "GBR", 53.5, -2.3),
        ("Farmers in Picardy protested against the tariff.", "Picardy", "FRA", 49.7, 2.9),
    ],
)
def test_merged_split_and_uncoded_units_resolve(text: str, surface: str, iso3: str, lat: float, lon: float) -> None:
    found = by_text(places(text))
    p = found[surface]
    assert p.country == iso3 and p.lat is not None and p.lon is not None
    assert distance_km(p.lat, p.lon, lat, lon) < 120  # near the middle of the unit (approximate centres)


def test_bare_compass_words_are_no_kenyan_province() -> None:
    gz = load_gazetteer()
    assert not any(gz.places[i].country == "KEN" for i in gz.lookup("Eastern"))
    assert any(gz.places[i].country == "KEN" for i in gz.lookup("Eastern Province"))


def test_central_africa_is_the_region_not_the_republic() -> None:
    gz = load_gazetteer()
    kinds = {(gz.places[i].feature, gz.places[i].country) for i in gz.lookup("Central Africa")}
    assert kinds == {("region", None)}
    assert [gz.places[i].country for i in gz.lookup("Central African Republic")] == ["CAF"]


def test_name_ending_in_an_event_word_stands_at_its_place() -> None:
    found = by_text(places("Relief flights to the South Asia Earthquake zone resumed."))
    hit = next(p for p in found.values() if p.text.startswith("South Asia"))
    assert hit.feature == "region" and hit.name == "Southern Asia"


def test_lost_words_after_connectors_are_taken_back() -> None:
    from horizonscan.analysis.place_spans import _extend_word, _Span

    text = "Two cases were confirmed in Rio Grande do Sul on Friday."
    start = text.index("Rio")
    grown = _extend_word(text, _Span(start, start + len("Rio Grande"), "ner", "GPE"), load_gazetteer())
    assert text[grown.start : grown.end] == "Rio Grande do Sul"


def test_names_joined_by_a_spaced_dash_are_split() -> None:
    from horizonscan.analysis.place_spans import _split_coordinated, _Span

    text = "It may reach Kenya - Uganda soon"
    start = text.index("Kenya")
    parts = _split_coordinated(text, _Span(start, start + len("Kenya - Uganda"), "ner", "GPE"), load_gazetteer())
    assert [text[p.start : p.end] for p in parts] == ["Kenya", "Uganda"]


def test_a_state_named_far_away_does_not_pull_a_big_city_to_its_village() -> None:
    text = (
        "The mayor of Boston declared an emergency on Monday as clinics filled. "
        + "Hospitals reported long queues across the region. " * 3
        + "Health officials in New York state said they had enough vaccine."
    )
    boston = by_text(places(text))["Boston"]
    assert boston.lat is not None and boston.lon is not None
    assert distance_km(boston.lat, boston.lon, 42.36, -71.06) < 30  # Massachusetts, not Boston, N.Y.
    near = "Officials in Boston, a town south of Buffalo in New York state, closed the school."
    boston_ny = by_text(places(near))["Boston"]
    assert boston_ny.lon is not None and boston_ny.lon < -78  # named beside its state: the village


def test_units_listed_in_the_sentence_before_make_a_bare_name_the_unit() -> None:
    text = ("Oregon has reported nine cases, Idaho four and Montana two. "
            "New York has reported twenty, officials said.")
    ny = by_text(places(text))["New York"]
    assert ny.feature == "admin1" and ny.country == "USA"
    alone = by_text(places("New York has reported twenty cases, officials said."))
    assert "New York" not in alone or alone["New York"].feature == "city"


def test_bare_name_of_a_us_county_is_the_town() -> None:
    gz = load_gazetteer()
    assert not any(gz.places[i].feature == "admin2" and gz.places[i].country == "USA" for i in gz.lookup("Oxford"))
    assert any(gz.places[i].feature == "admin2" and gz.places[i].country == "USA" for i in gz.lookup("Oxford County"))
    found = by_text(places("The Lafayette County sheriff said two men were arrested near Oxford."))
    assert found["Oxford"].feature == "city" and found["Oxford"].country == "USA"


@pytest.mark.parametrize(
    ("text", "surface", "iso3"),
    [
        ("Aid reached Cox's Bazar and Teknaf by road.", "Cox's Bazar", "BGD"),
        ("The minister visited Gwadar last week.", "Gwadar", "PAK"),
    ],
)
def test_small_towns_after_a_motion_verb_or_listed_with_a_place_are_found(text: str, surface: str, iso3: str) -> None:
    found = by_text(places(text))
    assert found[surface].country == iso3


def test_a_name_beside_a_found_place_counts_as_listed() -> None:
    from horizonscan.analysis.place_spans import _beside_place

    text = "Aid reached Cox's Bazar and Teknaf by road."
    teknaf = text.index("Teknaf")
    bounds = ({teknaf + len("Teknaf")}, {teknaf})
    assert _beside_place(text, text.index("Cox"), text.index(" and"), bounds)
    assert not _beside_place(text, 0, 3, bounds)


@pytest.mark.parametrize(
    "text",
    [
        "She holds an MSc in Human Rights from a London university.",  # "Human" is also Uman, Ukraine
        "- Over the past two years the fund supported 40 projects.",  # a list item's first word
        "Thanks to the Centre and its partners the report was published.",
    ],
)
def test_common_words_heading_names_or_list_items_are_no_places(text: str) -> None:
    assert [p.text for p in places(text) if p.lat is not None] in ([], ["London"])


def test_a_town_before_a_kind_of_place_is_still_found() -> None:
    found = by_text(places("Militants attacked a checkpoint in Kunduz Province on Sunday."))
    assert any(p.country == "AFG" for p in found.values())


def test_an_organisation_the_dictionary_knows_is_no_place_even_when_a_code_matches() -> None:
    from horizonscan.analysis.actors import find_actors

    text = "Military units from SCO member states held drills near Bishkek."
    chunks = parse(text)
    found = find_places(text, chunks, list(find_actors(text, chunks, load_pack(), language="en")), load_pack())
    assert [p.text for p in found] == ["Bishkek"]


def test_a_stated_country_with_no_namesake_in_it_leaves_the_town_off_the_map() -> None:
    found = by_text(places("Leaders met at the G7 summit in Charlevoix, Canada, last June."))
    assert found["Charlevoix"].lat is None and found["Charlevoix"].country == "CAN"  # not Charlevoix, Michigan
    assert by_text(places("Engineers arrived in Gwadar, Pakistan, on Monday."))["Gwadar"].lat is not None


def test_capitals_spacy_calls_people_are_places_after_a_preposition_of_place() -> None:
    assert by_text(places("China's embassy in Colombo denied the reports."))["Colombo"].country == "LKA"
    from horizonscan.analysis.place_rules import _rules
    from horizonscan.analysis.place_spans import _embedded_ok, _Span

    rules = _rules("")
    text = "He met Colombo in Colombo."
    first, second = text.index("Colombo"), text.rindex("Colombo")
    assert not _embedded_ok(text, first, first + 7, _Span(first, first + 7, "ner", "PERSON"), rules)
    assert _embedded_ok(text, second, second + 7, _Span(second, second + 7, "ner", "PERSON"), rules)


def test_a_country_whose_data_gives_its_name_as_demonym_is_still_a_place() -> None:
    found = by_text(places("The Chinese-built railway links Addis Ababa with Djibouti."))
    assert found["Djibouti"].country == "DJI"


def test_a_country_known_to_the_actor_stage_by_another_name_is_placed() -> None:
    from horizonscan.analysis.actors import find_actors

    text = "Traders travelled to Kirghizia in May."
    chunks = parse(text)
    found = find_places(text, chunks, list(find_actors(text, chunks, load_pack(), language="en")), load_pack())
    assert [(p.text, p.country, p.feature) for p in found] == [("Kirghizia", "KGZ", "country")]


def test_coordinated_metonyms_are_both_actors() -> None:
    assert places("Kyrgyzstan and Kazakhstan signed the border treaty.") == []
    assert [p.text for p in places("Aid reached Kenya and Uganda in May.")] == ["Kenya", "Uganda"]


def test_a_country_spacy_called_a_person_is_placed_when_the_actor_stage_knows_it() -> None:
    from horizonscan.analysis.actors import find_actors

    text = "Conference organisers reported cases in Mozambique and Botswana too. The WHO called for calm."
    chunks = parse(text)
    found = find_places(text, chunks, list(find_actors(text, chunks, load_pack(), language="en")), load_pack())
    assert [(p.text, p.country) for p in found] == [("Mozambique", "MOZ"), ("Botswana", "BWA")]


def test_a_subdivision_code_read_as_a_number_after_regional_is_the_place() -> None:
    from horizonscan.analysis.place_rules import _rules
    from horizonscan.analysis.place_spans import _embedded_ok, _Span

    text = "Cases rose in regional NSW and 12 more in Victoria."
    s = text.index("NSW")
    assert _embedded_ok(text, s, s + 3, _Span(s, s + 3, "ner", "CARDINAL"), _rules(""))
    n = text.index("12")
    assert not _embedded_ok(text, n, n + 2, _Span(n, n + 2, "ner", "CARDINAL"), _rules(""))


@pytest.mark.parametrize(
    ("text", "label", "surface"),
    [
        ("Two cases were found in the northern town of Toruń on Monday.", "NORP", "Toruń"),
        ("The outbreak may have spread to Warwick in Queensland.", "PERSON", "Warwick"),
        ("A tsunami hit the island of Java on Monday.", "PERSON", "Java"),
    ],
)
def test_a_place_spacy_calls_a_person_or_people_is_kept_with_a_cue_of_place(text: str, label: str, surface: str) -> None:
    from horizonscan.analysis.place_rules import _rules
    from horizonscan.analysis.place_spans import _embedded_ok, _Span

    s = text.index(surface)
    e = s + len(surface)
    assert _embedded_ok(text, s, e, _Span(s, e, "ner", label), _rules(""), load_gazetteer())
    bare = "Warwick said he would come."
    assert not _embedded_ok(bare, 0, 7, _Span(0, 7, "ner", "PERSON"), _rules(""), load_gazetteer())


def test_a_listed_name_spacy_calls_a_person_is_a_place_with_its_list() -> None:
    found = places("The disease has also affected the neighbouring countries of Benin, Ghana, Guinea, Niger, and Senegal.")
    assert [p.country for p in found] == ["BEN", "GHA", "GIN", "NER", "SEN"]


def test_a_list_goes_on_from_a_name_the_gazetteer_found() -> None:
    found = places("The virus was found in three areas of Egypt - namely Cairo, Giza, and Al-Minya. A team left.")
    assert [p.text for p in found][-3:] == ["Cairo", "Giza", "Al-Minya"]
    assert all(p.country == "EGY" for p in found)


def test_an_article_does_not_hide_the_preposition_that_governs_a_place() -> None:
    assert [p.text for p in places("Health authorities in the Netherlands said the tourist fell ill.")] == ["Netherlands"]
    assert places("The Netherlands said the tourist fell ill.") == []  # a speaking country is an actor
