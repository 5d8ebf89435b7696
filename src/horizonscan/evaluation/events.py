"""Event-coder evaluation on the PETRARCH2 unit-test records (../shared/eval/petrarch2-unittest).

The sentences are stylised and their actors invented (Arnor, Gondor, ...), so
the set's own actor and agent dictionaries (PETRARCH format) are parsed here
and turned into mentions for ``code_events``; its verb dictionary is NOT used:
coding relies on horizonscan's own PLOVER dictionaries. Gold CAMEO codes are
mapped to PLOVER with :mod:`horizonscan.analysis.cameo`; codes that map to
nothing (PETRARCH's private 9xx test codes, CAMEO 01) are left out.

Metrics (docs/events.md): over gold events, ``type_recall`` (a predicted event
of the same type in the sentence), ``source_accuracy``/``target_accuracy``
(same type and same actor, compared on the 3-letter country/actor root) and
``triple_accuracy`` (type, source and target all right); over predicted events,
``precision`` (type matches a gold event of the sentence) and
``triple_precision``; ``type_accuracy`` is the type agreement on sentences
where both gold and prediction have an event. Per-type recall/precision too.
PETRARCH codes a reciprocal act ("X and Y agreed") once per direction;
horizonscan codes it once (first-named party as source), so a prediction of a
symmetric type matches a gold event in either direction (predictions are still
counted once each: precision is per coded act).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from ..records import Event, EventActor, Mention

SET_DIR = "petrarch2-unittest"
RECORDS = "PETR.UnitTest.records.xml"
ACTORS = "PETR.Validate.actors.txt"
AGENTS = "PETR.Validate.agents.txt"

_SENTENCE = re.compile(r"<Sentence\s+([^>]*)>(.*?)</Sentence>", re.S)
_ATTR = re.compile(r'(\w+)="([^"]*)"')
_CODING = re.compile(r"<EventCoding\s+([^>]*)>")
_TEXT = re.compile(r"<Text>(.*?)</Text>", re.S)
_COMMENT = re.compile(r"<!.*?-->", re.S)
_CODE = re.compile(r"\[([^\]]*)\]")


@dataclass(frozen=True)
class GoldEvent:
    source: str
    target: str
    cameo: str
    type: str | None  # PLOVER


@dataclass
class Record:
    id: str
    date: dt.date | None
    text: str
    events: list[GoldEvent] = field(default_factory=list)
    noevents: bool = False


@dataclass(frozen=True)
class DictEntry:
    words: tuple[str, ...]  # upper-case words; a final "*" allows a word prefix match
    code: str
    agent: bool = False


# --------------------------------------------------------------------------- reading


def _date(value: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(value[:8], "%Y%m%d").date()
    except ValueError:
        return None


def read_records(path: Path) -> list[Record]:
    from ..analysis.cameo import cameo_to_plover

    records: list[Record] = []
    for m in _SENTENCE.finditer(path.read_text(encoding="utf-8")):
        attrs = dict(_ATTR.findall(m.group(1)))
        if attrs.get("sentence", "true").lower() != "true":
            continue  # disabled in the suite itself
        body = _COMMENT.sub("", m.group(2))
        text_m = _TEXT.search(body)
        if not text_m:
            continue
        rec = Record(attrs.get("id", ""), _date(attrs.get("date", "")), " ".join(text_m.group(1).split()))
        for cm in _CODING.finditer(body):
            ca = dict(_ATTR.findall(cm.group(1)))
            if ca.get("noevents", "").lower() == "true" or not ca.get("eventcode", "").strip():
                rec.noevents = True
                continue
            code = ca.get("eventcode", "")
            mapped = cameo_to_plover(code) if code else None
            rec.events.append(GoldEvent(ca.get("sourcecode", ""), ca.get("targetcode", ""), code, mapped[0] if mapped else None))
        records.append(rec)
    return records


def _restriction_ok(spec: str, when: dt.date | None) -> bool:
    """PETRARCH date restrictions: ``<D``, ``>D``, ``D1-D2`` (YYYYMMDD or YYMMDD)."""
    def d(s: str) -> dt.date | None:
        s = s.strip()
        if len(s) == 6:
            s = "19" + s
        return _date(s)

    spec = spec.strip()
    if not spec:
        return True
    if when is None:
        return False
    if spec.startswith("<"):
        lim = d(spec[1:])
        return lim is not None and when < lim
    if spec.startswith(">"):
        lim = d(spec[1:])
        return lim is not None and when > lim
    if "-" in spec:
        a, b = (d(x) for x in spec.split("-", 1))
        return a is not None and b is not None and a <= when <= b
    return False


def _entry_words(name: str) -> tuple[str, ...]:
    exact = name.endswith("_")
    words = tuple(w for w in re.split(r"[_\s]+", name.strip("_ ").upper()) if w)
    if words and not exact and len(words[-1]) >= 6:
        words = words[:-1] + (words[-1] + "*",)
    return words


def read_actors(path: Path, when: dt.date | None) -> list[DictEntry]:
    """Actor entries (synonyms share the block's code) valid on date ``when``."""
    text = _COMMENT.sub("", path.read_text(encoding="utf-8"))
    entries: list[DictEntry] = []
    names: list[str] = []
    codes: list[tuple[str, str]] = []  # (code, restriction)

    def flush() -> None:
        if names and codes:
            chosen = next((c for c, r in codes if r and _restriction_ok(r, when)), None)
            chosen = chosen or next((c for c, r in codes if not r), None)
            if chosen and re.fullmatch(r"[A-Za-z]{3,}[A-Za-z/]*", chosen):
                for n in names:
                    entries.append(DictEntry(_entry_words(n), chosen.upper().split("/")[0]))
        names.clear()
        codes.clear()

    for raw in text.splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        stripped = line.strip()
        if stripped.startswith("+"):
            names.append(stripped[1:].strip())
            continue
        if line[0].isspace() and stripped.startswith("["):
            for c in _CODE.findall(stripped):
                _add_code(c, codes)
            continue
        flush()
        head = _CODE.split(stripped)[0].strip()
        names.append(head)
        for c in _CODE.findall(stripped):
            _add_code(c, codes)
    flush()
    return entries


def _add_code(spec: str, codes: list[tuple[str, str]]) -> None:
    parts = spec.strip().split(None, 1)
    if not parts:
        return
    code = parts[0]
    rest = parts[1] if len(parts) > 1 else ""
    m = re.match(r"([A-Za-z/]+)\s*([<>].*)?$", spec.strip())
    if m and m.group(2):
        code, rest = m.group(1), m.group(2)
    codes.append((code, rest.strip()))


def read_agents(path: Path) -> list[DictEntry]:
    """Agent entries (``NAME {PLURALS} [~SEC]``) with ``!X!`` substitutions expanded."""
    text = _COMMENT.sub("", path.read_text(encoding="utf-8"))
    subs: dict[str, list[str]] = {}
    entries: list[DictEntry] = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        m = re.match(r"(![A-Z]+!)\s*=\s*(.*)", line)
        if m:
            subs[m.group(1)] = [w.strip() for w in m.group(2).split(",") if w.strip()]
            continue
        codes = _CODE.findall(line)
        if not codes:
            continue
        sector = codes[0].replace("~", "").strip()
        name_part = _CODE.split(line)[0]
        plural_m = re.search(r"\{([^}]*)\}", name_part)
        name = re.sub(r"\{[^}]*\}", "", name_part).strip()
        names = [name]
        for key, values in subs.items():
            if key in name:
                names = [name.replace(key, v) for v in values]
        for n in names:
            forms = {n}
            if plural_m is not None:
                forms |= {p.strip() for p in plural_m.group(1).split(",") if p.strip()}
            else:
                forms |= {n + ("ES" if n.endswith(("S", "SH", "CH", "X")) else "S")}
            for f in forms:
                entries.append(DictEntry(tuple(w for w in re.split(r"[_\s]+", f.strip("_ ").upper()) if w), sector, agent=True))
    return entries


# --------------------------------------------------------------------------- mentions


def mentions_from_dictionary(text: str, entries: Sequence[DictEntry]) -> list[Mention]:
    """Longest-match dictionary lookup over the text's words."""
    tokens = []
    for m in re.finditer(r"[A-Za-z0-9][\w.'-]*[\w.]|\w", text):
        word, end = m.group(), m.end()
        if word.endswith(".") and word.count(".") == 1:  # sentence full stop, not "U.S."
            word, end = word[:-1], end - 1
        tokens.append((m.start(), end, word.upper()))
    words = [re.sub(r"'S$", "", t[2]).rstrip(".") or t[2] for t in tokens]
    by_first: dict[str, list[DictEntry]] = {}
    for e in entries:
        if e.words:
            by_first.setdefault(e.words[0].rstrip("*"), []).append(e)
    out: list[Mention] = []
    i = 0
    while i < len(tokens):
        best: tuple[int, DictEntry] | None = None
        cands = by_first.get(words[i], []) + [e for k, es in by_first.items() if len(k) >= 6 and words[i].startswith(k) for e in es]
        for e in cands:
            n = len(e.words)
            if i + n > len(tokens):
                continue
            if all(_word_ok(words[i + k], e.words[k]) for k in range(n)) and (best is None or n > best[0]):
                best = (n, e)
        if best is None:
            i += 1
            continue
        n, e = best
        a, b = tokens[i][0], tokens[i + n - 1][1]
        if e.agent:
            out.append(Mention(a, b, text[a:b], "AGENT", None, None, "group", e.code))
        else:
            out.append(Mention(a, b, text[a:b], "ACTOR", e.code, e.code[:3], "state", e.code[3:6] or None))
        i += n
    return out


def _word_ok(word: str, pattern: str) -> bool:
    if pattern.endswith("*"):
        return word.startswith(pattern[:-1])
    return word == pattern


# --------------------------------------------------------------------------- scoring


def actor_code(a: EventActor | None) -> str:
    if a is None:
        return ""
    if a.actor_id:
        return a.actor_id.upper()
    return f"{a.country or '---'}{a.sector or ''}".upper()


def _root(code: str) -> str:
    return code[:3].upper()


def score(records: Iterable[tuple[Record, list[Event]]], reciprocal: frozenset[str] = frozenset()) -> dict[str, float]:
    """``reciprocal``: types whose events horizonscan codes once for both parties (meetings,
    agreements) where PETRARCH codes one event per direction; a prediction of such a type matches
    a gold event in either direction."""
    n_gold = n_pred = 0
    hit_type = hit_src = hit_tgt = hit_triple = 0
    pred_type_ok = pred_triple_ok = 0
    both = both_type_ok = 0
    per_gold: Counter[str] = Counter()
    per_gold_hit: Counter[str] = Counter()
    per_pred: Counter[str] = Counter()
    per_pred_ok: Counter[str] = Counter()
    unmapped = one_sided = 0
    for rec, events in records:
        gold = [g for g in rec.events if g.type]
        unmapped += sum(1 for g in rec.events if not g.type)
        if rec.events and not gold:
            continue  # only unmappable codes: nothing to score
        # PETRARCH-2 codes dyadic events only, so its gold cannot credit a one-sided event
        # ("Xi's trip", "China's donation"): those are counted apart (one_sided_events) and
        # judged on corpus-events, whose annotator codes them.
        one_sided += sum(1 for e in events if not e.negated and e.target is None)
        preds = [(e.type, _root(actor_code(e.source)), _root(actor_code(e.target)))
                 for e in events if not e.negated and e.target is not None]
        n_pred += len(preds)
        gold_t = [(g.type, _root(g.source), _root(g.target)) for g in gold]
        for g in gold_t:
            n_gold += 1
            per_gold[g[0]] += 1
            same = [p for p in preds if p[0] == g[0]]
            if same:
                hit_type += 1
                per_gold_hit[g[0]] += 1
            # one reciprocal event stands for both directions, as PETRARCH's gold writes them
            both_ways = same + [(p[0], p[2], p[1]) for p in same if p[0] in reciprocal and p[2]]
            hit_src += any(p[1] == g[1] for p in both_ways)
            hit_tgt += any(p[2] == g[2] for p in both_ways)
            hit_triple += any(p == g for p in both_ways)
        for p in preds:
            per_pred[p[0]] += 1
            if any(g[0] == p[0] for g in gold_t):
                pred_type_ok += 1
                per_pred_ok[p[0]] += 1
            mirrored = (p[0], p[2], p[1]) if p[0] in reciprocal and p[2] else p
            pred_triple_ok += any(g in (p, mirrored) for g in gold_t)
        if gold_t and preds:
            both += 1
            both_type_ok += bool({g[0] for g in gold_t} & {p[0] for p in preds})
    div = lambda a, b: round(a / b, 4) if b else 0.0  # noqa: E731
    out = {
        "gold_events": float(n_gold),
        "predicted_events": float(n_pred),
        "gold_unmapped_codes": float(unmapped),
        "one_sided_events": float(one_sided),
        "type_accuracy": div(both_type_ok, both),
        "type_recall": div(hit_type, n_gold),
        "source_accuracy": div(hit_src, n_gold),
        "target_accuracy": div(hit_tgt, n_gold),
        "triple_accuracy": div(hit_triple, n_gold),
        "precision": div(pred_type_ok, n_pred),
        "triple_precision": div(pred_triple_ok, n_pred),
        "recall": div(hit_type, n_gold),
    }
    p, r = out["precision"], out["recall"]
    out["f1"] = round(2 * p * r / (p + r), 4) if p + r else 0.0
    for t in sorted(set(per_gold) | set(per_pred)):
        out[f"{t}.recall"] = div(per_gold_hit[t], per_gold[t])
        out[f"{t}.precision"] = div(per_pred_ok[t], per_pred[t])
        out[f"{t}.gold"] = float(per_gold[t])
    return out


def code_records(eval_dir: Path, limit: int | None = None) -> list[tuple[Record, list[Event]]]:
    from ..analysis.events import code_events
    from ..analysis.nlp import parse
    from ..packs import load_pack

    base = eval_dir / SET_DIR
    records = read_records(base / RECORDS)[:limit]
    agents = read_agents(base / AGENTS)
    pack = load_pack("china_abroad")
    cache: dict[dt.date | None, list[DictEntry]] = {}
    out = []
    for rec in records:
        if rec.date not in cache:
            cache[rec.date] = read_actors(base / ACTORS, rec.date) + agents
        mentions = mentions_from_dictionary(rec.text, cache[rec.date])
        events = code_events(rec.text, parse(rec.text), mentions, [], [], pack, rec.date)
        out.append((rec, events))
    return out


def evaluate(eval_dir: Path, limit: int | None = None) -> dict[str, float]:
    """Score the event coder on petrarch2-unittest (see the module docstring)."""
    from ..analysis.events import lexicon_for
    from ..packs import load_pack

    lexicon = lexicon_for(load_pack("china_abroad"))
    reciprocal = frozenset(t for t, info in lexicon.types.items() if info.symmetric)
    return score(code_records(eval_dir, limit), reciprocal)
