"""Money and counted quantities on events: "$500 m" -> 500000000 USD, "100,000 masks" -> 100000 masks.

Two parts. :func:`find_amounts` is pure text work: it reads every money expression
(a currency before or after a number, with a multiplier such as "m" or "billion") and
every counted quantity (a number, a multiplier, then a unit word) in a string. The
vocabulary is data: currency names, plurals and symbols from CLDR through Babel, plus the
pack's ``amounts.yaml`` (news usage CLDR lacks, multipliers, unit words). The first
pass's spaCy entities keep dates out: a number inside a DATE, TIME, PERCENT or ORDINAL
entity is no amount, and a year-like number counts only where spaCy read it as a
MONEY, QUANTITY or CARDINAL ("in 2020 masks were ..." has none).

:func:`attach_amounts` gives an event the amount and quantity found in its own clause: the
trigger's clause in the dependency parse, without the clauses hanging off it (reported
speech, adverbial, relative and coordinated clauses), nearest to the trigger first. Only
the event types the pack lists (AID, COOPERATE, SUPPORT, SANCTION and AGREE for pledges).

``amount_usd`` is the amount when the currency is USD and nothing else: no conversion, as
a rate depends on a date the text rarely gives and no maintained offline table of
historical rates is installed. Method: docs/events.md, "Amounts".
"""

from __future__ import annotations

import dataclasses
import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from ..errors import HorizonscanError

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

    from ..packs import Pack
    from ..records import Event

# spaCy entity labels of the first pass whose numbers may be amounts.
NUMBER_LABELS = frozenset({"MONEY", "QUANTITY", "CARDINAL"})
# Dependencies that start a clause of its own below the trigger's clause; an amount there
# belongs to another act ("said it had given $5 m", "which cost $2 bn").
_OWN_CLAUSE = frozenset({"ccomp", "advcl", "relcl", "parataxis", "csubj", "csubjpass", "acl"})
_YEAR = re.compile(r"1[89]\d\d|2[01]\d\d")
_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"


@dataclass(frozen=True, slots=True)
class Amount:
    """A money expression (``amount`` + ``currency``) or a counted quantity (``quantity`` + ``unit``)."""

    start: int
    end: int
    text: str
    amount: float | None = None
    currency: str | None = None
    quantity: float | None = None
    unit: str | None = None


@dataclass(frozen=True)
class AmountVocab:
    types: frozenset[str]
    money_before: re.Pattern[str]  # currency then number: "US$41 billion", "RMB 2 bn"
    money_after: re.Pattern[str]  # number then currency: "2 billion yuan", "500 million dollars"
    quantity: re.Pattern[str]  # number then unit: "100,000 surgical masks"
    currency: dict[str, str]  # surface (as written, and lower-cased for words) -> ISO code
    multipliers: dict[str, float]
    units: dict[str, str]  # lower-cased surface -> unit reported


def _alternation(surfaces: Iterable[str]) -> str:
    # Longest first, so "US$" wins over "$" and "face masks" over "masks".
    return "|".join(re.escape(s) for s in sorted(set(surfaces), key=lambda s: (-len(s), s)))


def _babel_currencies() -> dict[str, str]:
    """English currency names, plurals, symbols and ISO codes from CLDR (Babel)."""
    from babel import Locale
    from babel.numbers import get_currency_name

    en = Locale("en")
    out: dict[str, str] = {}
    for code in sorted(en.currencies):
        if len(code) != 3 or not code.isalpha():
            continue
        out[code] = code
        if code.startswith("X") and en.currency_symbols.get(code, code) == code:
            continue  # X.. without a symbol are metals and fund units: "500 gold" is no money
        for name in {en.currencies[code], get_currency_name(code, count=2, locale="en")}:
            if name and len(name) > 3:
                out[name.lower()] = code
        sym = en.currency_symbols.get(code)
        if sym and sym != code and not sym.isalpha():
            out[sym] = code  # "€", "CN¥", "A$"; alphabetic symbols are codes already
    return out


def _problem(msg: str) -> HorizonscanError:
    return HorizonscanError(f"E236 invalid amounts vocabulary (amounts.yaml): {msg}")


