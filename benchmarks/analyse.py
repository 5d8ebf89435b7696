"""Analyser throughput: words/s of the full analyser against bare spaCy on the same texts.

The main baseline is spaCy's **whole English pipeline** (tok2vec, tagger, parser, NER,
attribute ruler, lemmatizer) over the paragraphs the analyser reads, with
``nlp.pipe(paragraphs, n_process=N)``; the analyser runs as ``horizonscan analyse`` and
``ingest`` do, in a pool of N worker processes (``horizonscan.workers``), whole documents
in input order. Both use the same N (default: the usable cores). The pool is started and
its models loaded before the clock starts, as in any run long enough to matter; spaCy's
own processes fork from the loaded model inside its timing (they start in well under a
second). Goal: full / whole pipeline >= 0.8. spaCy as installed multiplies through thinc's
BLIS, the analyser through numpy's OpenBLAS (``nlp.use_numpy_blas``; BLIS ran its generic
kernel on the machines measured), so a second ratio runs the whole pipeline on the
analyser's BLAS too: that one is the cost of the analysis itself.

The old baseline is kept too: bare NER in one process against the analyser in one
process (``--workers`` does not apply to it).

Each measurement is the best of ``--repeat`` runs, alternated so machine noise hits all
alike; on a shared machine run the script several times and report the range. Peak memory
per worker is the largest resident size the pool's watchdog saw (goal < 1.5 GB).

    python benchmarks/analyse.py [--repeat 3] [--workers N] [--no-single]
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def load_texts() -> list[str]:
    texts = []
    for folder in (ROOT.parent / "shared" / "corpus", ROOT / "demo" / "notes"):
        if folder.is_dir():
            texts += [p.read_text(encoding="utf-8") for p in sorted(folder.iterdir()) if p.suffix in (".txt", ".md")]
    if not texts:
        raise SystemExit("no texts found (demo/notes missing?)")
    return texts


def _load(exclude: list[str]) -> Any:
    import spacy

    from horizonscan.analysis.nlp import MODEL_NAMES

    for name in MODEL_NAMES:
        try:
            return spacy.load(name, exclude=exclude)
        except OSError:
            continue
    raise SystemExit("no English spaCy model installed")


def paragraphs_of(texts: list[str]) -> list[str]:
    from horizonscan.analysis.nlp import paragraph_spans

    return [t[s:e] for t in texts for s, e in paragraph_spans(t)]


def bare_whole(nlp: Any, paragraphs: list[str], workers: int, numpy_blas: bool = False) -> float:
    """spaCy's whole pipeline, ``n_process=workers``: as installed (thinc's BLIS), or with
    ``numpy_blas`` on numpy's OpenBLAS, one thread per process, as the analyser runs it."""
    import contextlib

    from horizonscan.analysis.nlp import one_blas_thread

    start = time.perf_counter()
    with one_blas_thread() if numpy_blas else contextlib.nullcontext():
        for _ in nlp.pipe(paragraphs, batch_size=64, n_process=workers):
            pass
    return time.perf_counter() - start


def bare_ner(nlp: Any, paragraphs: list[str]) -> float:
    """spaCy's NER alone, one process (the old baseline)."""
    list(nlp.pipe(paragraphs[:5]))  # warm up
    start = time.perf_counter()
    for _ in nlp.pipe(paragraphs, batch_size=64):
        pass
    return time.perf_counter() - start


def analyse_text(text: str, ask: Any = None) -> int:
    """A worker's task: the full analysis of one text (the number of events, to check it ran)."""
    from horizonscan.analysis import pipeline

    return len(pipeline.analyse(text, published="2020-01-01", language="en").events)


def full_pooled(pool: Any, texts: list[str]) -> tuple[float, int]:
    start = time.perf_counter()
    events = 0
    for done in pool.run(analyse_text, texts):
        if done.error:
            raise SystemExit(done.error)
        events += done.value
    return time.perf_counter() - start, events


def full_single(texts: list[str]) -> float:
    analyse_text(texts[0][:2000])  # warm up: models, packs, gazetteer
    start = time.perf_counter()
    for t in texts:
        analyse_text(t)
    return time.perf_counter() - start


def main() -> None:
    from horizonscan.workers import Limits, Pool, warm_analyser
    from horizonscan.settings import get_settings

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--workers", type=int, default=get_settings().workers)
    ap.add_argument("--no-single", action="store_true", help="skip the old one-process NER comparison")
    args = ap.parse_args()
    texts = load_texts()
    paragraphs = paragraphs_of(texts)
    words = sum(len(t.split()) for t in texts)
    from horizonscan.analysis.nlp import use_numpy_blas

    whole = _load([])
    whole_same = _load([])
    use_numpy_blas(whole_same)
    ner = None if args.no_single else _load(["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter"])

    started = time.perf_counter()
    pool = Pool(args.workers, Limits(seconds=3600), isolate=True, warm=warm_analyser)
    # every worker loaded and through one short text before the clock starts
    list(pool.run(analyse_text, [texts[0][:500]] * args.workers))
    t_start = time.perf_counter() - started
    t_whole = t_same = t_full = t_ner = t_single = float("inf")
    events = 0
    try:
        for _ in range(args.repeat):
            t_whole = min(t_whole, bare_whole(whole, paragraphs, args.workers))
            t_same = min(t_same, bare_whole(whole_same, paragraphs, args.workers, numpy_blas=True))
            took, events = full_pooled(pool, texts)
            t_full = min(t_full, took)
            if ner is not None:
                t_ner = min(t_ner, bare_ner(ner, paragraphs))
                t_single = min(t_single, full_single(texts))
    finally:
        peak_worker = pool.peak_rss_mb
        pool.close()
    peak_main = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    n = args.workers
    print(f"documents: {len(texts)}  paragraphs: {len(paragraphs)}  words: {words:,}  events: {events}  workers: {n}")
    print(f"bare spaCy, whole pipeline, n_process={n} : {words / t_whole:9.0f} words/s")
    print(f"full analyser, {n} worker processes       : {words / t_full:9.0f} words/s   (pool start-up {t_start:.1f} s, not timed)")
    print(f"ratio full / whole pipeline              : {t_whole / t_full:.3f}   (goal >= 0.8)")
    print(f"  whole pipeline on numpy's BLAS         : {words / t_same:9.0f} words/s   (as the analyser multiplies)")
    print(f"  ratio full / same BLAS                 : {t_same / t_full:.3f}")
    if ner is not None:
        print(f"old baseline: bare NER, one process      : {words / t_ner:9.0f} words/s")
        print(f"              full analyser, one process : {words / t_single:9.0f} words/s")
        print(f"              ratio full / NER           : {t_ner / t_single:.3f}")
    print(f"peak memory per worker                   : {peak_worker:.0f} MB   (goal < 1536 MB; resident, shared pages counted)")
    print(f"peak memory of this process              : {peak_main:.0f} MB   (spaCy baselines and the one-process run)")


if __name__ == "__main__":
    main()
