"""GeoJSON (RFC 7946) for events and places: one Point feature each, [longitude, latitude]."""

from __future__ import annotations

import json
from typing import Any, Iterable

from ..query.records import EventRecord, PlaceCount


def _collection(features: list[dict[str, Any]], skipped: int) -> dict[str, Any]:
    # "skipped" is a foreign member (RFC 7946 §6.1): rows that had no coordinates.
    return {"type": "FeatureCollection", "features": features, "skipped": skipped}


def _point(lon: float, lat: float, props: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]}, "properties": props}


def events_geojson(events: Iterable[EventRecord]) -> dict[str, Any]:
    """Events with a located place; each feature carries who/what/whom/when and its sentence."""
    features, skipped = [], 0
    for e in events:
        if e.place_lat is None or e.place_lon is None:
            skipped += 1
            continue
        features.append(_point(e.place_lon, e.place_lat, {
            "id": e.id, "type": e.type, "mode": e.mode,
            "source": e.source_actor_id or e.source_country, "source_text": e.source_text,
            "target": e.target_actor_id or e.target_country, "target_text": e.target_text,
            "place": e.place_text, "place_country": e.place_country,
            "date": e.date_value, "date_precision": e.date_precision, "score": e.score,
            "confidence": e.confidence, "document_id": e.document_id, "sentence": e.sentence,
            "date_reported": e.date_reported, "amount": e.amount, "currency": e.currency, "amount_usd": e.amount_usd,
            "quantity": e.quantity, "unit": e.unit, "link": e.link,
        }))
    return _collection(features, skipped)


def places_geojson(places: Iterable[PlaceCount]) -> dict[str, Any]:
    features, skipped = [], 0
    for p in places:
        if p.lat is None or p.lon is None:
            skipped += 1
            continue
        features.append(_point(p.lon, p.lat, {"name": p.name, "country": p.country, "geonames_id": p.geonames_id, "count": p.count}))
    return _collection(features, skipped)


def dumps(collection: dict[str, Any]) -> str:
    return json.dumps(collection, ensure_ascii=False)