@functools.lru_cache(maxsize=8)
def load_vocab(path: Path) -> AmountVocab:
    """The amounts vocabulary of a pack file (cached per path); a missing file gives CLDR only."""
    import yaml

    data: dict[str, Any] = {}
    if path.exists():
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise HorizonscanError(f"E201 invalid YAML in topic pack file {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise _problem("the file must hold a mapping")
    currency = _babel_currencies()
    for code, words in (data.get("currencies") or {}).items():
        if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
            raise _problem(f"currencies.{code} must be a list of words")
        for w in words:
            # The pack wins over CLDR ("¥" is yuan in a pack about China; CLDR says yen).
            currency[w if not w.isalpha() or w.isupper() else w.lower()] = str(code)
    multipliers: dict[str, float] = {}
    for word, factor in (data.get("multipliers") or {}).items():
        if not isinstance(factor, (int, float)) or isinstance(factor, bool) or factor <= 0:
            raise _problem(f"multipliers.{word} must be a positive number")
        multipliers[str(word).lower()] = float(factor)
    units: dict[str, str] = {}
    for unit, words in (data.get("units") or {}).items():
        if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
            raise _problem(f"units.{unit} must be a list of words")
        for w in words:
            units[w.lower()] = str(unit)
    modifiers = [str(m) for m in data.get("unit_modifiers") or []]
    types = data.get("types") or ["AID", "COOPERATE", "SUPPORT", "SANCTION"]
    if not isinstance(types, list) or not all(isinstance(t, str) and t.isupper() for t in types):
        raise _problem("types must be a list of PLOVER type names")

    # Codes and symbols match as written; words (names) in any case.
    cased = [s for s in currency if not s.isalpha() or s.isupper()]
    words = [s for s in currency if s.isalpha() and not s.isupper() or " " in s]
    cur = rf"(?:{_alternation(cased)}|(?i:{_alternation(words)}))" if words else _alternation(cased)
    mult = rf"(?i:{_alternation(multipliers)})" if multipliers else r"(?!x)x"
    num = rf"(?P<num>{_NUMBER})(?:\s?(?P<mult>{mult})(?![A-Za-z]))?"
    mods = rf"(?:(?i:{_alternation(modifiers)})\s+){{0,2}}" if modifiers else ""
    unit_alt = rf"(?i:{_alternation(units)})" if units else r"(?!x)x"
    return AmountVocab(
        types=frozenset(types),
        money_before=re.compile(rf"(?<![A-Za-z])(?P<cur>{cur})\s?{num}"),
        money_after=re.compile(rf"(?<![\d.,]){num}\s?(?P<cur>{cur})(?![A-Za-z])"),
        quantity=re.compile(rf"(?<![\d.,$€£¥]){num}\s+{mods}(?P<unit>{unit_alt})(?![A-Za-z])"),
        currency=currency,
        multipliers=multipliers,
        units=units,
    )


def vocab_for(pack: "Pack") -> AmountVocab:
    return load_vocab(Path(pack.path) / "amounts.yaml")


def _value(m: re.Match[str], vocab: AmountVocab) -> float:
    value = float(m.group("num").replace(",", ""))
    if m.group("mult"):
        value *= vocab.multipliers[m.group("mult").lower()]
    return round(value, 2)


def _code(surface: str, vocab: AmountVocab) -> str | None:
    return vocab.currency.get(surface) or vocab.currency.get(surface.lower())


def find_amounts(
    text: str, vocab: AmountVocab, offset: int = 0, entities: Sequence[tuple[int, int, str]] | None = None
) -> list[Amount]:
    """Money and quantities in ``text`` (spans shifted by ``offset``), sorted by start.

    ``entities``: (start, end, label) of the first pass's named entities, in the same
    coordinates as the result. A number inside a DATE, TIME, PERCENT, ORDINAL or name
    entity is no amount; a bare year-like number ("in 2020 masks were ...") counts as a
    quantity only when spaCy read it as CARDINAL or QUANTITY. A stated currency needs no
    entity: the small model misses "RMB 2 billion".
    """
    found: list[Amount] = []
    taken: list[tuple[int, int]] = []
    ents = entities or ()

    def label_of(m: re.Match[str]) -> str | None:
        n0, n1 = offset + m.start("num"), offset + m.end("num")
        return next((lab for a, b, lab in ents if a <= n0 and n1 <= b), None)

    def free(a: int, b: int) -> bool:
        return not any(a < y and x < b for x, y in taken)

    for pattern in (vocab.money_before, vocab.money_after):
        for m in pattern.finditer(text):
            code = _code(m.group("cur"), vocab)
            label = label_of(m)
            if code is None or (label is not None and label not in NUMBER_LABELS) or not free(m.start(), m.end()):
                continue
            taken.append((m.start(), m.end()))
            found.append(Amount(offset + m.start(), offset + m.end(), m.group(0), amount=_value(m, vocab), currency=code))
    for m in vocab.quantity.finditer(text):
        label = label_of(m)
        if label is not None and label not in NUMBER_LABELS:
            continue
        if label is None and _YEAR.fullmatch(m.group("num")) and not m.group("mult"):
            continue
        if not free(m.start(), m.end()):
            continue
        taken.append((m.start(), m.end()))
        unit = vocab.units[m.group("unit").lower()]
        found.append(Amount(offset + m.start(), offset + m.end(), m.group(0), quantity=_value(m, vocab), unit=unit))
    return sorted(found, key=lambda a: (a.start, a.end))


def entity_spans(chunks: Iterable[Any]) -> list[tuple[int, int, str]]:
    """Document spans and labels of the first pass's named entities."""
    return [(c.start + e.start_char, c.start + e.end_char, e.label_) for c in chunks for e in c.doc.ents]


def clause_spans(doc: "Doc", trigger: "Token", offset: int) -> list[tuple[int, int]]:
    """Character spans (shifted by ``offset``) of the trigger's clause.

    A noun trigger ("the $500 m loan", "a donation of 100,000 masks") reads its clause
    from the verb it belongs to ("provided $500 m in aid"), so climb to the first verb.
    """
    head = trigger
    while head.pos_ not in ("VERB", "AUX") and not head.tag_.startswith("VB") and head.head.i != head.i:
        if head.dep_ in _OWN_CLAUSE:
            break
        head = head.head
    if not (head.pos_ in ("VERB", "AUX") or head.tag_.startswith("VB")):
        head = trigger
    keep_path = {t.i for t in trigger.ancestors} | {trigger.i}
    skipped: set[int] = set()
    # Clauses of their own anywhere below ("Kenya, which had spent $40 m"), unless the trigger is in them.
    for tok in head.subtree:
        if tok.i == head.i or tok.i in keep_path or tok.i in skipped:
            continue
        own = tok.dep_ in _OWN_CLAUSE or (tok.dep_ == "conj" and (tok.pos_ == "VERB" or tok.tag_.startswith("VB")))
        if own:
            skipped.update(t.i for t in tok.subtree)
    spans: list[tuple[int, int]] = []
    prev = -2
    for t in head.subtree:
        if t.i in skipped:
            continue
        a, b = offset + t.idx, offset + t.idx + len(t.text)
        if spans and t.i == prev + 1:
            spans[-1] = (spans[-1][0], b)
        else:
            spans.append((a, b))
        prev = t.i
    return spans


def _inside(a: Amount, spans: Sequence[tuple[int, int]]) -> bool:
    # The number may be glued to a symbol the tokenizer split off ("$500"): its start decides.
    return any(x <= a.start < y for x, y in spans)


def attach_amounts(
    coded: list[tuple[int, "Event"]], doc: "Doc", offset: int, amounts: Sequence[Amount], vocab: AmountVocab
) -> list[tuple[int, "Event"]]:
    """The sentence's (trigger offset, event) pairs, with the amount of each event's clause."""
    if not amounts or not coded:
        return coded
    by_char = {offset + t.idx: t for t in doc}
    out = []
    for pos, event in coded:
        trigger = by_char.get(pos)
        if event.type not in vocab.types or trigger is None:
            out.append((pos, event))
            continue
        spans = clause_spans(doc, trigger, offset)
        mine = [a for a in amounts if _inside(a, spans)]
        money = min((a for a in mine if a.currency), key=lambda a: (abs(a.start - pos), a.start), default=None)
        count = min((a for a in mine if a.unit), key=lambda a: (abs(a.start - pos), a.start), default=None)
        if money is None and count is None:
            out.append((pos, event))
            continue
        event = dataclasses.replace(
            event,
            amount=money.amount if money else None,
            currency=money.currency if money else None,
            amount_usd=money.amount if money and money.currency == "USD" else None,
            quantity=count.quantity if count else None,
            unit=count.unit if count else None,
        )
        out.append((pos, event))
    return out


__all__ = ["Amount", "AmountVocab", "attach_amounts", "clause_spans", "find_amounts", "entity_spans", "load_vocab", "vocab_for"]
