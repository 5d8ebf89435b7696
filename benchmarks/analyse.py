"""Analyser throughput: words/s of the full analyser vs bare spaCy NER on the same text.

Both run in this process on the same documents (../shared/corpus when present, plus
the demo notes), best of ``--repeat`` runs each, alternating so machine noise hits
both alike. Prints the ratio (goal ≥ 0.8) and the peak resident memory (goal < 1.5 GB).

The analyser's spaCy passes multiply through numpy's OpenBLAS (``nlp.use_numpy_blas``);
bare spaCy runs as installed (thinc's BLIS). A second baseline runs bare NER on the
analyser's BLAS, so the second ratio is the cost of the analysis itself.

    python benchmarks/analyse.py [--repeat 3] [--no-events]
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def load_texts() -> list[str]:
    texts = []
    for folder in (ROOT.parent / "shared" / "corpus", ROOT / "demo" / "notes"):
        if folder.is_dir():
            texts += [p.read_text(encoding="utf-8") for p in sorted(folder.iterdir()) if p.suffix in (".txt", ".md")]
    if not texts:
        raise SystemExit("no texts found (demo/notes missing?)")
    return texts


def bare_ner(texts: list[str], numpy_blas: bool = False) -> float:
    """spaCy's NER alone over the same paragraphs the analyser parses.

    ``numpy_blas``: on numpy's OpenBLAS, one thread, as the analyser runs it.
    """
    import contextlib

    import spacy

    from horizonscan.analysis.nlp import MODEL_NAMES, one_blas_thread, paragraph_spans, use_numpy_blas

    nlp = None
    for name in MODEL_NAMES:
        try:
            nlp = spacy.load(name, exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter"])
            break
        except OSError:
            continue
    assert nlp is not None
    if numpy_blas:
        use_numpy_blas(nlp)
    paragraphs = [t[s:e] for t in texts for s, e in paragraph_spans(t)]
    with one_blas_thread() if numpy_blas else contextlib.nullcontext():
        list(nlp.pipe(paragraphs[:5]))  # warm up
        start = time.perf_counter()
        for _ in nlp.pipe(paragraphs, batch_size=64):
            pass
        return time.perf_counter() - start


def full(texts: list[str], events: bool) -> float:
    from horizonscan.analysis import pipeline

    if not events:
        pipeline.events.code_events = lambda *a, **k: []  # type: ignore[assignment]
    pipeline.analyse(texts[0][:2000], published="2020-01-01")  # warm up: models, packs, gazetteer
    start = time.perf_counter()
    for t in texts:
        pipeline.analyse(t, published="2020-01-01", language="en")
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-events", action="store_true", help="leave the event coder out")
    args = ap.parse_args()
    texts = load_texts()
    words = sum(len(t.split()) for t in texts)
    t_bare, t_same, t_full = float("inf"), float("inf"), float("inf")
    for _ in range(args.repeat):
        t_bare = min(t_bare, bare_ner(texts))
        t_full = min(t_full, full(texts, not args.no_events))
        t_same = min(t_same, bare_ner(texts, numpy_blas=True))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"documents: {len(texts)}  words: {words:,}  events: {not args.no_events}")
    print(f"bare spaCy NER    : {words / t_bare:9.0f} words/s   (spaCy as installed)")
    print(f"  on numpy's BLAS : {words / t_same:9.0f} words/s   (as the analyser runs it)")
    print(f"full analyser     : {words / t_full:9.0f} words/s")
    print(f"ratio full / bare : {t_bare / t_full:.3f}   (goal >= 0.8)")
    print(f"  same BLAS       : {t_same / t_full:.3f}   (the analysis' own cost)")
    print(f"peak memory       : {peak_mb:.0f} MB   (goal < 1536 MB)")


if __name__ == "__main__":
    main()
