"""Theme tagging: paragraphs tagged with human-security dimensions and STEEP categories.

The lexicon is data (the pack's ``themes.yaml``), not code, so analysts can tune
it. All cues of a pack are compiled into one regular expression, shaped as a
trie so matching costs time linear in the text, whatever the lexicon size.
The text is scanned once; matches are then bucketed into paragraphs.

Rule (see docs/themes-and-citations.md): within a paragraph each *distinct*
cue adds its weight once to every label it belongs to; a label fires when the
sum reaches ``fire_at`` (default 2: two ordinary cues, or one strong cue of
weight 2); its score is ``min(1, sum / full_at)`` rounded to 3 decimals.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass
from typing import Any

from ..errors import HorizonscanError
from ..packs import Pack
from ..records import Theme

LEXICON_FILE = "themes.yaml"
DEFAULT_FIRE_AT = 2.0
DEFAULT_FULL_AT = 6.0
# Short all-caps cues (AI, 5G, WHO, AIDS) collide with ordinary words when
# lower-cased, so they are matched case-sensitively.
_ACRONYM = re.compile(r"[A-Z0-9&]{2,4}")
_VOWELS = set("aeiou")
_SPACE_SEP = r"[\s\-\u2010\u2011]+"  # a space in a cue: whitespace or a hyphen
_HYPHEN_SEP = r"[\s\-\u2010\u2011]?"  # a hyphen in a cue: hyphen, space or nothing
_WS = re.compile(r"\s+")


@dataclass(frozen=True)
class Cue:
    """One lexicon entry: its source spelling and the labels it counts for."""

    text: str
    labels: tuple[tuple[str, str, float], ...]  # (scheme, label, weight)


@dataclass(frozen=True)
class Lexicon:
    """A pack's compiled theme lexicon (read-only once built)."""

    pattern: re.Pattern[str]
    cues: tuple[Cue, ...]  # index i <-> regex group ``c{i}``
    order: tuple[tuple[str, str], ...]  # (scheme, label) in file order
    fire_at: float
    full_at: float


def tag_themes(text: str, paragraphs: list[tuple[int, int]], pack: Pack) -> list[Theme]:
    """Tag each paragraph span with the theme labels whose cues it contains."""
    lexicon = load_lexicon(pack)
    if lexicon is None or not text or not paragraphs:
        return []
    hits = [(m.start(), m.end(), int(m.lastgroup[1:])) for m in lexicon.pattern.finditer(text) if m.lastgroup]
    starts = [h[0] for h in hits]
    rank = {key: i for i, key in enumerate(lexicon.order)}
    themes: list[Theme] = []
    for p_start, p_end in paragraphs:
        first = bisect.bisect_left(starts, p_start)
        last = bisect.bisect_left(starts, p_end)
        inside = [h for h in hits[first:last] if h[1] <= p_end]
        themes.extend(_paragraph_themes(text, p_start, p_end, inside, lexicon, rank))
    return themes


def _paragraph_themes(
    text: str,
    start: int,
    end: int,
    hits: list[tuple[int, int, int]],
    lexicon: Lexicon,
    rank: dict[tuple[str, str], int],
) -> list[Theme]:
    weights: dict[tuple[str, str], dict[int, float]] = {}
    evidence: dict[tuple[str, str], dict[str, str]] = {}
    for h_start, h_end, index in hits:
        surface = _WS.sub(" ", text[h_start:h_end])
        for scheme, label, weight in lexicon.cues[index].labels:
            key = (scheme, label)
            weights.setdefault(key, {})[index] = weight
            evidence.setdefault(key, {}).setdefault(surface.casefold(), surface)
    themes = []
    for key in sorted(weights, key=rank.__getitem__):
        total = sum(weights[key].values())
        if total + 1e-9 < lexicon.fire_at:
            continue
        score = round(min(1.0, total / lexicon.full_at), 3)
        themes.append(Theme(key[0], key[1], start, end, tuple(evidence[key].values()), score))
    return themes


def load_lexicon(pack: Pack) -> Lexicon | None:
    """The compiled lexicon of ``pack`` (None when the pack has no themes file)."""
    return _compile(pack)


@functools.lru_cache(maxsize=16)
def _compile(pack: Pack) -> Lexicon | None:
    data = pack.yaml(LEXICON_FILE)
    if data is None:
        return None
    return build_lexicon(data, source=str(pack.path / LEXICON_FILE))


def build_lexicon(data: Any, source: str = LEXICON_FILE) -> Lexicon:
    """Compile parsed ``themes.yaml`` data into a :class:`Lexicon`."""
    if not isinstance(data, dict) or not isinstance(data.get("schemes"), dict):
        raise _invalid(source, "expected a mapping with a 'schemes' key")
    rule = data.get("rule") or {}
    fire_at = float(rule.get("fire_at", DEFAULT_FIRE_AT))
    full_at = float(rule.get("full_at", DEFAULT_FULL_AT))
    if fire_at <= 0 or full_at <= 0:
        raise _invalid(source, "rule.fire_at and rule.full_at must be positive")
    lists = _label_lists(data["schemes"], source)
    by_cue: dict[str, dict[tuple[str, str], float]] = {}
    for key, entries in lists.items():
        for cue, weight in _expand(key, lists, entries, source, ()):
            labels = by_cue.setdefault(cue, {})
            labels[key] = max(weight, labels.get(key, 0.0))
    cues = tuple(
        Cue(cue, tuple((s, lab, w) for (s, lab), w in sorted(labels.items(), key=lambda kv: list(lists).index(kv[0]))))
        for cue, labels in sorted(by_cue.items())
    )
    pattern = _trie_pattern(cues)
    return Lexicon(pattern, cues, tuple(lists), fire_at, full_at)


