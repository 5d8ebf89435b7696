"""Geoparsing evaluation on GeoVirus (Gritta et al. 2018), read from ../shared/eval/geovirus.

Recognition: a predicted span matches a gold toponym when they overlap (one to
one, greedy by position); ``strict_*`` asks for identical offsets. Resolution
is scored on matched pairs: great-circle error in km, accuracy within 161 km
(100 miles), median error and the AUC of the sorted log errors. End to end,
every gold toponym counts and a missed one is wrong.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MAX_KM = 20039.0  # half the Earth's circumference: the worst possible error


@dataclass(frozen=True, slots=True)
class GoldPlace:
    start: int
    end: int
    name: str
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class GoldArticle:
    text: str
    places: tuple[GoldPlace, ...]


def read_geovirus(path: Path) -> list[GoldArticle]:
    """Articles and toponyms; GeoVirus offsets are 1-based, so they are shifted by one."""
    root = ET.parse(path).getroot()
    articles: list[GoldArticle] = []
    for art in root.iter("article"):
        text = art.findtext("text") or ""
        places: list[GoldPlace] = []
        for loc in art.iter("location"):  # nested <location> elements included
            name = loc.findtext("name") or ""
            s, e = int(loc.findtext("start") or 0), int(loc.findtext("end") or 0)
            if text[s - 1 : e - 1] == name:
                s, e = s - 1, e - 1
            elif text[s:e] != name:
                continue  # offsets that do not point at the name are not scored
            places.append(GoldPlace(s, e, name, float(loc.findtext("lat") or 0), float(loc.findtext("lon") or 0)))
        articles.append(GoldArticle(text, tuple(sorted(places, key=lambda p: (p.start, p.end)))))
    return articles


def auc_of_errors(errors_km: list[float]) -> float:
    """Area under the curve of sorted log errors, scaled to [0, 1] (lower is better).

    Following Gritta et al. (2018): each error becomes ln(1 + e) / ln(20039), the
    errors are sorted, and the area under that curve (trapezoid rule over unit
    steps) is divided by the number of intervals.
    """
    if not errors_km:
        return 0.0
    scaled = sorted(math.log1p(e) / math.log1p(MAX_KM) for e in errors_km)
    if len(scaled) == 1:
        return scaled[0]
    area = sum((a + b) / 2 for a, b in zip(scaled, scaled[1:]))
    return area / (len(scaled) - 1)


def _match(pred: list[Any], gold: tuple[GoldPlace, ...]) -> list[tuple[Any, GoldPlace]]:
    """One-to-one overlap matching, greedy in text order (largest overlap first)."""
    pairs: list[tuple[Any, GoldPlace]] = []
    used: set[int] = set()
    for p in pred:
        best, best_ov = -1, 0
        for k, g in enumerate(gold):
            if k in used:
                continue
            ov = min(p.end, g.end) - max(p.start, g.start)
            if ov > best_ov:
                best, best_ov = k, ov
        if best >= 0:
            used.add(best)
            pairs.append((p, gold[best]))
    return pairs


def evaluate(eval_dir: Path, limit: int | None = None) -> dict[str, float]:
    """Score ``find_places`` on GeoVirus; ``limit`` keeps the first N articles."""
    from ..analysis.gazetteer import distance_km
    from ..analysis.nlp import parse
    from ..analysis.places import find_places
    from ..packs import load_pack

    try:
        from ..analysis.actors import find_actors  # type: ignore[attr-defined]
    except ImportError:  # the actor analyser is optional here
        find_actors = None

    path = Path(eval_dir) / "geovirus" / "GeoVirus.xml"
    if not path.exists():
        path = Path(eval_dir) / "GeoVirus.xml"
    articles = read_geovirus(path)[:limit] if limit else read_geovirus(path)
    pack = load_pack()
    n_pred = n_gold = n_match = n_strict = 0
    errors: list[float] = []
    for art in articles:
        chunks = parse(art.text)
        mentions: list[Any] = []
        if find_actors is not None:
            try:
                mentions = list(find_actors(art.text, chunks, pack, language="en"))
            except Exception:  # noqa: BLE001 - a broken actor stage must not hide place scores
                mentions = []
        pred = find_places(art.text, chunks, mentions, pack)
        n_pred += len(pred)
        n_gold += len(art.places)
        gold_spans = {(g.start, g.end) for g in art.places}
        n_strict += sum(1 for p in pred if (p.start, p.end) in gold_spans)
        for p, g in _match(pred, art.places):
            n_match += 1
            if p.lat is None or p.lon is None:
                errors.append(MAX_KM)
            else:
                errors.append(distance_km(p.lat, p.lon, g.lat, g.lon))

    def f1(p: float, r: float) -> float:
        return 2 * p * r / (p + r) if p + r else 0.0

    precision = n_match / n_pred if n_pred else 0.0
    recall = n_match / n_gold if n_gold else 0.0
    s_p = n_strict / n_pred if n_pred else 0.0
    s_r = n_strict / n_gold if n_gold else 0.0
    within = sum(1 for e in errors if e <= 161.0)
    ordered = sorted(errors)
    median = ordered[len(ordered) // 2] if len(ordered) % 2 else (
        (ordered[len(ordered) // 2 - 1] + ordered[len(ordered) // 2]) / 2 if ordered else 0.0)
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1(precision, recall), 4),
        "strict_precision": round(s_p, 4),
        "strict_recall": round(s_r, 4),
        "strict_f1": round(f1(s_p, s_r), 4),
        "acc161": round(within / len(errors), 4) if errors else 0.0,
        "median_km": round(median, 1),
        "auc": round(auc_of_errors(errors), 4),
        "acc161_end_to_end": round(within / n_gold, 4) if n_gold else 0.0,
    }
