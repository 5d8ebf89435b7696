"""NER evaluation on UNER English-EWT (IOB2; PER, ORG, LOC).

Each gold document is rebuilt as text: tokens joined by single spaces, one
sentence per paragraph, with a token -> char map so gold spans become char
spans. The same parse feeds two systems in one run: bare spaCy entities and
horizonscan's ``find_actors``; both go through the same label mapping, so the
reported delta measures only what the dictionary and rules add.

UNER annotates no nationalities (``Argentinian restaurant`` is O) and folds
GPE into LOC, so NORP is dropped and GPE/LOC/FAC become LOC.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

GOLD_FILE = "uner-en-ewt/en_ewt-ud-test.iob2"
TYPES = ("PER", "ORG", "LOC")
# spaCy / horizonscan label -> UNER type; labels not listed are not scored.
LABEL_MAP = {"PERSON": "PER", "PER": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC"}

Span = tuple[int, int, str]


@dataclass
class GoldDoc:
    """One rebuilt document: its text and gold (start, end, type) char spans."""

    text: str = ""
    spans: list[Span] = field(default_factory=list)


def read_gold(path: Path) -> list[GoldDoc]:
    """Read an IOB2 file into documents (split on ``# newdoc``), sentences as paragraphs."""
    docs: list[GoldDoc] = []
    sentences: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []

    def flush_doc() -> None:
        if current:
            sentences.append(list(current))
            current.clear()
        if sentences:
            docs.append(_build(sentences))
            sentences.clear()

    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# newdoc"):
            flush_doc()
        elif line.startswith("#"):
            continue
        elif not line.strip():
            if current:
                sentences.append(list(current))
                current.clear()
        else:
            cols = line.split("\t")
            current.append((cols[1], cols[2]))
    flush_doc()
    return docs


def _build(sentences: list[list[tuple[str, str]]]) -> GoldDoc:
    doc = GoldDoc()
    parts: list[str] = []
    pos = 0
    for si, sent in enumerate(sentences):
        if si:
            parts.append("\n\n")
            pos += 2
        open_span: list[int | str] | None = None
        for ti, (token, tag) in enumerate(sent):
            if ti:
                parts.append(" ")
                pos += 1
            start, end = pos, pos + len(token)
            parts.append(token)
            pos = end
            if tag.startswith("B-") or (tag.startswith("I-") and (open_span is None or open_span[2] != tag[2:])):
                if open_span is not None:
                    doc.spans.append((int(open_span[0]), int(open_span[1]), str(open_span[2])))
                open_span = [start, end, tag[2:]]
            elif tag.startswith("I-") and open_span is not None:
                open_span[1] = end
            else:
                if open_span is not None:
                    doc.spans.append((int(open_span[0]), int(open_span[1]), str(open_span[2])))
                open_span = None
        if open_span is not None:
            doc.spans.append((int(open_span[0]), int(open_span[1]), str(open_span[2])))
    doc.text = "".join(parts)
    return doc


def _mapped(spans: Iterable[tuple[int, int, str]]) -> set[Span]:
    return {(s, e, LABEL_MAP[label]) for s, e, label in spans if label in LABEL_MAP}


def _prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def score(gold: list[set[Span]], pred: list[set[Span]]) -> dict[str, float]:
    """Exact-span micro precision/recall/F1, overall and per type."""
    out: dict[str, float] = {}
    for typ in (None, *TYPES):
        tp = n_pred = n_gold = 0
        for g, p in zip(gold, pred):
            g2 = {s for s in g if typ is None or s[2] == typ}
            p2 = {s for s in p if typ is None or s[2] == typ}
            tp += len(g2 & p2)
            n_pred += len(p2)
            n_gold += len(g2)
        prec, rec, f1 = _prf(tp, n_pred, n_gold)
        suffix = "" if typ is None else f"_{typ}"
        out[f"precision{suffix}"] = round(prec, 4)
        out[f"recall{suffix}"] = round(rec, 4)
        out[f"f1{suffix}"] = round(f1, 4)
    return out


def predict(docs: list[GoldDoc]) -> tuple[list[set[Span]], list[set[Span]]]:
    """(horizonscan spans, bare spaCy spans) per document, from one parse."""
    from ..analysis.actors import find_actors
    from ..analysis.nlp import parse
    from ..packs import load_pack

    pack = load_pack("china_abroad")
    ours: list[set[Span]] = []
    base: list[set[Span]] = []
    for doc in docs:
        chunks = parse(doc.text)
        base.append(_mapped((c.start + e.start_char, c.start + e.end_char, e.label_) for c in chunks for e in c.doc.ents))
        ours.append(_mapped((m.start, m.end, m.label) for m in find_actors(doc.text, chunks, pack, "en")))
    return ours, base


def evaluate(eval_dir: Path, limit: int | None = None) -> dict[str, float]:
    """Score horizonscan and bare spaCy on UNER EWT; ``limit`` caps the number of documents."""
    docs = read_gold(Path(eval_dir) / GOLD_FILE)
    if limit is not None:
        docs = docs[:limit]
    gold = [set(d.spans) for d in docs]
    ours, base = predict(docs)
    result = score(gold, ours)
    baseline = score(gold, base)
    for key, value in baseline.items():
        result[f"baseline_{key}"] = value
    result["delta_f1"] = round(result["f1"] - baseline["f1"], 4)
    result["documents"] = float(len(docs))
    result["gold_entities"] = float(sum(len(g) for g in gold))
    return result