def _invalid(source: str, why: str) -> HorizonscanError:
    return HorizonscanError(f"E235 invalid theme lexicon {source}: {why}")


def _label_lists(schemes: dict[str, Any], source: str) -> dict[tuple[str, str], Any]:
    lists: dict[tuple[str, str], Any] = {}
    for scheme, labels in schemes.items():
        if not isinstance(labels, dict):
            raise _invalid(source, f"scheme {scheme!r} must map labels to cue lists")
        for label, entries in labels.items():
            lists[(str(scheme), str(label))] = entries
    return lists


def _expand(
    key: tuple[str, str],
    lists: dict[tuple[str, str], Any],
    entries: Any,
    source: str,
    seen: tuple[tuple[str, str], ...],
) -> list[tuple[str, float]]:
    """(cue, weight) pairs of one label, following ``extends`` references."""
    if key in seen:
        raise _invalid(source, f"'extends' cycle at {key[0]}/{key[1]}")
    out: list[tuple[str, float]] = []
    if isinstance(entries, dict):
        for ref in entries.get("extends") or []:
            scheme, _, label = str(ref).partition("/")
            if (scheme, label) not in lists:
                raise _invalid(source, f"{key[0]}/{key[1]} extends unknown label {ref!r}")
            out.extend(_expand((scheme, label), lists, lists[(scheme, label)], source, seen + (key,)))
        entries = entries.get("cues") or []
    if not isinstance(entries, list):
        raise _invalid(source, f"{key[0]}/{key[1]} must be a list of cues")
    for entry in entries:
        if isinstance(entry, str):
            out.append((_norm_cue(entry), 1.0))
        elif isinstance(entry, dict) and len(entry) == 1:
            (cue, weight), = entry.items()
            if not isinstance(weight, (int, float)) or weight <= 0:
                raise _invalid(source, f"weight of cue {cue!r} must be a positive number")
            out.append((_norm_cue(str(cue)), float(weight)))
        else:
            raise _invalid(source, f"bad cue entry {entry!r} (a string, or 'cue: weight')")
    return out


def _norm_cue(cue: str) -> str:
    cue = " ".join(cue.split())
    return cue if _is_acronym(cue) else cue.lower()


def _is_acronym(cue: str) -> bool:
    return bool(_ACRONYM.fullmatch(cue)) and any(c.isalpha() for c in cue)


# ---------------------------------------------------------------- cue -> regex


def _units(stem: str) -> list[str]:
    """Regex pieces for the literal part of a cue, one per character or separator."""
    return [_SPACE_SEP if c == " " else _HYPHEN_SEP if c in "-\u2010\u2011" else re.escape(c) for c in stem]


def _split_cue(cue: str) -> tuple[str, str]:
    """Split a cue into its literal stem and the regex of the endings it accepts."""
    if cue.startswith("="):
        return cue[1:], ""
    if cue.endswith("*"):
        return cue[:-1], r"\w*"
    if _is_acronym(cue):
        return cue, "s?"
    last = cue[-1]
    if not last.isalpha():
        return cue, ""
    if last == "y" and len(cue) > 2 and cue[-2] not in _VOWELS:
        return cue[:-1], "(?:y|ies|ied|ying)"
    if last == "e":
        return cue[:-1], "(?:e|es|ed|er|ers|ing)"
    endings = ["s", "es", "ed", "ing", "er", "ers"]
    if len(cue) > 2 and last not in _VOWELS | set("wxy") and cue[-2] in _VOWELS and cue[-3] not in _VOWELS:
        endings += [last + e for e in ("ed", "ing", "er", "ers")]  # ban -> banned
    return cue, "(?:" + "|".join(sorted(endings, key=lambda e: (-len(e), e))) + ")?"


def _trie_pattern(cues: tuple[Cue, ...]) -> re.Pattern[str]:
    """One pattern for all cues; shared prefixes are factored out (a regex trie)."""
    plain: dict[str, Any] = {}
    exact_case: dict[str, Any] = {}
    for i, cue in enumerate(cues):
        stem, ending = _split_cue(cue.text)
        node = exact_case if _is_acronym(stem) else plain
        for unit in _units(stem):
            node = node.setdefault(unit, {})
        node.setdefault("", []).append(f"(?P<c{i}>){ending}")
    branches = []
    if exact_case:
        branches.append(f"(?-i:{_trie_regex(exact_case)})")
    if plain:
        branches.append(_trie_regex(plain))
    body = "|".join(branches) or r"(?!x)x"
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)


def _trie_regex(node: dict[str, Any]) -> str:
    """Longer continuations are tried before a cue ending here, so the longest cue wins."""
    parts = [unit + _trie_regex(child) for unit, child in sorted((k, v) for k, v in node.items() if k)]
    leaves = node.get("", [])
    # Specific endings before the open-ended ``\w*`` of a wildcard cue.
    parts += sorted(leaves, key=lambda leaf: leaf.endswith(r"\w*"))
    if len(parts) == 1:
        return parts[0]
    return "(?:" + "|".join(parts) + ")"
