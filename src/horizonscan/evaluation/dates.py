"""Score ``analyse.dates.find_dates`` on TimeML gold (TimeBank 1.2 + AQUAINT, TempEval-3 style).

Each ``.tml`` file gives a document creation time (``<DCT>``), used as the anchor, and a
``<TEXT>`` body whose ``<TIMEX3>`` tags mark the gold expressions. Offsets are those of
the body with every tag removed and XML entities decoded, which is the text we analyse.

Metrics follow the TempEval-3 scorer: strict (same span) and relaxed (overlapping span)
precision/recall/F1 over all TIMEX3 types, then attribute accuracy over the relaxed
matches; ``value_f1`` is relaxed F1 times value accuracy, as TempEval-3 reports it.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

SUBSETS = ("TimeBank", "AQUAINT")
_TAG = re.compile(r"<(/?)([A-Za-z0-9_]+)([^>]*?)(/?)>")
_ATTR = re.compile(r'([A-Za-z_]+)="([^"]*)"')


@dataclass(frozen=True)
class GoldTimex:
    start: int
    end: int
    type: str
    value: str


@dataclass(frozen=True)
class GoldDoc:
    name: str
    text: str
    anchor: dt.date | None
    timexes: tuple[GoldTimex, ...]


def _anchor(tml: str) -> dt.date | None:
    m = re.search(r"<DCT>\s*<TIMEX3([^>]*)>", tml)
    if not m:
        return None
    value = dict(_ATTR.findall(m.group(1))).get("value", "")
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def parse_tml(tml: str, name: str = "") -> GoldDoc:
    """Plain body text and gold TIMEX3 spans of one TimeML document."""
    body_match = re.search(r"<TEXT>(.*?)</TEXT>", tml, re.S)
    body = body_match.group(1) if body_match else ""
    parts: list[str] = []
    length = 0
    timexes: list[GoldTimex] = []
    open_timex: tuple[int, dict[str, str]] | None = None
    pos = 0
    for m in _TAG.finditer(body):
        piece = html.unescape(body[pos : m.start()])
        parts.append(piece)
        length += len(piece)
        pos = m.end()
        if m.group(2) != "TIMEX3":
            continue
        if m.group(1):  # closing tag
            if open_timex is not None:
                start, attrs = open_timex
                if length > start:
                    timexes.append(GoldTimex(start, length, attrs.get("type", "DATE"), attrs.get("value", "")))
                open_timex = None
        elif not m.group(4):
            open_timex = (length, dict(_ATTR.findall(m.group(3))))
    parts.append(html.unescape(body[pos:]))
    return GoldDoc(name, "".join(parts), _anchor(tml), tuple(timexes))


def load_gold(eval_dir: Path, limit: int | None = None) -> Iterator[GoldDoc]:
    """TimeBank then AQUAINT documents, in file-name order (``limit`` per subset)."""
    root = Path(eval_dir) / "timebank-aquaint"
    for subset in SUBSETS:
        files = sorted((root / subset).glob("*.tml"))
        for path in files[:limit] if limit is not None else files:
            yield parse_tml(path.read_text(encoding="utf-8"), f"{subset}/{path.name}")


def _prf(tp_pred: int, n_pred: int, tp_gold: int, n_gold: int) -> tuple[float, float, float]:
    p = tp_pred / n_pred if n_pred else 0.0
    r = tp_gold / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


@dataclass
class Tally:
    """Running counts over documents; ``metrics()`` turns them into scores."""

    n_pred: int = 0
    n_gold: int = 0
    strict: int = 0
    relaxed_pred: int = 0
    relaxed_gold: int = 0
    value_ok: int = 0
    type_ok: int = 0
    matched: int = 0

    def add(self, gold: tuple[GoldTimex, ...], pred: list[tuple[int, int, str, str]]) -> list[tuple[str, object, object]]:
        """Count one document; returns the errors (kind, gold, prediction) for inspection."""
        errors: list[tuple[str, object, object]] = []
        self.n_pred += len(pred)
        self.n_gold += len(gold)
        gold_hit = [False] * len(gold)
        for p in pred:
            overlaps = [i for i, g in enumerate(gold) if g.start < p[1] and p[0] < g.end]
            if not overlaps:
                errors.append(("fp", None, p))
                continue
            self.relaxed_pred += 1
            # One prediction scores attributes once, against its best-overlapping gold.
            best = max(overlaps, key=lambda i: min(gold[i].end, p[1]) - max(gold[i].start, p[0]))
            g = gold[best]
            if (g.start, g.end) == (p[0], p[1]):
                self.strict += 1
            if not gold_hit[best]:
                self.matched += 1
                self.value_ok += g.value == p[3]
                self.type_ok += g.type == p[2]
                if g.value != p[3]:
                    errors.append(("value", g, p))
            for i in overlaps:
                gold_hit[i] = True
        self.relaxed_gold += sum(gold_hit)
        errors.extend(("fn", g, None) for g, hit in zip(gold, gold_hit) if not hit)
        return errors

    def metrics(self) -> dict[str, float]:
        sp, sr, sf = _prf(self.strict, self.n_pred, self.strict, self.n_gold)
        rp, rr, rf = _prf(self.relaxed_pred, self.n_pred, self.relaxed_gold, self.n_gold)
        value_acc = self.value_ok / self.matched if self.matched else 0.0
        type_acc = self.type_ok / self.matched if self.matched else 0.0
        return {
            "strict_precision": round(sp, 4),
            "strict_recall": round(sr, 4),
            "strict_f1": round(sf, 4),
            "relaxed_precision": round(rp, 4),
            "relaxed_recall": round(rr, 4),
            "relaxed_f1": round(rf, 4),
            "value_accuracy": round(value_acc, 4),
            "type_accuracy": round(type_acc, 4),
            "value_f1": round(rf * value_acc, 4),
            "type_f1": round(rf * type_acc, 4),
            "gold_timexes": float(self.n_gold),
            "predicted_timexes": float(self.n_pred),
        }


def evaluate(eval_dir: Path, limit: int | None = None) -> dict[str, float]:
    """TempEval-3 style scores of ``find_dates`` on TimeBank + AQUAINT, anchored on each DCT."""
    from ..analysis.dates import find_dates

    tally = Tally()
    for doc in load_gold(eval_dir, limit):
        found = find_dates(doc.text, doc.anchor)
        tally.add(doc.timexes, [(d.start, d.end, d.type, d.value) for d in found])
    return tally.metrics()
