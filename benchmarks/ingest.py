"""Ingest throughput: N generated HTML pages into SQLite vs a bare read-and-hash loop.

Prints documents/s and MB/s for both and their ratio (ingest / bare loop), measured
in the same process so machine noise affects both alike. Analysis is off by
default (it is measured by benchmarks/analyse.py); ``--analyse`` turns it on.

    python benchmarks/ingest.py            # 10,000 pages
    python benchmarks/ingest.py --pages 500 --analyse
"""

from __future__ import annotations

import argparse
import hashlib
import random
import tempfile
import time
from pathlib import Path

WORDS = (
    "China Kazakhstan Kyrgyzstan loan railway pipeline ministry delegation agreement signed project "
    "village residents protest compensation road port bank summit cooperation investment border trade "
    "the a of to in and for with on said officials week new local regional government company"
).split()


def make_pages(folder: Path, n: int, seed: int = 1) -> int:
    rnd = random.Random(seed)
    total = 0
    for i in range(n):
        paras = "".join(
            f"<p>{' '.join(rnd.choice(WORDS) for _ in range(rnd.randint(40, 90)))}.</p>\n" for _ in range(rnd.randint(4, 9))
        )
        html = (
            f"<!doctype html><html><head><title>Report {i}</title>"
            f'<meta property="article:published_time" content="2020-{1 + i % 12:02d}-{1 + i % 28:02d}"></head>'
            f"<body><nav><a href='/'>Home</a></nav><article><h1>Report {i}</h1>\n{paras}</article>"
            f"<footer>Footer text</footer></body></html>"
        )
        path = folder / f"page{i:05d}.html"
        path.write_text(html, encoding="utf-8")
        total += path.stat().st_size
    return total


def bare_loop(folder: Path) -> float:
    t = time.perf_counter()
    for p in sorted(folder.iterdir()):
        hashlib.sha256(p.read_bytes()).hexdigest()
    return time.perf_counter() - t


def run_ingest(folder: Path, db: Path, analyse: bool) -> tuple[float, int]:
    from horizonscan.ingest.run import ingest
    from horizonscan.settings import Settings
    from horizonscan.store import open_store

    store = open_store(f"sqlite:///{db}")
    t = time.perf_counter()
    report = ingest([str(folder)], store, Settings(), analyse=analyse)
    elapsed = time.perf_counter() - t
    added = report.count("added") + report.count("near-duplicate")
    store.close()
    return elapsed, added


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=10_000)
    ap.add_argument("--analyse", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "pages"
        folder.mkdir()
        size = make_pages(folder, args.pages)
        mb = size / 1e6
        bare_loop(folder)  # warm the page cache for both runs
        bare = bare_loop(folder)
        elapsed, added = run_ingest(folder, Path(tmp) / "bench.db", args.analyse)
        print(f"pages: {args.pages:,}  ({mb:.1f} MB)  analyse: {args.analyse}")
        print(f"bare read+hash loop : {args.pages / bare:10.1f} docs/s  {mb / bare:8.2f} MB/s")
        print(f"horizonscan ingest  : {added / elapsed:10.1f} docs/s  {mb / elapsed:8.2f} MB/s  ({added:,} stored)")
        print(f"ratio ingest / bare : {bare / elapsed:.4f}")


if __name__ == "__main__":
    main()
